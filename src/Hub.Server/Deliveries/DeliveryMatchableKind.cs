using Hub.Server.Data;
using Hub.Server.ErrorHandling;
using Hub.Server.Matching;
using Hub.Server.Records;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Deliveries;

/// <summary>
/// Controlled deliveries to matching: their identifiers and suspects. An operation is read by
/// its route countries only; its route never changes, so it is not released to another country.
/// </summary>
public sealed class DeliveryMatchableKind : IMatchableKind
{
    public string RecordType => DeliveryFeedKind.RecordType;

    private static Hub.Contracts.V1.ControlledDelivery? Find(HubDbContext db, string recordId)
    {
        if (!Guid.TryParse(recordId, out var id))
        {
            return null;
        }
        var record = db.Set<DeliveryRecord>().Local.FirstOrDefault(d => d.Id == id) ?? db.Set<DeliveryRecord>().AsNoTracking().FirstOrDefault(d => d.Id == id);
        return record is { DocumentJson.Length: > 0 } ? DeliveryFeedKind.Document(record) : null;
    }

    public SightedRecord? AccessOf(HubDbContext db, string recordId) =>
        Find(db, recordId) is { } d ? new SightedRecord(DeliveryFeedKind.AccessOf(d), d.Withdrawal is not null) : null;

    public (string Owner, MatchParts Parts)? PartsOf(HubDbContext db, string recordId) =>
        Find(db, recordId) is { Withdrawal: null } d ? (d.InitiatingCountry, DeliveryFeedKind.PartsOf(d)) : null;

    public Action Release(RecordContext context, string recordId, string country, string reason) =>
        throw HubException.FailedPrecondition("release",
            $"a controlled delivery is read by its route countries only: share what {country} needs in a case, or refuse", RecordType, recordId);
}
