using System.Globalization;
using Hub.Contracts.V1;
using Hub.Load.Data;
using Hub.Load.Infra;
using Hub.Load.Load;
using Hub.Load.Report;

namespace Hub.Load.Scenarios;

/// <summary>
/// 1. Ingest: accepted alerts/s — committed (PostAlert answered) and publish-confirmed (the
/// outbox row marked dispatched inside the same window) — against a bare gRPC echo of PostAlert
/// on the same Kestrel settings. Then both at the same fixed rate for latency. Goal ≥ 0.30.
/// </summary>
internal sealed class IngestScenario : IScenario
{
    private const double DefaultSeconds = 20;
    private const int DefaultConcurrency = 32;

    public IReadOnlyDictionary<string, object> Settings(Options options) => new Dictionary<string, object>
    {
        ["phaseSeconds"] = options.Seconds ?? DefaultSeconds,
        ["concurrency"] = options.Concurrency ?? DefaultConcurrency,
        ["fixedRate"] = options.Rate?.ToString(CultureInfo.InvariantCulture) ?? "half the hub's accepted rate",
        ["bus"] = "in-memory",
        ["payload"] = "SampleAlerts.HeroinAtKorday (hub-client post-sample), fresh idempotency key per call",
    };

    public async Task<IReadOnlyList<Panel>> RunAsync(Options options, RunReport report)
    {
        var phase = options.Phase(DefaultSeconds);
        var concurrency = options.Concurrency ?? DefaultConcurrency;
        var data = Repo.ScratchDirectory("ingest");
        ServerNode? hub = null;
        try
        {
            hub = await ServerNode.StartHubAsync(Path.Combine(data, "capacity"));
            await using var bare = await ServerNode.StartBareAsync();
            var token = await Tokens.AgencyAsync(hub.Web, "KAZ");
            var hubChannel = hub.Channel(token);
            using var bareChannel = bare.Channel(token);
            var hubAlerts = new SeizureAlerts.SeizureAlertsClient(hubChannel);
            var echo = new SeizureAlerts.SeizureAlertsClient(bareChannel);
            var db = new HubDatabase(hub.DataDirectory!);
            // One operator watching the live feed: how far behind the posts it falls.
            var probe = new Operators(hub.FeedUrl, await Tokens.PersonAsync(hub.Web, "operator"));
            await probe.GrowToAsync(1);
            probe.StartLog(1_000_000);

            Console.WriteLine("warm-up (3 s each)");
            await Drive.ClosedLoopAsync("warm-up", concurrency, TimeSpan.FromSeconds(3), Posts.To(echo));
            await Drive.ClosedLoopAsync("warm-up", concurrency, TimeSpan.FromSeconds(3), Posts.To(hubAlerts));
            await db.WaitDrainedAsync(TimeSpan.FromSeconds(60));

            Console.WriteLine($"capacity: {concurrency} callers back to back, {phase.TotalSeconds:0} s each");
            var cpu = new CpuWindow(bare.Process.CpuSeconds);
            var echoCapacity = await Drive.ClosedLoopAsync($"capacity, {concurrency} callers", concurrency, phase, Posts.To(echo));
            report.Add("baseline", echoCapacity, cpu.Stop());

            var postedBefore = db.Alerts();
            var feedBefore = probe.Received;
            var windowStart = DateTime.UtcNow;
            cpu = new CpuWindow(hub.Process.CpuSeconds);
            var hubCapacity = await Drive.ClosedLoopAsync($"capacity, {concurrency} callers", concurrency, phase, Posts.To(hubAlerts));
            var hubCpu = cpu.Stop();
            var windowEnd = windowStart + TimeSpan.FromSeconds(hubCapacity.Seconds);
            var feedInWindow = probe.Received - feedBefore;
            var stored = db.Alerts() - postedBefore;
            var backlogAtEnd = db.Undispatched();
            var drained = await db.WaitDrainedAsync(TimeSpan.FromSeconds(120));
            // Counted once the dispatcher has saved its last batch (it marks rows as it publishes, saves per batch).
            var confirmed = db.DispatchedBetween(windowStart, windowEnd);
            // The live feed (the consumer behind the bus, one event at a time) may lag further: give it a bounded while.
            var lagClock = System.Diagnostics.Stopwatch.StartNew();
            await probe.DrainAsync(feedBefore + stored, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30));
            var feedAfter = probe.Received - feedBefore;
            var lagSeconds = lagClock.Elapsed.TotalSeconds;
            var confirmedRate = confirmed / hubCapacity.Seconds;
            var accepted = Math.Min(hubCapacity.Throughput, confirmedRate);
            report.Add("hub", hubCapacity, hubCpu, new Dictionary<string, object>
            {
                ["committedPerSecond"] = hubCapacity.Throughput,
                ["publishConfirmedInWindow"] = confirmed,
                ["publishConfirmedPerSecond"] = Math.Round(confirmedRate, 1),
                ["outboxBacklogAtWindowEnd"] = backlogAtEnd,
                ["outboxDrainSeconds"] = drained?.TotalSeconds ?? double.NaN,
                ["liveFeedDeliveredInWindow"] = feedInWindow,
                ["liveFeedDeliveredPerSecondInWindow"] = Math.Round(feedInWindow / hubCapacity.Seconds, 1),
                ["liveFeedBehindAfterWait"] = stored - feedAfter,
                ["liveFeedWaitSeconds"] = Math.Round(lagSeconds, 1),
            });
            Console.WriteLine($"  hub: committed {hubCapacity.Throughput:0.0}/s, publish-confirmed in the window {confirmedRate:0.0}/s, outbox backlog at the end {backlogAtEnd}, drained in {drained?.TotalSeconds:0.0} s");
            Console.WriteLine($"  live feed (one operator): {feedInWindow / hubCapacity.Seconds:0.0} alerts/s in the window; {stored - feedAfter} of {stored} still undelivered {lagSeconds:0} s after it");
            report.Figures["live feed during capacity phase (alerts/s delivered to an operator)"] = Math.Round(feedInWindow / hubCapacity.Seconds, 1);
            report.Figures["live feed backlog after the capacity phase + wait"] = $"{stored - feedAfter} of {stored} alerts ({lagSeconds:0} s after the window)";

            // The fixed-rate phase gets a fresh hub: the capacity phase's live-feed backlog would
            // otherwise still be writing (one audit entry per pushed event) while it is measured.
            await probe.DisposeAsync();
            hubChannel.Dispose();
            await hub.DisposeAsync();
            hub = await ServerNode.StartHubAsync(Path.Combine(data, "fixed-rate"));
            token = await Tokens.AgencyAsync(hub.Web, "KAZ");
            hubChannel = hub.Channel(token);
            hubAlerts = new SeizureAlerts.SeizureAlertsClient(hubChannel);
            await Drive.ClosedLoopAsync("warm-up", 4, TimeSpan.FromSeconds(2), Posts.To(hubAlerts));
            await new HubDatabase(hub.DataDirectory!).WaitDrainedAsync(TimeSpan.FromSeconds(30));
            await Task.Delay(TimeSpan.FromSeconds(2));

            var rate = Math.Max(1, Math.Round(options.Rate ?? accepted / 2));
            Console.WriteLine($"fixed rate: {rate:0} alerts/s for {phase.TotalSeconds:0} s each (latency from each request's due time)");
            cpu = new CpuWindow(bare.Process.CpuSeconds);
            var echoFixed = await Drive.FixedRateAsync($"fixed {rate:0}/s", rate, phase, Posts.To(echo));
            report.Add("baseline", echoFixed, cpu.Stop());
            cpu = new CpuWindow(hub.Process.CpuSeconds);
            var hubFixed = await Drive.FixedRateAsync($"fixed {rate:0}/s", rate, phase, Posts.To(hubAlerts));
            report.Add("hub", hubFixed, cpu.Stop());

            report.Compare("accepted alerts/s (committed + publish-confirmed) vs echo", "1/s", accepted, echoCapacity.Throughput, Goal.AtLeast(0.30));
            report.Compare($"PostAlert p50 at {rate:0}/s", "ms", hubFixed.Latency.P50Ms, echoFixed.Latency.P50Ms, Goal.None);
            report.Compare($"PostAlert p99 at {rate:0}/s", "ms", hubFixed.Latency.P99Ms, echoFixed.Latency.P99Ms, Goal.None);
            report.Figures["hub committed/s"] = hubCapacity.Throughput;
            report.Figures["hub publish-confirmed/s (same window)"] = Math.Round(confirmedRate, 1);
            report.Figures["hub cores (server/tool/other) in capacity phase"] = $"{hubCpu.Server}/{hubCpu.LoadTool}/{hubCpu.Other}";

            hubChannel.Dispose();
            return
            [
                new BarPanel($"Ingest capacity ({concurrency} callers)", "alerts/s",
                    ["echo", "hub committed", "hub accepted"],
                    [new BarSeries("alerts/s", [echoCapacity.Throughput, hubCapacity.Throughput, Math.Round(accepted, 1)])]),
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
