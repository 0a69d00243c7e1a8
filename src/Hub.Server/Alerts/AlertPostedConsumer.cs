using System.Text.Json;
using Google.Protobuf;
using Hub.Contracts.Events;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Audit;
using Hub.Server.Data;
using Hub.Server.LiveFeed;
using MassTransit;
using Microsoft.AspNetCore.SignalR;

namespace Hub.Server.Alerts;

/// <summary>
/// Runs on every hub node, on the node's own live-feed queue: pushes each posted alert to
/// the people connected to this node (SignalR) and to this node's open WatchAlerts streams.
/// </summary>
public sealed class AlertPostedConsumer(
    AlertFeed feed,
    IHubContext<FeedHub> hub,
    LiveFeedDeduplication deduplication,
    AccessPolicy policy,
    AuditChain audit,
    HubDbContext db) : IConsumer<AlertPosted>
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    public async Task Consume(ConsumeContext<AlertPosted> context)
    {
        var message = context.Message;
        if (!deduplication.Ids.TryAdd(message.EventId))
        {
            return;
        }

        var alert = Parser.Parse<SeizureAlert>(message.AlertJson);
        // Each open WatchAlerts stream asks the policy for itself.
        feed.Publish(new AlertEvent { EventId = message.EventId.ToString(), Sequence = message.Sequence, Alert = alert });

        // Parsed once into a JsonElement: SignalR then serialises the broadcast once per
        // group send, not once per connection.
        using var document = JsonDocument.Parse(message.AlertJson);
        var payload = new FeedAlertMessage(message.EventId, message.Sequence, document.RootElement.Clone());
        var groups = policy.FeedGroupsFor(RecordAccess.Of(alert));
        await audit.AppendAloneAsync(db, new AuditEvent(Caller.System, Channels.SignalR, "alert.push", AuditOutcomes.Allowed,
            "alert", alert.Id, string.Join(',', groups)), context.CancellationToken);
        await hub.Clients.Groups(groups).SendAsync(FeedHub.AlertPostedMethod, payload, context.CancellationToken);
    }
}

/// <summary>What <c>/hubs/feed</c> clients receive for a posted alert.</summary>
/// <param name="EventId">De-duplicate on this.</param>
/// <param name="Sequence">The alert's feed position.</param>
/// <param name="Alert">The alert as proto3 JSON of <c>hub.v1.SeizureAlert</c>.</param>
public sealed record FeedAlertMessage(Guid EventId, long Sequence, JsonElement Alert);

/// <summary>The node's window of recently pushed event ids.</summary>
public sealed class LiveFeedDeduplication
{
    public RecentIds Ids { get; } = new(100_000);
}
