using System.Text.Json;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Data;
using Hub.Server.LiveFeed;
using Hub.Server.Records;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Deliveries;

/// <summary>
/// The delivery feed. An operation's route never changes once proposed, so the access of
/// each event is the route it carries; the countries' current status is the policy's.
/// </summary>
public sealed class DeliveryFeedKind : IFeedKind<DeliveryEvent>
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
        var (after, upTo) = (query.After, query.UpTo);
        var rows = db.Set<DeliveryEventRecord>().AsNoTracking().Where(e => e.Sequence > after && e.Sequence <= upTo);
        if (query.Scope is not null && Guid.TryParse(query.Scope, out var only))
        {
            rows = rows.Where(e => e.DeliveryId == only);
        }
        var page = await rows.OrderBy(e => e.Sequence).Take(query.Limit).ToListAsync(ct);
        return await ResolveAsync(db, [.. page.Select(r => ProtoJson.Parser.Parse<DeliveryEvent>(r.PayloadJson))], ct);
    }

    public Task<IReadOnlyList<FeedItem<DeliveryEvent>>> ResolveAsync(HubDbContext db, IReadOnlyList<DeliveryEvent> events, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<FeedItem<DeliveryEvent>>>([.. events.Select(e =>
            new FeedItem<DeliveryEvent>(e.Sequence, Guid.Parse(e.EventId), e, AccessOf(e.Delivery), RecordType, e.Delivery.Id, e.Delivery.Id))]);

    public object SignalRPayload(FeedItem<DeliveryEvent> item, JsonElement json) => json;
}
