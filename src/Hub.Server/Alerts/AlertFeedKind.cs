using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
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
/// The alert feed: posted, corrected, released and withdrawn events. Each is rendered when
/// it is sent from the alert as it is then (its current version, or its withdrawal), for its
/// recipient's sight: an event replayed after a withdrawal carries the withdrawal, and a
/// release change reaches those who could read the alert before it as well as those who can
/// now (decision 0018).
/// </summary>
public sealed class AlertFeedKind(AccessPolicy policy) : IAnnouncedFeed<AlertPosted, AlertEvent>, IAnnouncedFeed<AlertChanged, AlertEvent>
{
    public string Name => SeizureAlertsService.RecordType;
    public string SignalRMethod => FeedHub.AlertPostedMethod;

    public async Task<IReadOnlyList<FeedItem<AlertEvent>>> ReadAsync(HubDbContext db, FeedQuery query, CancellationToken ct)
    {
        // The database leaves out the events of alerts the caller cannot read now; release
        // changes pass (the caller may have read the alert before), the policy decides them.
        var readable = db.Set<AlertRecord>().Where(policy.Readable<AlertRecord>(query.Caller));
        var rows = db.Set<AlertEventRow>().AsNoTracking()
            .Where(e => e.Type == AlertEventTypes.Released || readable.Any(a => a.Id == e.AlertId));
        var page = await FeedEventRows.PageAsync(rows, query, ct);
        return await ItemsAsync(db, page.Select(r => (Event(r.EventId, r.Sequence, r.AlertId, r.Type, r.AtUtc), r.PayloadJson)).ToList(), ct);
    }

    public async Task<IReadOnlyList<FeedItem<AlertEvent>>> ResolveAsync(HubDbContext db, IReadOnlyList<AlertEvent> events, CancellationToken ct)
    {
        // Live events carry no facts: a change's reason, and a release change's prior release,
        // are in its row (posts, the bulk of the feed, have none to read).
        var changed = events.Where(e => e.Type != AlertEventType.Posted).Select(e => e.Sequence).ToList();
        var facts = changed.Count == 0 ? [] : await db.Set<AlertEventRow>().AsNoTracking()
            .Where(r => changed.Contains(r.Sequence)).ToDictionaryAsync(r => r.Sequence, r => r.PayloadJson, ct);
        return await ItemsAsync(db, [.. events.Select(e => (e, facts.GetValueOrDefault(e.Sequence, "")))], ct);
    }

    /// <summary>Each event with its alert's current state, read in one query.</summary>
    private static async Task<IReadOnlyList<FeedItem<AlertEvent>>> ItemsAsync(HubDbContext db, List<(AlertEvent Event, string Facts)> events, CancellationToken ct)
    {
        var ids = events.Select(e => Guid.Parse(e.Event.Alert.Id)).Distinct().ToList();
        var alerts = await db.Set<AlertRecord>().AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        var items = new List<FeedItem<AlertEvent>>(events.Count);
        foreach (var (e, factsJson) in events)
        {
            var facts = AlertChangeFacts.From(factsJson);
            if (!alerts.TryGetValue(Guid.Parse(e.Alert.Id), out var alert))
            {
                items.Add(new(e.Sequence, Guid.Parse(e.EventId), e, RecordAccess.CentreOnly, SeizureAlertsService.RecordType, e.Alert.Id, null));
                continue;
            }
            e.Reason = facts?.Reason ?? "";
            e.OccurredAt ??= Timestamp.FromDateTime(DateTime.SpecifyKind(alert.ReceivedAtUtc, DateTimeKind.Utc));
            items.Add(new(e.Sequence, Guid.Parse(e.EventId), e, AlertMapping.AccessOf(alert), SeizureAlertsService.RecordType, e.Alert.Id, null)
            {
                Prior = facts?.PriorDistribution is { } prior ? AlertMapping.AccessOf(alert.ReportingCountry, prior, facts.PriorAddressed ?? "") : null,
                Withdrawn = alert.IsWithdrawn(),
                State = alert,
            });
        }
        return items;
    }

