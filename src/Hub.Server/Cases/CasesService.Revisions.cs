using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Audit;
using Hub.Server.Records;
using Hub.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Cases;

/// <summary>Corrections, withdrawals and the history of case messages.</summary>
public sealed partial class CasesService
{
    public override Task<CaseMessage> CorrectMessage(CorrectMessageRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var id = RevisionFields.Check(request.MessageId, "message_id", request.ExpectedVersion, true, request.Reason, request.IdempotencyKey, errors);
        CaseValidation.Text(request.Subject, "subject", CaseValidation.MaxSubject, errors);
        CaseValidation.Text(request.Body, "body", CaseValidation.MaxBody, errors);
        errors.ThrowIfAny();
        return WriteAsync(context, new CorrectMessageChange(CallerOf(context), request, id));
    }

    public override Task<CaseMessage> WithdrawMessage(WithdrawMessageRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var id = RevisionFields.Check(request.MessageId, "message_id", request.ExpectedVersion, false, request.Reason, request.IdempotencyKey, errors);
        TextFields.Text(request.LegalBasis, "legal_basis", RecordRevisions.MaxLegalBasis, errors, required: false, singleLine: true);
        errors.ThrowIfAny();
        return WriteAsync(context, new WithdrawMessageChange(CallerOf(context), request, id));
    }

    public override async Task<MessageHistory> GetMessageHistory(MessageRef request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var caller = CallerOf(context);
        var id = ParseId(request.MessageId, "message_id");
        var message = await db.Set<CaseMessageRecord>().AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct);
        var owner = message is null ? null : await db.Set<CaseRecord>().Include(c => c.Participants).AsNoTracking().FirstAsync(c => c.Id == message.CaseId, ct);
        var sight = message is null ? Sight.None : SightOf(caller, message, owner!);
        if (sight == Sight.None)
        {
            throw ErrorHandling.HubException.NotFound("message_id", $"message {id}", "case-message", id.ToString(), message is null ? "no such message" : "not released to the caller").For("message.history");
        }
        var recordId = id.ToString();
        var earlier = await db.Set<RecordVersionRow>().AsNoTracking()
            .Where(v => v.RecordType == "case-message" && v.RecordId == recordId).OrderBy(v => v.Version).ToListAsync(ct);
        var history = new MessageHistory { MessageId = recordId, Withdrawal = RecordRevisions.WithdrawalOf(message!) };
        var withheld = sight != Sight.Full;
        foreach (var version in earlier)
        {
            var then = version.ContentJson.Length == 0 || withheld ? new CaseMessage() : ProtoJson.Parser.Parse<CaseMessage>(version.ContentJson);
            history.Versions.Add(Version(version.Version, version.MadeAtUtc, version.MadeBy, version.Reason, then.Subject, then.Body));
        }
        history.Versions.Add(Version(message!.Version, message.VersionAtUtc ?? message.SentAtUtc, message.VersionBy.Length > 0 ? message.VersionBy : message.SenderName,
            message.VersionReason, withheld ? "" : message.Subject, withheld ? "" : message.Body));
        await AuditReadAsync(caller, "message.history", "case-message", recordId, $"{history.Versions.Count} versions{(withheld ? "; content withheld" : "")}", ct);
        return history;
    }

    private static MessageVersion Version(int version, DateTime atUtc, string by, string reason, string subject, string body) => new()
    {
        Version = version,
        MadeAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.SpecifyKind(atUtc, DateTimeKind.Utc)),
        MadeBy = by,
        Reason = reason,
        Subject = subject,
        Body = body,
    };
}
