using Google.Protobuf.WellKnownTypes;
using Hub.Contracts.Events;
using Hub.Contracts.V1;
using Hub.Server.Data;
using Hub.Server.Records;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Alerts;

/// <summary>
/// A posted alert, as the record pipeline applies it: the alert row (its own feed row) with
/// its items, announced by <see cref="AlertPosted"/>. Checked before it is queued (it reads
/// nothing the check could not), so it never refuses inside the commit.
/// </summary>
internal sealed class PostAlertChange(SeizureAlertContent asSent, SeizureAlertContent content, string idempotencyKey) : RecordChange<PostAlertResponse>
{
    // Fixed once, so that a retried commit stores the same alert under the same ids. Version 7
    // (time-ordered): the unique indexes on the alert's id, the outbox's message id and the
    // audit trail's record id then grow at their end instead of dirtying a random page each.
    private readonly Guid _id = Guid.CreateVersion7();
    private readonly Guid _postedEventId = Guid.CreateVersion7();
    private readonly string _contentJson = ProtoJson.Formatter.Format(content);

    public override string Action => "alert.post";
    public override string RecordType => SeizureAlertsService.RecordType;
    public override bool MayRefuse => false;

    /// <summary>Keys are scoped to the reporting country; the hash covers the alert as the client sent it.</summary>
    public override IdempotencyClaim Idempotency => new("alert:" + content.ReportingCountry, idempotencyKey, asSent);

    public override Func<PostAlertResponse> Apply(RecordContext context)
    {
        var posted = new AlertEventRow { EventId = _postedEventId, AlertId = _id, Type = AlertEventTypes.Posted, AtUtc = context.NowUtc };
        var record = new AlertRecord
        {
            Id = _id,
            PostedEventId = _postedEventId,
            PostedEvent = posted,
            VersionBy = context.Caller.Name ?? context.Caller.Subject,
            ReportingCountry = content.ReportingCountry,
            SeizedAtUtc = content.SeizedAt.ToDateTime(),
            ReceivedAtUtc = context.NowUtc,
            Distribution = content.Distribution,
            HandlingCode = content.HandlingCode,
            AddressedCountries = string.Join(',', content.AddressedCountries),
            ContentJson = _contentJson,
            Items = ItemsOf(content),
        };
        context.RecordId = _id.ToString();
        SeizureAlert? stored = null;
        // Built from what was just stored rather than parsed back from its JSON: this runs on
        // the commit's thread, once per alert of the batch.
        SeizureAlert Stored() => stored ??= new SeizureAlert
        {
            Id = record.Id.ToString(),
            Sequence = posted.Sequence,
            ReceivedAt = Timestamp.FromDateTime(context.NowUtc),
            Content = content,
            Version = 1,
            VersionAt = Timestamp.FromDateTime(context.NowUtc),
        };
        context.Db.Add(record);
        Statistics.SeizureTallies.Replace(context.Db, [], Statistics.SeizureTallies.Counted(record, content));
        context.Raise(posted, r => new AlertPosted(r.EventId, record.Id, r.Sequence, record.ReportingCountry, ProtoEnums.Name(record.Distribution),
            [.. content.AddressedCountries], ProtoEnums.Name(record.HandlingCode), ProtoJson.Formatter.Format(Stored())));
        // After the alert's own event: a country hears of its alert before of the alert's matches.
        context.Index(RecordType, record.Id.ToString(), record.ReportingCountry, AlertMapping.AccessOf(record), AlertMapping.PartsOf(content), fresh: true);
        return () =>
        {
            context.Audit(Action, RecordType, record.Id.ToString(),
                $"sequence {posted.Sequence}; {ProtoEnums.Name(record.Distribution)}; {ProtoEnums.Name(record.HandlingCode)}");
            return new PostAlertResponse { Alert = Stored(), Duplicate = false };
        };
    }

    /// <summary>The item rows of an alert's content, which substance filters and statistics run on.</summary>
    internal static List<AlertItemRecord> ItemsOf(SeizureAlertContent content) =>
        [.. content.Items.Select((item, position) => new AlertItemRecord
        {
            Position = position,
            Substance = item.Substance,
            Quantity = item.Quantity,
            Unit = item.Unit,
            NormalizedQuantity = item.NormalizedQuantity,
            NormalizedDimension = item.NormalizedDimension,
        })];

    public override PostAlertResponse AsRetry(PostAlertResponse stored)
    {
        stored.Duplicate = true;
        return stored;
    }

    public override PostAlertResponse? StoredBefore(HubDbContext db, string recordId) =>
        Guid.TryParse(recordId, out var id) && db.Set<AlertRecord>().AsNoTracking().FirstOrDefault(a => a.Id == id) is { } earlier
            ? new PostAlertResponse { Alert = AlertMapping.ToProto(earlier) }
            : null;
}