    public AlertEvent Project(FeedItem<AlertEvent> item, Sight sight)
    {
        var projected = item.Event.Clone();
        if (item.State is not AlertRecord alert)
        {
            return projected;
        }
        if (sight == Sight.NoLongerReleased)
        {
            projected.Type = AlertEventType.Withdrawn;
            projected.Alert = AlertMapping.NoLongerReleased(alert, item.Event.OccurredAt?.ToDateTime() ?? alert.ReceivedAtUtc);
            return projected;
        }
        projected.Alert = AlertMapping.ToProto(alert, sight);
        return projected;
    }

    public object SignalRPayload(FeedItem<AlertEvent> item, AlertEvent projected) =>
        new FeedAlertMessage(item.EventId, item.Sequence, ProtoJson.Element(projected.Alert), AlertMapping.CountryEventType(projected.Type), projected.Reason);

    /// <summary>
    /// A post, from the bus: its alert's JSON is not parsed here (every live event would pay
    /// for it); the event is rendered from the stored alert, whose arrival is its time.
    /// </summary>
    public FeedAnnouncement<AlertEvent> Read(AlertPosted message) =>
        new(message.EventId, message.Sequence, Event(message.EventId, message.Sequence, message.AlertId, AlertEventTypes.Posted, null),
            "alert.posted", default);

    public FeedAnnouncement<AlertEvent> Read(AlertChanged message) =>
        new(message.EventId, message.Sequence, Event(message.EventId, message.Sequence, message.AlertId, message.Type, message.OccurredAt.UtcDateTime),
            "alert." + message.Type, message.OccurredAt);

    public CountryEvent ToCountryEvent(FeedAnnouncement<AlertEvent> announcement, AlertEvent projected) =>
        new(CountryQueues.Schema, announcement.EventId, AlertMapping.CountryEventType(projected.Type), announcement.Sequence,
            projected.OccurredAt?.ToDateTimeOffset() ?? announcement.OccurredAt,
            ProtoJson.Element(projected.Alert)) { Reason = projected.Reason.Length == 0 ? null : projected.Reason };

    /// <summary>An event as stored or announced, before it is rendered: the alert's id only.</summary>
    private static AlertEvent Event(Guid eventId, long sequence, Guid alertId, string type, DateTime? atUtc) => new()
    {
        EventId = eventId.ToString(),
        Sequence = sequence,
        Type = AlertMapping.TypeOf(type),
        OccurredAt = atUtc is { } at ? Timestamp.FromDateTime(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null,
        Alert = new SeizureAlert { Id = alertId.ToString() },
    };

    /// <summary>Adds an alert event to the change being applied, announced once its sequence is known.</summary>
    public static AlertEventRow Raise(RecordContext context, AlertRecord alert, string type, AlertChangeFacts? facts)
    {
        var row = new AlertEventRow { EventId = Guid.CreateVersion7(), AlertId = alert.Id, Type = type, AtUtc = context.NowUtc, PayloadJson = facts?.ToJson() ?? "" };
        context.Raise(row, r => new AlertChanged(r.EventId, r.AlertId, r.Sequence, type, new DateTimeOffset(r.AtUtc, TimeSpan.Zero)));
        return row;
    }
}

/// <summary>What <c>/hubs/feed</c> clients receive for an alert event.</summary>
/// <param name="EventId">De-duplicate on this.</param>
/// <param name="Sequence">The event's feed position.</param>
/// <param name="Alert">The alert as it is now for the recipient, proto3 JSON of <c>hub.v1.SeizureAlert</c> (its withdrawal when withdrawn).</param>
/// <param name="Type">alert.posted, alert.corrected, alert.released or alert.withdrawn.</param>
/// <param name="Reason">The reason given for a change; empty for a post.</param>
public sealed record FeedAlertMessage(Guid EventId, long Sequence, JsonElement Alert, string Type, string Reason);
