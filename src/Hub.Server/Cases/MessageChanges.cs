using Google.Protobuf;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.ErrorHandling;
using Hub.Server.Records;
using Hub.Server.Validation;

namespace Hub.Server.Cases;

/// <summary>An accepted participant posts a message (request checked for shape before).</summary>
internal sealed class PostMessageChange(Caller caller, PostMessageRequest request) : CaseChange<CaseMessage>(caller, "message.post", request.IdempotencyKey, request)
{
    private readonly Guid _id = Guid.CreateVersion7();

    public override Func<CaseMessage> Apply(RecordContext context)
    {
        var record = VisibleCase(context, Guid.Parse(request.CaseId));
        RequireActFor(context, Caller.Country, record.Id.ToString());
        if (record.Participants.FirstOrDefault(p => p.Country == Caller.Country)?.State != ParticipationState.Accepted)
        {
            throw HubException.FailedPrecondition("case_id", $"{Caller.Country} has not accepted the invitation to this case", RecordType, record.Id.ToString()).For(Action);
        }
        RequireOpen(record);
        CaseMessageRecord? repliedTo = null;
        if (request.ReplyToMessageId.Length > 0)
        {
            (repliedTo, _) = VisibleMessage(context, Guid.Parse(request.ReplyToMessageId), "reply_to_message_id");
            if (repliedTo.CaseId != record.Id)
            {
                throw HubException.Invalid("reply_to_message_id", "the message belongs to another case");
            }
        }
        var accepted = record.Participants.Where(p => p.State == ParticipationState.Accepted).Select(p => p.Country).ToHashSet();
        var recipients = request.Recipients.Distinct().ToList();
        var errors = new FieldErrors();
        for (var i = 0; i < recipients.Count; i++)
        {
            if (recipients[i] == Caller.Country)
            {
                errors.Add($"recipients[{i}]", "the sender is not a recipient");
            }
            else if (!accepted.Contains(recipients[i]))
            {
                errors.Add($"recipients[{i}]", $"'{TextFields.Truncate(recipients[i])}' is not an accepted participant of this case");
            }
        }
        errors.ThrowIfAny();

        var now = context.NowUtc;
        var message = new CaseMessageRecord
        {
            Id = _id,
            CaseId = record.Id,
            ReplyToMessageId = repliedTo?.Id,
            SenderCountry = Caller.Country,
            SenderSubject = Caller.Subject,
            SenderName = Caller.Name ?? Caller.Subject,
            Kind = request.Kind,
            Priority = request.Priority,
            Subject = request.Subject,
            Body = request.Body,
            Recipients = string.Join(',', recipients),
            Distribution = request.Distribution,
            HandlingCode = request.HandlingCode,
            HandlingRestrictions = request.HandlingRestrictions,
            SourceReliability = request.Evaluation?.Source ?? SourceReliability.Unspecified,
            InformationReliability = request.Evaluation?.Information ?? InformationReliability.Unspecified,
            Language = request.Language,
            SentAtUtc = now,
            AwaitingReply = request.Kind == MessageKind.RequestForInformation,
            ReplyDueAtUtc = request.ReplyDueAt?.ToDateTime(),
            Receipts = [.. recipients.Select(c => new CaseReceiptRecord { Country = c, State = ReceiptState.Sent, ChangedAtUtc = now })],
            Attachments = [.. request.Attachments.Select(a => new CaseAttachmentRecord
            {
                Id = Guid.CreateVersion7(), FileName = a.FileName, ContentType = a.ContentType, Content = a.Content.ToByteArray(), Size = a.Content.Length,
            })],
        };
        message.PartiesJson = MessageParties.Write(request.Identifiers, request.Persons);
        context.Db.Add(message);
        CaseSearch.Index(context.Db, message);
        context.RecordId = message.Id.ToString();
        var posted = new CaseEvent { Message = CaseMapping.ToProto(message) };
        CaseFeedKind.Raise(context, record.Id, "message.posted", posted);
        context.Index("case-message", message.Id.ToString(), message.SenderCountry, CaseMapping.AccessOf(message, record), MessageParties.Read(message.PartiesJson), fresh: true);
        if (repliedTo is not null && repliedTo.AwaitingReply && repliedTo.RecipientList.Contains(Caller.Country))
        {
            // A recipient's reply answers the request.
            repliedTo.AwaitingReply = false;
            CaseFeedKind.Raise(context, record.Id, "message.answered", new CaseEvent { Message = CaseMapping.ToProto(repliedTo) });
        }
        context.Audit(Action, "case-message", message.Id.ToString(), $"case {record.Id}; {request.Kind}; to {message.Recipients}; {ProtoEnums.Name(request.HandlingCode)}");
        return () =>
        {
            // The message's feed position is its posted event's.
            message.Sequence = posted.Sequence;
            return CaseMapping.ToProto(message);
        };
    }
}

/// <summary>
/// Moves the caller's country's receipts forward (never back) and tells the sender, live:
/// delivered when a recipient fetches, read and acknowledged when it says so. Only a
/// recipient country has a receipt; reads by others change nothing but the audit trail.
/// </summary>
internal sealed class ReceiptChange(Caller caller, string action, IMessage request, string idempotencyKey, IReadOnlyList<Guid> messageIds, ReceiptState state, bool explicitly)
    : CaseChange<CaseMessage>(caller, action, idempotencyKey, request)
{
    public override Func<CaseMessage> Apply(RecordContext context)
    {
        CaseMessageRecord? first = null;
        foreach (var id in messageIds)
        {
            var (message, owner) = VisibleMessage(context, id);
            if (explicitly)
            {
                if (!message.RecipientList.Contains(Caller.Country))
                {
                    throw HubException.FailedPrecondition("message_id", $"{Caller.Country} is not a recipient of this message", "case-message", message.Id.ToString()).For(Action);
                }
                RequireActFor(context, Caller.Country, message.Id.ToString());
            }
            first ??= message;
            var receipt = message.Receipts.FirstOrDefault(r => r.Country == Caller.Country);
            if (receipt is not null && receipt.State < state && !Caller.IsCentreStaff)
            {
                receipt.State = state;
                receipt.ChangedAtUtc = context.NowUtc;
                CaseFeedKind.Raise(context, owner.Id, "receipt.changed", new CaseEvent { Message = CaseMapping.ToProto(message) });
                context.Audit(Action, "case-message", message.Id.ToString(), $"{Caller.Country}: {state}");
            }
            else if (explicitly || messageIds.Count == 1)
            {
                context.Audit(Action, "case-message", message.Id.ToString(), null);
            }
        }
        if (context.AuditEvents.Count == 0)
        {
            context.Audit(Action, "case-message", null, "no receipt moved");
        }
        return () => first is null ? new CaseMessage() : CaseMapping.ToProto(first);
    }
}
