using Grpc.Core;
using Hub.Client;
using Hub.Contracts.V1;
using Hub.Server.Alerts;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Tests.Alerts;

/// <summary>A hub whose watchers may fall only 8 alerts behind.</summary>
public sealed class SmallBufferHub : HubFactory
{
    protected override IEnumerable<(string Key, string Value)> ExtraSettings => [("Hub:Streams:WatcherBuffer", "8")];
}

public sealed class SlowWatcherTests(SmallBufferHub hub) : IClassFixture<SmallBufferHub>
{
    [Fact]
    public async Task A_watcher_that_stops_reading_is_cut_off_with_where_to_resume()
    {
        var ct = TestContext.Current.CancellationToken;
        var operatorClient = await hub.OperatorAlertsClientAsync();
        using var slow = operatorClient.WatchAlerts(new WatchAlertsRequest { AfterSequence = -1 }, cancellationToken: ct);
        var feed = hub.Services.GetRequiredService<Hub.Server.Records.NodeFeed<Hub.Server.Records.FeedItem<AlertEvent>>>();
        await Eventually.UntilAsync(() => Task.FromResult(feed.WatcherCount == 1), "the watcher to subscribe");
        var poster = await hub.AgencyAlertsClientAsync("KAZ");

        // The watcher reads nothing while alerts pile up beyond what the transport buffers.
        var posted = 0;
        while (feed.WatcherCount == 1 && posted < 2000)
        {
            await poster.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: ct);
            posted++;
        }
        Assert.Equal(0, feed.WatcherCount);

        var read = 0;
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await slow.ResponseStream.MoveNext(ct))
            {
                read++;
            }
        });
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("after_sequence=", ex.Status.Detail, StringComparison.Ordinal);
        Assert.True(read < posted, $"read {read} of {posted}");
    }
}
