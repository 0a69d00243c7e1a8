using Grpc.Core;
using Hub.Client;
using Hub.Contracts.V1;
using Hub.Server.Alerts;

namespace Hub.Tests.Alerts;

public sealed class WatchAlertsTests(HubFactory hub) : IClassFixture<HubFactory>, IAsyncLifetime
{
    private SeizureAlerts.SeizureAlertsClient _client = null!;

    public async ValueTask InitializeAsync() => _client = await hub.OperatorAlertsClientAsync();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<List<long>> PostManyAsync(int count, string country = "KAZ")
    {
        var sequences = new List<long>();
        var poster = await hub.AgencyAlertsClientAsync(country);
        for (var i = 0; i < count; i++)
        {
            var response = await poster.PostAlertAsync(SampleAlerts.HeroinAtKorday(country), cancellationToken: TestContext.Current.CancellationToken);
            sequences.Add(response.Alert.Sequence);
        }
        return sequences;
    }

    private static async Task<List<AlertEvent>> ReadAsync(AsyncServerStreamingCall<AlertEvent> call, int count)
    {
        var events = new List<AlertEvent>();
        while (events.Count < count && await call.ResponseStream.MoveNext(TestContext.Current.CancellationToken))
        {
            events.Add(call.ResponseStream.Current);
        }
        return events;
    }

    [Fact]
    public async Task Resumed_from_a_sequence_it_replays_then_goes_live_missing_nothing()
    {
        var earlier = await PostManyAsync(5);
        var resumeAfter = earlier[1];
        using var call = _client.WatchAlerts(new WatchAlertsRequest { AfterSequence = resumeAfter }, cancellationToken: TestContext.Current.CancellationToken);

        var replayed = await Eventually.WaitAsync(ReadAsync(call, 3), "the replay of three stored alerts");
        var later = await PostManyAsync(4);
        var live = await Eventually.WaitAsync(ReadAsync(call, 4), "four live alerts");

        Assert.Equal(earlier.Skip(2).Concat(later), replayed.Concat(live).Select(e => e.Sequence));
        Assert.All(replayed.Concat(live), e => Assert.Equal(e.Sequence, e.Alert.Sequence));
    }

    [Fact]
    public async Task Alerts_posted_while_the_replay_runs_arrive_once_and_in_order()
    {
        var before = await PostManyAsync(3, "KGZ");
        using var call = _client.WatchAlerts(new WatchAlertsRequest { AfterSequence = before[0] - 1 }, cancellationToken: TestContext.Current.CancellationToken);
        var reading = ReadAsync(call, 3 + 40);

        var uzbek = await hub.AgencyAlertsClientAsync("UZB");
        var during = await Task.WhenAll(Enumerable.Range(0, 40).Select(async _ =>
            (await uzbek.PostAlertAsync(SampleAlerts.HeroinAtKorday("UZB"), cancellationToken: TestContext.Current.CancellationToken)).Alert.Sequence));

        var events = await Eventually.WaitAsync(reading, "43 alerts on the stream");
        var expected = before.Concat(during).Order().ToList();
        Assert.Equal(expected, events.Select(e => e.Sequence));
        Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct().Count());
    }

    [Fact]
    public async Task A_replayed_alert_carries_the_same_event_id_as_its_live_delivery()
    {
        using var live = _client.WatchAlerts(new WatchAlertsRequest { AfterSequence = -1 }, cancellationToken: TestContext.Current.CancellationToken);
        await Eventually.UntilAsync(() => Task.FromResult(hub.Services.GetService(typeof(Hub.Server.Records.NodeFeed<Hub.Server.Records.FeedItem<AlertEvent>>)) is Hub.Server.Records.NodeFeed<Hub.Server.Records.FeedItem<AlertEvent>> { WatcherCount: > 0 }), "the watcher to subscribe");
        var posted = (await PostManyAsync(1)).Single();
        var liveEvent = (await Eventually.WaitAsync(ReadAsync(live, 1), "the live event")).Single();

        using var replay = _client.WatchAlerts(new WatchAlertsRequest { AfterSequence = posted - 1 }, cancellationToken: TestContext.Current.CancellationToken);
        var replayedEvent = (await Eventually.WaitAsync(ReadAsync(replay, 1), "the replayed event")).Single();

        Assert.Equal(posted, liveEvent.Sequence);
        Assert.Equal(liveEvent.EventId, replayedEvent.EventId);
        Assert.Equal(liveEvent.Alert, replayedEvent.Alert);
    }
}
