using Google.Protobuf;
using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Audit;
using Hub.Server.Idempotency;
using Hub.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Cases;

public sealed partial class CasesService
{
    public override async Task<CaseMessage> PostMessage(PostMessageRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var caller = CallerOf(context);
        var errors = new FieldErrors();
        CaseValidation.Validate(request, clock.GetUtcNow(), errors);
        if (errors.Any)
        {
            await AuditAloneAsync(caller, "message.post", AuditOutcomes.Invalid, "case", request.CaseId, errors.All[0].ToString(), ct);
            errors.ThrowIfAny();
        }
        var record = await VisibleCaseAsync(caller, Guid.Parse(request.CaseId), "message.post", ct);
        await DenyIfAsync(policy.CanActFor(caller, caller.Country), caller, "message.post", record.Id.ToString(), ct);
        if (record.Participants.FirstOrDefault(p => p.Country == caller.Country)?.State != ParticipationState.Accepted)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"case_id: {caller.Country} has not accepted the invitation to this case"));
        }
        RequireOpen(record);
        CaseMessageRecord? repliedTo = null;
        if (request.ReplyToMessageId.Length > 0)
        {
            (repliedTo, _) = await VisibleMessageAsync(caller, Guid.Parse(request.ReplyToMessageId), "message.post", "reply_to_message_id", ct);
            if (repliedTo.CaseId != record.Id)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, "reply_to_message_id: the message belongs to another case"));
            }
        }
        var accepted = record.Participants.Where(p => p.State == ParticipationState.Accepted).Select(p => p.Country).ToHashSet();
        var recipients = request.Recipients.Distinct().ToList();
        for (var i = 0; i < recipients.Count; i++)
        {
            if (recipients[i] == caller.Country)
            {
                errors.Add($"recipients[{i}]", "the sender is not a recipient");
            }
            else if (!accepted.Contains(recipients[i]))
            {
                errors.Add($"recipients[{i}]", $"'{Alerts.AlertValidator.Truncate(recipients[i])}' is not an accepted participant of this case");
            }
        }
        if (errors.Any)
        {
            await AuditAloneAsync(caller, "message.post", AuditOutcomes.Invalid, "case", record.Id.ToString(), errors.All[0].ToString(), ct);
            errors.ThrowIfAny();
        }

        var scope = "message:" + caller.Country;
        var hash = IdempotentWrites.HashOf(request);
        if (await IdempotentWrites.FindAsync(db, scope, request.IdempotencyKey, hash, "idempotency_key", ct) is { } earlierId)
        {
            var earlier = await db.Set<CaseMessageRecord>().Include(m => m.Receipts).Include(m => m.Attachments).AsNoTracking().FirstAsync(m => m.Id == Guid.Parse(earlierId), ct);
            return CaseMapping.ToProto(earlier);
        }

        var now = Now;
        var message = new CaseMessageRecord
        {
            Id = Guid.NewGuid(),
            CaseId = record.Id,
            ReplyToMessageId = repliedTo?.Id,
            SenderCountry = caller.Country,
            SenderSubject = caller.Subject,
            SenderName = caller.Name ?? caller.Subject,
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
                Id = Guid.NewGuid(), FileName = a.FileName, ContentType = a.ContentType, Content = a.Content.ToByteArray(), Size = a.Content.Length,
            })],
        };
        return await InTransactionAsync(async () =>
        {
            db.Set<CaseMessageRecord>().Add(message);
            IdempotentWrites.Remember(db, scope, request.IdempotencyKey, hash, message.Id.ToString(), now);
            await CaseSearch.IndexAsync(db, message, ct);
            var proto = CaseMapping.ToProto(message);
            var posted = await CaseEventLog.AppendAsync(db, record.Id, "message.posted", policy.CountriesMayReadMessage(CaseMapping.AccessOf(message, record)),
                new CaseEvent { Message = proto }, now, ct);
            message.Sequence = posted.Sequence;
            proto.Sequence = posted.Sequence;
            if (repliedTo is not null && repliedTo.AwaitingReply && repliedTo.RecipientList.Contains(caller.Country))
            {
                // A recipient's reply answers the request.
                var answered = await db.Set<CaseMessageRecord>().Include(m => m.Receipts).Include(m => m.Attachments).FirstAsync(m => m.Id == repliedTo.Id, ct);
                answered.AwaitingReply = false;
                await CaseEventLog.AppendAsync(db, record.Id, "message.answered", policy.CountriesMayReadMessage(CaseMapping.AccessOf(answered, record)),
                    new CaseEvent { Message = CaseMapping.ToProto(answered) }, now, ct);
            }
            await audit.AppendAsync(db, [new AuditEvent(caller, Channels.Grpc, "message.post", AuditOutcomes.Allowed, "case-message", message.Id.ToString(),
                $"case {record.Id}; {request.Kind}; to {message.Recipients}; {ProtoEnums.Name(request.HandlingCode)}")], ct);
            return proto;
        }, ct);
    }

    public override async Task<CaseMessage> GetMessage(MessageRef request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var caller = CallerOf(context);
        var (message, owner) = await VisibleMessageAsync(caller, ParseId(request.MessageId, "message_id"), "message.read", "message_id", ct);
        await AdvanceReceiptAsync(caller, message, owner, ReceiptState.Delivered, "message.read", ct);
        var proto = CaseMapping.ToProto(message);
        // Recipients and the sender get the files themselves; the others see that they exist.
        if (message.SenderCountry == caller.Country || message.RecipientList.Contains(caller.Country))
        {
            for (var i = 0; i < message.Attachments.Count; i++)
            {
                proto.Attachments[i].Content = ByteString.CopyFrom(message.Attachments[i].Content);
            }
        }
        return proto;
    }

    public override async Task<ListMessagesResponse> ListMessages(ListMessagesRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var caller = CallerOf(context);
        var owner = await VisibleCaseAsync(caller, ParseId(request.CaseId, "case_id"), "message.list", ct);
        var messages = await db.Set<CaseMessageRecord>().Include(m => m.Receipts).Include(m => m.Attachments)
            .Where(m => m.CaseId == owner.Id).OrderBy(m => m.SentAtUtc).ToListAsync(ct);
        var visible = messages.Where(m => policy.CanReadMessage(caller, CaseMapping.AccessOf(m, owner))).ToList();
        foreach (var message in visible)
        {
            await AdvanceReceiptAsync(caller, message, owner, ReceiptState.Delivered, null, ct);
        }
        await AuditAloneAsync(caller, "message.list", AuditOutcomes.Allowed, "case", owner.Id.ToString(), $"{visible.Count} messages", ct);
        var response = new ListMessagesResponse();
        response.Messages.AddRange(visible.Select(CaseMapping.ToProto));
        return response;
    }

    public override Task<CaseMessage> MarkRead(MessageRef request, ServerCallContext context) => ReceiptAsync(request, context, ReceiptState.Read, "message.mark-read");

    public override Task<CaseMessage> Acknowledge(MessageRef request, ServerCallContext context) => ReceiptAsync(request, context, ReceiptState.Acknowledged, "message.acknowledge");

    private async Task<CaseMessage> ReceiptAsync(MessageRef request, ServerCallContext context, ReceiptState state, string action)
    {
        var ct = context.CancellationToken;
        var caller = CallerOf(context);
        var (message, owner) = await VisibleMessageAsync(caller, ParseId(request.MessageId, "message_id"), action, "message_id", ct);
        if (!message.RecipientList.Contains(caller.Country))
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"message_id: {caller.Country} is not a recipient of this message"));
        }
        await DenyIfAsync(policy.CanActFor(caller, caller.Country), caller, action, message.Id.ToString(), ct);
        await AdvanceReceiptAsync(caller, message, owner, state, action, ct);
        return CaseMapping.ToProto(message);
    }

    /// <summary>
    /// Moves the caller's country's receipt forward (never back) and tells the sender, live.
    /// Only a recipient country has a receipt; reads by others change nothing.
    /// </summary>
    private async Task AdvanceReceiptAsync(Caller caller, CaseMessageRecord message, CaseRecord owner, ReceiptState state, string? action, CancellationToken ct)
    {
        var receipt = message.Receipts.FirstOrDefault(r => r.Country == caller.Country);
        if (receipt is null || receipt.State >= state || caller.IsCentreStaff)
        {
            if (action is not null)
            {
                await AuditAloneAsync(caller, action, AuditOutcomes.Allowed, "case-message", message.Id.ToString(), null, ct);
            }
            return;
        }
        var now = Now;
        await InTransactionAsync(async () =>
        {
            // Conditional, so that two readers of one country move it once.
            // States are stored by name, so "before" is spelled out rather than compared.
            var before = Enum.GetValues<ReceiptState>().Where(s => s != ReceiptState.Unspecified && s < state).ToList();
            var moved = await db.Set<CaseReceiptRecord>()
                .Where(r => r.MessageId == message.Id && r.Country == caller.Country && before.Contains(r.State))
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, state).SetProperty(r => r.ChangedAtUtc, now), ct);
            if (moved == 1)
            {
                db.Entry(receipt).State = EntityState.Detached;
                receipt.State = state;
                receipt.ChangedAtUtc = now;
                await CaseEventLog.AppendAsync(db, owner.Id, "receipt.changed", policy.CountriesMayReadMessage(CaseMapping.AccessOf(message, owner)),
                    new CaseEvent { Message = CaseMapping.ToProto(message) }, now, ct);
            }
            await audit.AppendAsync(db, [new AuditEvent(caller, Channels.Grpc, action ?? "message.delivered", AuditOutcomes.Allowed, "case-message", message.Id.ToString(),
                $"{caller.Country}: {state}")], ct);
            return moved;
        }, ct);
    }
}
