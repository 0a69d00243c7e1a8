using Google.Protobuf;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Data;
using Hub.Server.Records;
using Hub.Server.Retention;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Deliveries;

/// <summary>
/// Controlled deliveries under retention: due from when they were proposed, protected by
/// their case's legal hold, never purged while ACTIVE; a purge empties the details and the
/// positions — of the operation, its versions and the steps it keeps — while the route and
/// the steps themselves stay as the facts.
/// </summary>
public sealed class DeliveryRetainedKind : IRetainedKind
{
    public RetainedKind Kind => RetainedKind.Delivery;
    public string RecordType => DeliveryFeedKind.RecordType;

    public TimeSpan Review(RetentionOptions options) => options.DeliveryReview;

    public async Task<List<RetainedFacts>> DueAsync(HubDbContext db, RetentionOptions options, DateTime atUtc, int limit, CancellationToken ct)
    {
        var createdBy = atUtc - options.DeliveryReview;
        var due = await db.Set<DeliveryRecord>().AsNoTracking()
            .Where(d => d.PurgedAtUtc == null && (d.KeepUntilUtc == null ? d.CreatedAtUtc <= createdBy : d.KeepUntilUtc <= atUtc))
            .OrderBy(d => d.CreatedAtUtc).Take(limit).ToListAsync(ct);
        return [.. due.Select(Facts)];
    }

    public RetainedFacts? Find(HubDbContext db, RetentionOptions options, Guid id) =>
        db.Set<DeliveryRecord>().FirstOrDefault(d => d.Id == id) is { } record ? Facts(record) : null;

    public void Keep(HubDbContext db, Guid id, DateTime untilUtc, string reason)
    {
        var record = db.Set<DeliveryRecord>().First(d => d.Id == id);
        (record.KeepUntilUtc, record.KeepReason) = (untilUtc, reason);
    }

    public void Purge(RecordContext context, Guid id, string reason)
    {
        var db = context.Db;
        var record = db.Set<DeliveryRecord>().First(d => d.Id == id);
        var document = Emptied(DeliveryFeedKind.Document(record));
        new DeliveryDetails(document).Withdraw(context, RecordType, id.ToString(), WithdrawalCause.Retention, reason, "");
        record.PurgedAtUtc = context.NowUtc;
        StoredAnswers.PurgeVersions(db, RecordType, id.ToString());
        // The stored steps, and those another write of this group commit staged a moment ago.
        _ = db.Set<DeliveryEventRecord>().Where(e => e.DeliveryId == id).ToList();
        foreach (var stored in db.Set<DeliveryEventRecord>().Local.Where(e => e.DeliveryId == id).ToList())
        {
            var step = ProtoJson.Parser.Parse<DeliveryEvent>(stored.PayloadJson);
            step.Delivery = Emptied(DeliveryDetails.AsNow(step.Delivery, document, Sight.Withheld));
            stored.PayloadJson = ProtoJson.Formatter.Format(step);
        }
        DeliveryChange.Store(context, record, document, "withdrawn", "delivery.purge", "details purged under retention");
        StoredAnswers.Replace(db, [id.ToString()], _ => document.ToByteArray());
    }

    private static ControlledDelivery Emptied(ControlledDelivery d)
    {
        var emptied = DeliveryDetails.For(d, Sight.Withheld);
        emptied.Positions.Clear();
        return emptied;
    }

    private static RetainedFacts Facts(DeliveryRecord record)
    {
        var d = DeliveryFeedKind.Document(record);
        return new(RetainedKind.Delivery, record.Id, record.InitiatingCountry, record.CreatedAtUtc, record.KeepUntilUtc, record.KeepReason,
            record.PurgedAtUtc is not null, d.Withdrawal, Guid.TryParse(d.CaseId, out var caseId) ? caseId : null,
            d.State == DeliveryState.Active ? "the operation is ACTIVE: abort or complete it first" : null);
    }
}
