using System.Text.Json;
using Hub.Contracts.Events;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Data;
using Hub.Server.LiveFeed;
using Hub.Server.Messaging;
using Hub.Server.Records;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Alerts;

/// <summary>
/// The alert feed: the alert rows are their own events. An alert's release is in its row, so
/// replay asks the database to filter by the policy's expression; a live event carries the
/// alert, whose release no call changes once posted.
/// </summary>
public sealed class AlertFeedKind(AccessPolicy policy) : IAnnouncedFeed<AlertPosted, AlertEvent>
{
    public string Name => SeizureAlertsService.RecordType;
    public string SignalRMethod => FeedHub.AlertPostedMethod;

    public async Task<IReadOnlyList<FeedItem<AlertEvent>>> ReadAsync(HubDbContext db, FeedQuery query, CancellationToken ct)
    {
        var (after, upTo) = (query.After, query.UpTo);
        var page = await db.Set<AlertRecord>().AsNoTracking()
            .Where(policy.Readable<AlertRecord>(query.Caller))
            .Where(a => a.Sequence > after && a.Sequence <= upTo)
            .OrderBy(a => a.Sequence)
            .Take(query.Limit)
            .ToListAsync(ct);
        return [.. page.Select(a => Item(AlertMapping.ToEvent(a), AlertMapping.AccessOf(a)))];
    }

    public Task<IReadOnlyList<FeedItem<AlertEvent>>> ResolveAsync(HubDbContext db, IReadOnlyList<AlertEvent> events, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<FeedItem<AlertEvent>>>([.. events.Select(e => Item(e, AlertMapping.AccessOf(e.Alert)))]);

    public object SignalRPayload(FeedItem<AlertEvent> item, JsonElement json) => new FeedAlertMessage(item.EventId, item.Sequence, json);

    public FeedAnnouncement<AlertEvent> Read(AlertPosted message)
    {
        var alert = ProtoJson.Parser.Parse<SeizureAlert>(message.AlertJson);
        return new(message.EventId, message.Sequence, new AlertEvent { EventId = message.EventId.ToString(), Sequence = message.Sequence, Alert = alert },
            message.AlertJson, "alert.posted", alert.ReceivedAt.ToDateTimeOffset());
    }

    public CountryEvent ToCountryEvent(FeedAnnouncement<AlertEvent> announcement, JsonElement json) =>
        new(CountryQueues.Schema, announcement.EventId, announcement.CountryEventType, announcement.Sequence, announcement.OccurredAt, json);

    private static FeedItem<AlertEvent> Item(AlertEvent e, RecordAccess access) =>
        new(e.Sequence, Guid.Parse(e.EventId), e, access, SeizureAlertsService.RecordType, e.Alert.Id, null);
}

/// <summary>What <c>/hubs/feed</c> clients receive for a posted alert.</summary>
/// <param name="EventId">De-duplicate on this.</param>
/// <param name="Sequence">The alert's feed position.</param>
/// <param name="Alert">The alert as proto3 JSON of <c>hub.v1.SeizureAlert</c>.</param>
public sealed record FeedAlertMessage(Guid EventId, long Sequence, JsonElement Alert);
