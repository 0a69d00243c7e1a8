using Google.Protobuf;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Data;
using Hub.Server.Records;
using Hub.Server.Retention;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Cases;

/// <summary>
/// Case messages under retention: due from when they were sent, protected by their case's
/// legal hold; a purge empties the message, its versions, its attachments, its search entry
/// and the snapshots its case events keep.
/// </summary>
public sealed class MessageRetainedKind : IRetainedKind
{
    private const string MessageType = "case-message";

    public RetainedKind Kind => RetainedKind.CaseMessage;
    public string RecordType => MessageType;

    public TimeSpan Review(RetentionOptions options) => options.MessageReview;

    public async Task<List<RetainedFacts>> DueAsync(HubDbContext db, RetentionOptions options, DateTime atUtc, int limit, CancellationToken ct)
    {
        var sentBy = atUtc - options.MessageReview;
        var due = await db.Set<CaseMessageRecord>().AsNoTracking()
            .Where(m => m.WithdrawalCause != WithdrawalCause.Retention && (m.KeepUntilUtc == null ? m.SentAtUtc <= sentBy : m.KeepUntilUtc <= atUtc))
            .OrderBy(m => m.SentAtUtc).Take(limit).ToListAsync(ct);
        return [.. due.Select(Facts)];
    }

    public RetainedFacts? Find(HubDbContext db, RetentionOptions options, Guid id) =>
        db.Set<CaseMessageRecord>().FirstOrDefault(m => m.Id == id) is { } message ? Facts(message) : null;

    public void Keep(HubDbContext db, Guid id, DateTime untilUtc, string reason)
    {
        var message = db.Set<CaseMessageRecord>().First(m => m.Id == id);
        (message.KeepUntilUtc, message.KeepReason) = (untilUtc, reason);
    }

    public void Purge(RecordContext context, Guid id, string reason)
    {
        var db = context.Db;
        var message = db.Set<CaseMessageRecord>().Include(m => m.Receipts).Include(m => m.Attachments).First(m => m.Id == id);
        (message.Subject, message.Body, message.HandlingRestrictions, message.PartiesJson) = ("", "", "", "");
        (message.SourceReliability, message.InformationReliability) = (SourceReliability.Unspecified, InformationReliability.Unspecified);
        message.Attachments.Clear();
        message.AwaitingReply = false;
        message.Withdraw(context, MessageType, id.ToString(), WithdrawalCause.Retention, reason, "");
        CaseSearch.Remove(db, id);
        StoredAnswers.PurgeVersions(db, MessageType, id.ToString());
        // The stored events, and those another write of this group commit staged a moment ago
        // (a receipt read with the old text): Local holds both once the stored ones are loaded.
        _ = db.Set<CaseEventRecord>().Where(e => e.CaseId == message.CaseId && e.MessageId == id).ToList();
        foreach (var stored in db.Set<CaseEventRecord>().Local.Where(e => e.CaseId == message.CaseId && e.MessageId == id).ToList())
        {
            var snapshot = ProtoJson.Parser.Parse<CaseEvent>(stored.PayloadJson);
            snapshot.Message = CaseMapping.AsNow(snapshot.Message, message, Sight.Withheld);
            stored.PayloadJson = ProtoJson.Formatter.Format(snapshot);
        }
        CaseFeedKind.Raise(context, message.CaseId, "message.withdrawn", new CaseEvent { Message = CaseMapping.ToProto(message) });
        StoredAnswers.Replace(db, [id.ToString()], _ => CaseMapping.ToProto(message).ToByteArray());
    }

    private static RetainedFacts Facts(CaseMessageRecord m) => new(RetainedKind.CaseMessage, m.Id, m.SenderCountry, m.SentAtUtc, m.KeepUntilUtc, m.KeepReason,
        m.WithdrawalCause == WithdrawalCause.Retention, RecordRevisions.WithdrawalOf(m), m.CaseId);
}
