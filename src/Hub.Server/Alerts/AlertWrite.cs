using Google.Protobuf.WellKnownTypes;
using Hub.Contracts.Events;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Audit;
using Hub.Server.Data;
using Hub.Server.Idempotency;
using Hub.Server.Messaging;

namespace Hub.Server.Alerts;

/// <summary>
/// A posted alert as one group write: the alert with its items and idempotency key, then
/// (its sequence assigned) the AlertPosted outbox row and the audit entry, all in the
/// commit that acknowledges it.
/// </summary>
internal sealed class AlertWrite(Caller caller, SeizureAlertContent content, DateTime nowUtc, (string Scope, string Key, string Hash) idempotency)
    : GroupWrite<SeizureAlert>
{
    // Fixed once, so that a retried commit stores the same alert under the same ids. Version 7
    // (time-ordered): the unique indexes on the alert's id, the outbox's message id and the
    // audit trail's record id then grow at their end instead of dirtying a random page each,
    // which was most of what a group commit wrote to the log.
    private readonly Guid _id = Guid.CreateVersion7();
    private readonly Guid _postedEventId = Guid.CreateVersion7();
    private readonly string _contentJson = AlertMapping.Formatter.Format(content);
    private AlertRecord? _record;

    protected internal override long Order => _record?.Sequence ?? 0;

    protected internal override (string Scope, string Key)? IdempotencyKey => (idempotency.Scope, idempotency.Key);

    protected internal override void Stage(HubDbContext db)
    {
        _record = new AlertRecord
        {
            Id = _id,
            PostedEventId = _postedEventId,
            ReportingCountry = content.ReportingCountry,
            SeizedAtUtc = content.SeizedAt.ToDateTime(),
            ReceivedAtUtc = nowUtc,
            Distribution = content.Distribution,
            HandlingCode = content.HandlingCode,
            AddressedCountries = string.Join(',', content.AddressedCountries),
            ContentJson = _contentJson,
            Items = [.. content.Items.Select((item, position) => new AlertItemRecord
            {
                Position = position,
                Substance = item.Substance,
                Quantity = item.Quantity,
                Unit = item.Unit,
                NormalizedQuantity = item.NormalizedQuantity,
                NormalizedDimension = item.NormalizedDimension,
            })],
        };
        db.Alerts.Add(_record);
        IdempotentWrites.Remember(db, idempotency.Scope, idempotency.Key, idempotency.Hash, _id.ToString(), nowUtc);
    }

    protected internal override SeizureAlert Complete(HubDbContext db, List<AuditEvent> audit)
    {
        var record = _record!;
        // Built from what was just stored rather than parsed back from its JSON: this runs on
        // the commit's thread, once per alert of the batch.
        var stored = new SeizureAlert
        {
            Id = record.Id.ToString(),
            Sequence = record.Sequence,
            ReceivedAt = Timestamp.FromDateTime(nowUtc),
            Content = content,
        };
        var posted = new AlertPosted(
            record.PostedEventId,
            record.Id,
            record.Sequence,
            record.ReportingCountry,
            ProtoEnums.Name(record.Distribution),
            [.. stored.Content.AddressedCountries],
            ProtoEnums.Name(record.HandlingCode),
            AlertMapping.Formatter.Format(stored));
        db.Outbox.Add(OutboxMessageTypes.Create(posted.EventId, posted, nowUtc));
        audit.Add(new AuditEvent(caller, Channels.Grpc, "alert.post", AuditOutcomes.Allowed, SeizureAlertsService.RecordType, record.Id.ToString(),
            $"sequence {record.Sequence}; {ProtoEnums.Name(record.Distribution)}; {ProtoEnums.Name(record.HandlingCode)}"));
        return stored;
    }
}
