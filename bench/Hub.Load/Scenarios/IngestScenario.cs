using System.Globalization;
using Hub.Contracts.V1;
using Hub.Load.Infra;
using Hub.Load.Load;
using Hub.Load.Report;

namespace Hub.Load.Scenarios;

/// <summary>
/// 1. Ingest: accepted alerts/s — committed (PostAlert answered) and publish-confirmed (the
/// outbox row marked dispatched inside the same window) — against a bare gRPC echo of PostAlert
/// on the same Kestrel settings. Then both at the same fixed rate for latency (the hub restarted
/// fresh for it). Goal ≥ 0.30.
/// </summary>
internal sealed class IngestScenario : IScenario
{
    private const double DefaultSeconds = 20;
    private const int DefaultConcurrency = 32;

    public IReadOnlyDictionary<string, object> Settings(Options options) => new Dictionary<string, object>
    {
        ["phaseSeconds"] = options.Seconds ?? DefaultSeconds,
        ["concurrency"] = options.Concurrency ?? DefaultConcurrency,
        ["hubConcurrencyLevels"] = "4, 16 and --concurrency; the best accepted rate counts",
        ["fixedRate"] = options.Rate?.ToString(CultureInfo.InvariantCulture) ?? "half the hub's accepted rate",
        ["bus"] = "in-memory",
        ["payload"] = "SampleAlerts.HeroinAtKorday (hub-client post-sample), fresh idempotency key per call",
    };

    public async Task<IReadOnlyList<Panel>> RunAsync(Options options, RunReport report)
    {
        var phase = options.Phase(DefaultSeconds);
        var concurrency = options.Concurrency ?? DefaultConcurrency;
        int[] levels = [.. new[] { 4, 16, concurrency }.Distinct().Order()];
        var data = Repo.ScratchDirectory("ingest");
        HubUnderTest? hub = null;
        try
        {
            hub = await HubUnderTest.StartAsync(Path.Combine(data, "capacity"));
            await using var bare = await ServerNode.StartBareAsync();
            using var bareChannel = bare.Channel(hub.AgencyToken);
            var echo = new SeizureAlerts.SeizureAlertsClient(bareChannel);
            // One operator on the live feed: how far behind the posts it falls.
            await using var probe = new Operators(hub.Node.FeedUrl, await hub.OperatorTokenAsync());
            await probe.GrowToAsync(1);
            probe.StartLog(1_000_000);

            Console.WriteLine("warm-up (3 s each)");
            await Drive.ClosedLoopAsync("warm-up", concurrency, TimeSpan.FromSeconds(3), Posts.To(echo));
            await Drive.ClosedLoopAsync("warm-up", concurrency, TimeSpan.FromSeconds(3), Posts.To(hub.Alerts));
            await hub.Database.WaitDrainedAsync(TimeSpan.FromSeconds(60));
            await probe.DrainAsync(hub.Database.Alerts(), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60));

            Console.WriteLine($"echo: {concurrency} callers back to back, {phase.TotalSeconds:0} s");
            var cpu = new CpuWindow(bare.Process.CpuSeconds);
            var echoCapacity = await Drive.ClosedLoopAsync($"capacity, {concurrency} callers", concurrency, phase, Posts.To(echo));
            report.Add("baseline", echoCapacity, cpu.Stop());

            Console.WriteLine($"hub: {string.Join(", ", levels)} callers back to back, {phase.TotalSeconds:0} s each");
            var (best, results) = await IngestMaximum.FindAsync(hub, probe, levels, phase, report);
            var accepted = best.Accepted;
            foreach (var level in results)
            {
                report.Figures[$"hub with {level.Concurrency} callers: committed / publish-confirmed / live feed (alerts/s)"] = $"{level.Committed} / {level.PublishConfirmed} / {level.LiveFeed}";
            }

            // A fresh hub for the fixed-rate phase: the capacity phase's live-feed backlog would
            // otherwise still be writing (an audit entry per pushed event) while it is measured.
            await probe.DisposeAsync();
            await hub.DisposeAsync();
            hub = await HubUnderTest.StartAsync(Path.Combine(data, "fixed-rate"));
            var rate = Math.Max(1, Math.Round(options.Rate ?? accepted / 2));
            await hub.WarmUpAtAsync(rate);

            Console.WriteLine($"fixed rate: {rate:0} alerts/s for {phase.TotalSeconds:0} s each (latency from each request's due time)");
            cpu = new CpuWindow(bare.Process.CpuSeconds);
            var echoFixed = await Drive.FixedRateAsync($"fixed {rate:0}/s", rate, phase, Posts.To(echo));
            report.Add("baseline", echoFixed, cpu.Stop());
            cpu = new CpuWindow(hub.Node.Process.CpuSeconds);
            var hubFixed = await Drive.FixedRateAsync($"fixed {rate:0}/s", rate, phase, Posts.To(hub.Alerts));
            report.Add("hub", hubFixed, cpu.Stop());

            report.Compare($"accepted alerts/s vs echo (hub best at {best.Concurrency} callers)", "1/s", accepted, echoCapacity.Throughput, Goal.AtLeast(0.30));
            report.Compare($"PostAlert p50 at {rate:0}/s", "ms", hubFixed.Latency.P50Ms, echoFixed.Latency.P50Ms, Goal.None);
            report.Compare($"PostAlert p99 at {rate:0}/s", "ms", hubFixed.Latency.P99Ms, echoFixed.Latency.P99Ms, Goal.None);
            var bestPhase = report.Phases.Last(p => p.Target == "hub" && p.Stats.Concurrency == best.Concurrency).Stats;
            report.Figures["hub PostAlert >= 150 ms (best capacity level / fixed rate)"] = $"{bestPhase.Latency.ShareAtOrAbove150Ms:P1} / {hubFixed.Latency.ShareAtOrAbove150Ms:P1}";

            return
            [
                new BarPanel("Ingest capacity by callers", "alerts/s", [.. results.Select(l => $"{l.Concurrency} callers")],
                    [
                        new BarSeries("echo (at 32)", [.. results.Select(_ => echoCapacity.Throughput)]),
                        new BarSeries("hub committed", [.. results.Select(l => l.Committed)]),
                        new BarSeries("hub publish-confirmed", [.. results.Select(l => l.PublishConfirmed)]),
                        new BarSeries("hub live feed", [.. results.Select(l => l.LiveFeed)]),
                    ]),
                new PercentilePanel($"PostAlert latency at {rate:0}/s (CO-corrected)", [("echo", echoFixed.Latency), ("hub", hubFixed.Latency)]),
            ];
        }
        finally
        {
            if (hub is not null)
            {
                await hub.DisposeAsync();
            }
            if (!options.Keep)
            {
                Repo.DeleteQuietly(data);
            }
        }
    }
}
