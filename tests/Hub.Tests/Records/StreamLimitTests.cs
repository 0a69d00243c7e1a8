using Grpc.Core;
using Hub.Contracts.V1;
using Microsoft.AspNetCore.SignalR.Client;

namespace Hub.Tests.Records;

/// <summary>A hub that lets one account hold three streams and two live-feed connections.</summary>
public sealed class TightLimitsHub : HubFactory
{
    protected override IEnumerable<(string Key, string Value)> ExtraSettings =>
        [("Hub:Streams:PerCaller", "3"), ("Hub:Streams:ConnectionsPerCaller", "2")];
}

public sealed class StreamLimitTests(TightLimitsHub hub) : IClassFixture<TightLimitsHub>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task One_client_opening_more_streams_than_allowed_gets_resource_exhausted_for_the_excess_and_a_slot_back_when_one_closes()
    {
        var kaz = await hub.AgencyAlertsClientAsync("KAZ");
        var cases = new Contracts.V1.Cases.CasesClient(hub.CreateGrpcChannel(await hub.AgencyTokenAsync("KAZ")));
        var open = new List<IDisposable>();
        try
        {
            // The limit counts every kind of stream together.
            foreach (var call in new IDisposable[]
            {
                kaz.WatchAlerts(new WatchAlertsRequest { AfterSequence = 0 }, cancellationToken: Ct),
                kaz.WatchAlerts(new WatchAlertsRequest { AfterSequence = -1 }, cancellationToken: Ct),
                cases.WatchCases(new WatchCasesRequest { AfterSequence = 0 }, cancellationToken: Ct),
            })
            {
                open.Add(call);
                await HeadersAsync(call);
            }
            var refused = new List<StatusCode>();
            for (var i = 0; i < 20; i++)
            {
                using var excess = kaz.WatchAlerts(new WatchAlertsRequest { AfterSequence = 0 }, cancellationToken: Ct);
                var ex = await Assert.ThrowsAsync<RpcException>(() => excess.ResponseStream.MoveNext(Ct));
                refused.Add(ex.StatusCode);
                Assert.Contains("at most 3", ex.Status.Detail, StringComparison.Ordinal);
            }
            Assert.All(refused, code => Assert.Equal(StatusCode.ResourceExhausted, code));

            // Another account is not affected by this one's streams.
            using var other = (await hub.AgencyAlertsClientAsync("UZB")).WatchAlerts(new WatchAlertsRequest { AfterSequence = -1 }, cancellationToken: Ct);
            await other.ResponseHeadersAsync;

            open[0].Dispose();
            open.RemoveAt(0);
            await Eventually.UntilAsync(async () =>
            {
                var again = kaz.WatchAlerts(new WatchAlertsRequest { AfterSequence = -1 }, cancellationToken: Ct);
                try
                {
                    await again.ResponseHeadersAsync;
                    open.Add(again);
                    return true;
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted)
                {
                    again.Dispose();
                    return false;
                }
            }, "a slot freed by the closed stream");
        }
        finally
        {
            open.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task One_account_opening_more_live_feed_connections_than_allowed_is_refused_the_excess()
    {
        var token = await hub.PersonTokenAsync("liaison.kgz");
        var connections = Enumerable.Range(0, 3).Select(_ => hub.CreateFeedConnection(token)).ToList();
        try
        {
            foreach (var connection in connections)
            {
                try
                {
                    await connection.StartAsync(Ct);
                }
                catch (Exception ex) when (ex is Microsoft.AspNetCore.SignalR.HubException or InvalidOperationException or IOException)
                {
                    // Refused while connecting: as good as closed at once.
                }
            }
            // The hub counts a connection once it has opened on its side, which may come after
            // the client's handshake: whichever is counted third is the one refused.
            await Eventually.UntilAsync(() => Task.FromResult(connections.Count(c => c.State == HubConnectionState.Connected) == 2), "one of the three connections to be refused");
            Assert.Single(connections, c => c.State == HubConnectionState.Disconnected);
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static Task<Metadata> HeadersAsync(IDisposable call) => call switch
    {
        AsyncServerStreamingCall<AlertEvent> a => a.ResponseHeadersAsync,
        AsyncServerStreamingCall<CaseEvent> c => c.ResponseHeadersAsync,
        _ => throw new ArgumentException("not a stream", nameof(call)),
    };
}
