using System.Text.Json;
using Grpc.Core;
using Hub.Client;
using Hub.Contracts.V1;
using Microsoft.AspNetCore.SignalR.Client;

namespace Hub.SystemTests;

/// <summary>
/// The walking skeleton's path on real infrastructure: gRPC → SQLite → outbox → RabbitMQ →
/// each node's live-feed queue → SignalR and WatchAlerts.
/// </summary>
public sealed class AlertPathTests(Broker broker)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_alert_posted_over_gRPC_arrives_on_the_feed_and_on_a_watch_through_RabbitMQ()
    {
        await using var node = await HubProcess.StartAsync(broker.HubUri);
        var ct = TestContext.Current.CancellationToken;

        await using var feed = node.CreateFeedConnection(await node.PersonTokenAsync("operator"));
        var onFeed = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        feed.On<JsonElement>("alertPosted", m => onFeed.TrySetResult(m));
        await feed.StartAsync(ct);

        var watcher = node.CreateAlertsClient(await node.AgencyTokenAsync("KGZ"));
        using var watch = watcher.WatchAlerts(new WatchAlertsRequest { AfterSequence = 0 }, cancellationToken: ct);
        var client = node.CreateAlertsClient(await node.AgencyTokenAsync("KAZ"));

        var posted = await client.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: ct);

        var feedMessage = await onFeed.Task.WaitAsync(Wait, ct);
        Assert.Equal(posted.Alert.Id, feedMessage.GetProperty("alert").GetProperty("id").GetString());
        Assert.True(await watch.ResponseStream.MoveNext(ct).WaitAsync(Wait, ct));
        Assert.Equal(posted.Alert, watch.ResponseStream.Current.Alert);
        Assert.Contains("RabbitMQ at 127.0.0.1", node.Output, StringComparison.Ordinal);
    }
}
