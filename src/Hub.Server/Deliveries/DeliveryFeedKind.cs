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

    public Task<IReadOnlyList<FeedItem<DeliveryEvent>>> ResolveAsync(HubDbContext db, IReadOnlyList<DeliveryEvent> events, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<FeedItem<DeliveryEvent>>>([.. events.Select(e =>
            new FeedItem<DeliveryEvent>(e.Sequence, Guid.Parse(e.EventId), e, AccessOf(e.Delivery), RecordType, e.Delivery.Id, e.Delivery.Id))]);

    public object SignalRPayload(FeedItem<DeliveryEvent> item, DeliveryEvent projected) => ProtoJson.Element(projected);

    public FeedAnnouncement<DeliveryEvent> Read(DeliveryEventOccurred message) =>
        new(message.EventId, message.Sequence, ProtoJson.Parser.Parse<DeliveryEvent>(message.EventJson), "delivery." + message.Type, clock.GetUtcNow());

    public CountryEvent ToCountryEvent(FeedAnnouncement<DeliveryEvent> announcement, DeliveryEvent projected) =>
        new(CountryQueues.Schema, announcement.EventId, announcement.CountryEventType, announcement.Sequence, announcement.OccurredAt, null) { Delivery = ProtoJson.Element(projected) };
}
