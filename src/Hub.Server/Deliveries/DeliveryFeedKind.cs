using Hub.Contracts.Events;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Data;
using Hub.Server.LiveFeed;
using Hub.Server.Messaging;
using Hub.Server.Records;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Deliveries;

/// <summary>
/// The delivery feed. An operation's route never changes once proposed, so the access of
/// each event is the route it carries; the countries' current status is the policy's.
/// </summary>
public sealed class DeliveryFeedKind(TimeProvider clock) : IAnnouncedFeed<DeliveryEventOccurred, DeliveryEvent>
{
    public const string RecordType = "delivery";

    public string Name => RecordType;
    public string SignalRMethod => FeedHub.DeliveryEventMethod;

    /// <summary>Only the route countries (members) and the centre see a controlled delivery.</summary>
    public static RecordAccess AccessOf(ControlledDelivery d) =>
        new(d.InitiatingCountry, Distribution.Addressed, [.. d.Legs.Select(l => l.Country)]) { MembersOnly = true };

    /// <summary>What an operation carries that other countries can match (hub.v1.Matches).</summary>
    public static Matching.MatchParts PartsOf(ControlledDelivery d) => new([.. d.Identifiers], [.. d.Persons]);

    public static ControlledDelivery Document(DeliveryRecord record) => ProtoJson.Parser.Parse<ControlledDelivery>(record.DocumentJson);

    public async Task<IReadOnlyList<FeedItem<DeliveryEvent>>> ReadAsync(HubDbContext db, FeedQuery query, CancellationToken ct)
    {
        var rows = db.Set<DeliveryEventRecord>().AsNoTracking();
        if (query.Scope is not null && Guid.TryParse(query.Scope, out var only))
        {
            rows = rows.Where(e => e.DeliveryId == only);
        }
        var page = await FeedEventRows.PageAsync(rows, query, ct);
        return await ResolveAsync(db, [.. page.Select(r => ProtoJson.Parser.Parse<DeliveryEvent>(r.PayloadJson))], ct);
    }

    /// <summary>Each step with the operation as it is now (one query), whose details every channel renders.</summary>
    public async Task<IReadOnlyList<FeedItem<DeliveryEvent>>> ResolveAsync(HubDbContext db, IReadOnlyList<DeliveryEvent> events, CancellationToken ct)
    {
        var ids = events.Select(e => Guid.Parse(e.Delivery.Id)).Distinct().ToList();
        var current = await db.Set<DeliveryRecord>().AsNoTracking().Where(d => ids.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => Document(d), ct);
        return [.. events.Select(e =>
        {
            var now = current.GetValueOrDefault(Guid.Parse(e.Delivery.Id));
            return new FeedItem<DeliveryEvent>(e.Sequence, Guid.Parse(e.EventId), e, AccessOf(e.Delivery), RecordType, e.Delivery.Id, e.Delivery.Id)
            {
                Withdrawn = now?.Withdrawal is not null,
                State = now,
            };
        })];
    }

    public DeliveryEvent Project(FeedItem<DeliveryEvent> item, Sight sight)
    {
        if (item.State is not ControlledDelivery current)
        {
            return item.Event;
        }
        var projected = item.Event.Clone();
        projected.Delivery = DeliveryDetails.AsNow(item.Event.Delivery, current, sight);
        return projected;
    }

    public object SignalRPayload(FeedItem<DeliveryEvent> item, DeliveryEvent projected) => ProtoJson.Element(projected);

    public FeedAnnouncement<DeliveryEvent> Read(DeliveryEventOccurred message) =>
        new(message.EventId, message.Sequence, ProtoJson.Parser.Parse<DeliveryEvent>(message.EventJson), "delivery." + message.Type, clock.GetUtcNow());

    public CountryEvent ToCountryEvent(FeedAnnouncement<DeliveryEvent> announcement, DeliveryEvent projected) =>
        new(CountryQueues.Schema, announcement.EventId, announcement.CountryEventType, announcement.Sequence, announcement.OccurredAt, null) { Delivery = ProtoJson.Element(projected) };
}
