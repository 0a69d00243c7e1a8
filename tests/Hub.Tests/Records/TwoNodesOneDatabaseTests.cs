using Hub.Server.Alerts;
using Hub.Client;
using Hub.Contracts.V1;
using Microsoft.EntityFrameworkCore;

namespace Hub.Tests.Records;

/// <summary>A second hub node on another node's database (the first one migrates it).</summary>
public sealed class SecondNode(HubFactory first) : HubFactory(first.DataDirectory)
{
    public override string SigningKeyPem => first.SigningKeyPem;
    public override string EncryptionKey => first.EncryptionKey;
    public override string AuditKey => first.AuditKey;
}

/// <summary>
/// Two nodes writing to one database at once: feed sequences follow commit order
/// (decisions/0012), so a watcher resumed from any sequence misses nothing and repeats
/// nothing, and a live watcher's gaps (events committed by the other node) are filled.
/// </summary>
public sealed class TwoNodesOneDatabaseTests : IAsyncLifetime
{
    private const int PerNode = 120;
    private readonly HubFactory _a = new();
    private SecondNode? _b;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        // The first node migrates and seeds; the second starts on what it made.
        await _a.WithDbAsync(db => db.Set<AlertRecord>().CountAsync(Ct));
        _b = new SecondNode(_a);
        await _b.WithDbAsync(db => db.Set<AlertRecord>().CountAsync(Ct));
    }

    public async ValueTask DisposeAsync()
    {
        if (_b is not null)
        {
            await _b.DisposeAsync();
        }
        await _a.DisposeAsync();
    }

    [Fact]
    public async Task A_watcher_resumed_from_any_sequence_misses_nothing_and_repeats_nothing()
    {
        var operatorA = await _a.OperatorAlertsClientAsync();
        await using var live = new Received<AlertEvent>(operatorA.WatchAlerts(new WatchAlertsRequest { AfterSequence = 0 }, cancellationToken: Ct));
        await live.Call.ResponseHeadersAsync;

        var posters = new[] { await _a.AgencyAlertsClientAsync("KAZ"), await _b!.AgencyAlertsClientAsync("UZB") };
        await Task.WhenAll(posters.SelectMany((client, node) => Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < PerNode / 4; i++)
            {
                var request = SampleAlerts.HeroinAtKorday(node == 0 ? "KAZ" : "UZB");
                request.IdempotencyKey = $"two-nodes-{node}-{worker}-{i}-{Guid.NewGuid():N}"[..40];
                await client.PostAlertAsync(request, cancellationToken: Ct);
            }
        }, Ct))));
        // One more on the live watcher's node: everything the other node committed before it
        // is now a gap in front of it, which the watcher fills from the database.
        var lastPost = SampleAlerts.HeroinAtKorday("KAZ");
        lastPost.IdempotencyKey = "two-nodes-last-" + Guid.NewGuid().ToString("N")[..20];
        await posters[0].PostAlertAsync(lastPost, cancellationToken: Ct);

        var stored = await _a.WithDbAsync(db => db.Set<AlertRecord>().AsNoTracking().OrderBy(a => a.Sequence).Select(a => a.Sequence).ToListAsync(Ct));
        Assert.Equal(2 * PerNode + 1, stored.Count);

        var seen = new List<long>();
        while (seen.Count < stored.Count)
        {
            seen.Add((await live.NextAsync($"alert {seen.Count + 1} of {stored.Count} on the live watcher")).Sequence);
        }
        Assert.Equal(stored, seen);

        foreach (var after in new[] { 0, stored[17], stored[PerNode], stored[^2] })
        {
            foreach (var node in new HubFactory[] { _a, _b })
            {
                var expected = stored.Where(s => s > after).ToList();
                await using var resumed = new Received<AlertEvent>((await node.OperatorAlertsClientAsync()).WatchAlerts(new WatchAlertsRequest { AfterSequence = after }, cancellationToken: Ct));
                var got = new List<long>();
                while (got.Count < expected.Count)
                {
                    got.Add((await resumed.NextAsync($"alert after {after}")).Sequence);
                }
                Assert.Equal(expected, got);
            }
        }
    }
}
