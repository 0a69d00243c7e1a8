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
public sealed class AlertPathTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_alert_posted_over_gRPC_arrives_on_the_feed_and_on_a_watch_through_RabbitMQ()
    {
        var broker = Broker.Require();
        await using var node = await HubProcess.StartAsync(broker);
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

    [Fact]
    public async Task An_operator_on_one_node_sees_alerts_posted_on_another()
    {
        var broker = Broker.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var nodeA = await HubProcess.StartAsync(broker);
        await using var nodeB = await HubProcess.StartAsync(broker, nodeA.DataDirectory, issuer: nodeA.WebAddress);

        // Signed in on node A; the token is good on node B (shared keys and issuer).
        await using var operatorOnB = nodeB.CreateFeedConnection(await nodeA.PersonTokenAsync("operator"));
        var seen = new List<long>();
        var allSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int count = 20;
        operatorOnB.On<JsonElement>("alertPosted", m =>
        {
            lock (seen)
            {
                seen.Add(m.GetProperty("sequence").GetInt64());
                if (seen.Count == count)
                {
                    allSeen.TrySetResult();
                }
            }
        });
        await operatorOnB.StartAsync(ct);
        using var watchOnB = nodeB.CreateAlertsClient(await nodeA.AgencyTokenAsync("KGZ")).WatchAlerts(new WatchAlertsRequest { AfterSequence = -1 }, cancellationToken: ct);

        var clientA = nodeA.CreateAlertsClient(await nodeA.AgencyTokenAsync("UZB"));
        var posted = new List<long>();
        for (var i = 0; i < count; i++)
        {
            posted.Add((await clientA.PostAlertAsync(SampleAlerts.HeroinAtKorday("UZB"), cancellationToken: ct)).Alert.Sequence);
        }

        await allSeen.Task.WaitAsync(Wait, ct);
        lock (seen)
        {
            Assert.Equal(posted, seen);
        }
        var watched = new List<long>();
        while (watched.Count < count && await watchOnB.ResponseStream.MoveNext(ct).WaitAsync(Wait, ct))
        {
            watched.Add(watchOnB.ResponseStream.Current.Sequence);
        }
        Assert.Equal(posted, watched);
    }
}
