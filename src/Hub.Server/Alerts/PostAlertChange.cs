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
        var record = new AlertRecord
        {
            Id = _id,
            PostedEventId = _postedEventId,
            ReportingCountry = content.ReportingCountry,
            SeizedAtUtc = content.SeizedAt.ToDateTime(),
            ReceivedAtUtc = context.NowUtc,
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
        context.RecordId = _id.ToString();
        SeizureAlert? stored = null;
        // Built from what was just stored rather than parsed back from its JSON: this runs on
        // the commit's thread, once per alert of the batch.
        SeizureAlert Stored() => stored ??= new SeizureAlert
        {
            Id = record.Id.ToString(),
            Sequence = record.Sequence,
            ReceivedAt = Timestamp.FromDateTime(context.NowUtc),
            Content = content,
        };
        context.Raise(record, r => new AlertPosted(r.PostedEventId, r.Id, r.Sequence, r.ReportingCountry, ProtoEnums.Name(r.Distribution),
            [.. content.AddressedCountries], ProtoEnums.Name(r.HandlingCode), ProtoJson.Formatter.Format(Stored())));
        return () =>
        {
            context.Audit(Action, RecordType, record.Id.ToString(),
                $"sequence {record.Sequence}; {ProtoEnums.Name(record.Distribution)}; {ProtoEnums.Name(record.HandlingCode)}");
            return new PostAlertResponse { Alert = Stored(), Duplicate = false };
        };
    }

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
