using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.ErrorHandling;
using Hub.Server.Records;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Cases;

/// <summary>
/// A reader passes a message on to countries outside its recipients. H0/H1: at once,
/// recorded. H2/H3: no onward dissemination without the provider's permission (Europol
/// SIENA), so it waits for the originating country's decision.
/// </summary>
internal sealed class ForwardChange(Caller caller, ForwardRequest request, Guid messageId, IReadOnlyList<string> countries)
    : CaseChange<ForwardResponse>(caller, "message.forward", request.IdempotencyKey, request)
{
    public override Func<ForwardResponse> Apply(RecordContext context)
    {
        var (message, owner) = VisibleMessage(context, messageId);
        RequireActFor(context, Caller.Country, message.Id.ToString());
        var already = countries.Where(c => c == message.SenderCountry || message.RecipientList.Contains(c)).ToList();
        if (already.Count > 0)
        {
            throw HubException.Invalid("countries", $"{string.Join(", ", already)} already see this message");
        }
        var needsConsent = message.HandlingCode is HandlingCode.H2 or HandlingCode.H3 && Caller.Country != message.SenderCountry;
        var now = context.NowUtc;
        var forward = new ForwardRecord
        {
            Id = Guid.CreateVersion7(),
            MessageId = message.Id,
            RequestedByCountry = Caller.Country,
            RequestedBy = Caller.Subject,
            Countries = string.Join(',', countries),
            Reason = request.Reason,
            State = needsConsent ? ForwardState.Pending : ForwardState.Approved,
            RequestedAtUtc = now,
            DecidedAtUtc = needsConsent ? null : now,
            DecidedBy = needsConsent ? null : "handling code " + ProtoEnums.Name(message.HandlingCode),
        };
        context.Db.Add(forward);
        context.RecordId = forward.Id.ToString();
        var response = Forwards.ToProto(forward);
        if (needsConsent)
        {
            CaseFeedKind.Raise(context, owner.Id, "forward.requested", new CaseEvent { Message = CaseMapping.ToProto(message), Forward = response });
        }
        else
        {
            Forwards.ExtendRecipients(context, message, owner, countries, response);
        }
        context.Audit(needsConsent ? "message.forward-requested" : "message.forwarded", "case-message", message.Id.ToString(),
            $"to {forward.Countries}; {ProtoEnums.Name(message.HandlingCode)}; {request.Reason}");
        return () => response;
    }
}

/// <summary>The originating country approves or denies a pending forward.</summary>
internal sealed class DecideForwardChange(Caller caller, DecideForwardRequest request, Guid forwardId)
    : CaseChange<ForwardResponse>(caller, "message.forward-decide", request.IdempotencyKey, request)
{
    public override Func<ForwardResponse> Apply(RecordContext context)
    {
        var forward = context.Db.Set<ForwardRecord>().FirstOrDefault(f => f.Id == forwardId)
            ?? throw HubException.NotFound("forward_id", $"forward {forwardId}", "case-message", forwardId.ToString(), "no such forward").For(Action);
        var (message, owner) = VisibleMessage(context, forward.MessageId, "forward_id");
        // Only the originator of the information decides where it goes.
        RequireActFor(context, message.SenderCountry, message.Id.ToString());
        if (forward.State != ForwardState.Pending)
        {
            throw HubException.FailedPrecondition("forward_id", $"the request is already {ProtoEnums.Name(forward.State)}", "case-message", message.Id.ToString()).For(Action);
        }
        forward.State = request.Approve ? ForwardState.Approved : ForwardState.Denied;
        forward.DecidedBy = Caller.Subject;
        forward.DecisionReason = request.Reason;
        forward.DecidedAtUtc = context.NowUtc;
        context.RecordId = forward.Id.ToString();
        var response = Forwards.ToProto(forward);
        CaseFeedKind.Raise(context, owner.Id, "forward.decided", new CaseEvent { Message = CaseMapping.ToProto(message), Forward = response });
        if (request.Approve)
        {
            Forwards.ExtendRecipients(context, message, owner, forward.Countries.Split(','), response);
        }
        context.Audit("message.forward-decided", "case-message", message.Id.ToString(),
            $"{(request.Approve ? "approved" : "denied")} forward to {forward.Countries}; {request.Reason}");
        return () => response;
    }
}

internal static class Forwards
{
    /// <summary>Makes the countries recipients (with receipts) and announces the message to them.</summary>
    public static void ExtendRecipients(RecordContext context, CaseMessageRecord message, CaseRecord owner, IEnumerable<string> countries, ForwardResponse forward)
    {
        var added = countries.Where(c => !message.RecipientList.Contains(c)).ToList();
        message.Recipients = string.Join(',', message.RecipientList.Concat(added));
        foreach (var country in added)
        {
            message.Receipts.Add(new CaseReceiptRecord { MessageId = message.Id, Country = country, State = ReceiptState.Sent, ChangedAtUtc = context.NowUtc });
        }
        CaseFeedKind.Raise(context, owner.Id, "message.forwarded", new CaseEvent { Message = CaseMapping.ToProto(message), Forward = forward });
    }

    public static ForwardResponse ToProto(ForwardRecord f)
    {
        var response = new ForwardResponse { ForwardId = f.Id.ToString(), State = f.State, MessageId = f.MessageId.ToString() };
        response.Countries.AddRange(f.Countries.Split(',', StringSplitOptions.RemoveEmptyEntries));
        return response;
    }
}
