using System.Diagnostics;
using System.Globalization;
using Hub.Contracts.V1;
using Hub.Load.Infra;
using Hub.Load.Load;
using Hub.Load.Report;

namespace Hub.Load.Scenarios;

/// <summary>
/// 7. Streams: one agency system (agency-kaz, one token) opens 1,000 WatchAlerts streams from
/// the start of a few thousand stored alerts and never reads them — the leak that reached
/// 7.8 GiB (PITFALLS.md). Measures the hub's working set every 250 ms and /healthz latency at
/// a fixed rate, idle and while the streams are held, and the working set 10 s after they are
/// closed. Goal: peak ≤ 1.5 × idle + 256 MiB. Refusals are counted by status, so a hub that
/// limits streams per caller (Hub:Streams:PerCaller, RESOURCE_EXHAUSTED beyond) and one that
/// does not are both reported as they are.
/// </summary>
internal sealed class StreamsScenario : IScenario
{
    private const double DefaultSeconds = 40;
    private const double DefaultRate = 20;
    private const int DefaultAlerts = 4_000;
    private const int DefaultStreams = 1_000;
    private const int Channels = 10;
    private const int Seeders = 16;
    private static readonly TimeSpan IdlePhase = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan AfterClose = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Sampling = TimeSpan.FromMilliseconds(250);

    public IReadOnlyDictionary<string, object> Settings(Options options) => new Dictionary<string, object>
    {
        ["holdSeconds"] = options.Seconds ?? DefaultSeconds,
        ["healthzPerSecond"] = options.Rate ?? DefaultRate,
        ["storedAlerts"] = options.Sizes?[0] ?? DefaultAlerts,
        ["streams"] = options.Streams ?? DefaultStreams,
        ["caller"] = "agency-kaz, one token, over " + Channels + " channels (HTTP/2 connections as needed)",
        ["watch"] = "WatchAlerts(after_sequence = 0), never read",
        ["hubSettings"] = options.HubSettings.Count == 0 ? "the hub's defaults" : options.HubSettings,
        ["perCallerLimit"] = options.HubSettings.GetValueOrDefault("Hub:Streams:PerCaller") ?? "the hub's default",
        ["goal"] = "peak working set <= 1.5 x idle + 256 MiB",
    };

    public async Task<IReadOnlyList<Panel>> RunAsync(Options options, RunReport report)
    {
        var hold = options.Phase(DefaultSeconds);
        var rate = options.Rate ?? DefaultRate;
        var alerts = options.Sizes?[0] ?? DefaultAlerts;
        var count = options.Streams ?? DefaultStreams;
        var data = Repo.ScratchDirectory("streams");
        try
        {
            var extra = options.HubSettings.ToDictionary(p => p.Key.Replace(":", "__", StringComparison.Ordinal), p => p.Value);
            await using var hub = await HubUnderTest.StartAsync(Path.Combine(data, "hub"), extra: extra);
            var stored = await SeedAsync(hub, alerts, report);

            // The leak once reached 7.8 GiB: a hub that heads for the machine's memory is cut short, not the machine.
            var ceiling = 0.6 * AvailableMiB();
            var ceilingHit = 0;
            var clock = Stopwatch.StartNew();
            await using var streams = new UnreadStreams(hub.Node, hub.AgencyToken, Channels);
            await using var sampler = new WorkingSetSampler(hub.Node.Process, clock, Sampling, rss =>
            {
                if (rss > ceiling && Interlocked.Exchange(ref ceilingHit, 1) == 0)
                {
                    Console.WriteLine($"  hub working set {rss:0} MiB passed the safety ceiling ({ceiling:0} MiB): closing the streams now");
                    _ = streams.CloseAsync();
                }
            });
            using var health = new HealthProbe(hub.Node.Web, clock);

            Console.WriteLine($"warm-up: /healthz at {rate:0}/s, one short watch");
            await health.PollAsync("warm-up", rate, TimeSpan.FromSeconds(3));
            await WarmWatchAsync(hub, stored);
            await Task.Delay(TimeSpan.FromSeconds(2));

            var idleFrom = clock.Elapsed.TotalSeconds;
            var idleCpu = new CpuWindow(hub.Node.Process.CpuSeconds);
            var idle = await health.PollAsync($"/healthz idle, {rate:0}/s", rate, IdlePhase);
            var idleUse = idleCpu.Stop();
            var idleWs = Median(sampler.Between(idleFrom, clock.Elapsed.TotalSeconds));
            Console.WriteLine($"idle: working set {idleWs:0} MiB; opening {count} WatchAlerts(after_sequence = 0) as agency-kaz, held unread for {hold.TotalSeconds:0} s");

            var hwmBefore = hub.Node.Process.MemoryMiB().Peak;
            var cpuBefore = hub.Node.Process.CpuSeconds();
            var window = new CpuWindow(hub.Node.Process.CpuSeconds);
            var openFrom = clock.Elapsed.TotalSeconds;
            var opening = streams.OpenAsync(count, afterSequence: 0, deadline: hold);
            var during = await health.PollAsync($"/healthz, {count} streams asked", rate, hold);
            var census = await opening;
            streams.Settle(census);
            var use = window.Stop();
            var cpuSeconds = hub.Node.Process.CpuSeconds() - cpuBefore;
            var holdTo = clock.Elapsed.TotalSeconds;
            var hwmAfter = hub.Node.Process.MemoryMiB().Peak;
            var sampledPeak = sampler.Between(openFrom, holdTo).DefaultIfEmpty(double.NaN).Max();
            // VmHWM catches a peak between two samples, but only when it was set during this phase.
            var peak = hwmAfter > hwmBefore ? Math.Max(hwmAfter, sampledPeak) : sampledPeak;
            var toHeaders = streams.TimeToHeaders;

            await streams.CloseAsync();
            var closedAt = clock.Elapsed.TotalSeconds;
            var closeCpu = hub.Node.Process.CpuSeconds();
            await Task.Delay(AfterClose);
            var afterCloseWs = hub.Node.Process.MemoryMiB().Rss;
            var closeCpuSeconds = hub.Node.Process.CpuSeconds() - closeCpu;
            var series = sampler.Series("hub working set");

            var limit = 1.5 * idleWs + 256;
            var pass = peak <= limit;
            var opened = census.Opened;
            var perStreamMs = opened > 0 ? cpuSeconds * 1000 / opened : double.NaN;
            Console.WriteLine($"  {opened}/{count} opened in {census.OpeningSeconds:0.0} s; refused {StreamCensus.Text(census.Refused)}; failed {StreamCensus.Text(census.Failed)}; no answer {StreamCensus.Text(census.NoAnswer)}");
            Console.WriteLine($"  working set idle {idleWs:0} MiB, peak {peak:0} MiB (goal {limit:0}: {(pass ? "PASS" : "MISS")}), {afterCloseWs:0} MiB {AfterClose.TotalSeconds:0} s after close");

            report.Add("hub", idle, idleUse, new Dictionary<string, object> { ["phase"] = "idle", ["workingSetMiB"] = Math.Round(idleWs, 1) });
            report.Add("hub", during, use, new Dictionary<string, object>
            {
                ["phase"] = "streams held",
                ["requested"] = count,
                ["opened"] = opened,
                ["refusedByStatus"] = census.Refused,
                ["failedOtherwise"] = census.Failed,
                ["noAnswer"] = census.NoAnswer,
                ["openingSeconds"] = census.OpeningSeconds,
                ["timeToHeaders"] = toHeaders,
                ["hubCpuSeconds"] = Math.Round(cpuSeconds, 2),
                ["hubCpuMsPerStreamOpened"] = Math.Round(perStreamMs, 2),
                ["hubCpuMsPerStreamAsked"] = Math.Round(cpuSeconds * 1000 / count, 2),
                ["workingSetPeakMiB"] = Math.Round(peak, 1),
                ["workingSetSampledPeakMiB"] = sampledPeak,
                ["vmHwmBeforeAfterMiB"] = new[] { hwmBefore, hwmAfter },
                ["workingSetAfterCloseMiB"] = Math.Round(afterCloseWs, 1),
                ["hubCpuSecondsCloseAndAfter"] = Math.Round(closeCpuSeconds, 2),
                ["safetyCeilingMiB"] = Math.Round(ceiling),
                ["safetyCeilingHit"] = ceilingHit == 1,
                ["marks"] = new Dictionary<string, double> { ["idleFrom"] = idleFrom, ["openFrom"] = openFrom, ["holdTo"] = holdTo, ["closedAt"] = closedAt },
            });
            report.TimeSeries.Add(series);
            report.TimeSeries.Add(health.Series("/healthz latency from due time", idleFrom));

            report.Compare("peak working set / goal (1.5 x idle + 256)", "MiB", peak, limit, Goal.AtMost(1.0));
            report.Compare("peak working set vs idle", "MiB", peak, idleWs, Goal.None);
            report.Compare($"working set {AfterClose.TotalSeconds:0} s after closing vs idle", "MiB", afterCloseWs, idleWs, Goal.None);
            report.Compare("/healthz p50, streams held vs idle", "ms", during.Latency.P50Ms, idle.Latency.P50Ms, Goal.None);
            report.Compare("/healthz p99, streams held vs idle", "ms", during.Latency.P99Ms, idle.Latency.P99Ms, Goal.None);
            report.Compare("/healthz max, streams held vs idle", "ms", during.Latency.MaxMs, idle.Latency.MaxMs, Goal.None);
            report.Figures["hub working set: idle / peak / after close (MiB)"] = $"{idleWs:0} / {peak:0} / {afterCloseWs:0}";
            report.Figures["goal: peak <= 1.5 x idle + 256 MiB"] = $"{peak:0} <= {limit:0}: {(pass ? "PASS" : "MISS")}";
            report.Figures["streams asked / opened"] = $"{count} / {opened} (in {census.OpeningSeconds:0.0} s; time to headers p50 {toHeaders.P50Ms:0.#} ms, p99 {toHeaders.P99Ms:0.#} ms)";
            report.Figures["streams refused, by status"] = StreamCensus.Text(census.Refused);
            report.Figures["streams failed otherwise / no answer"] = $"{StreamCensus.Text(census.Failed)} / {StreamCensus.Text(census.NoAnswer)}";
            report.Figures["hub CPU while held"] = string.Create(CultureInfo.InvariantCulture, $"{cpuSeconds:0.00} s ({use.Server:0.00} cores), {perStreamMs:0.00} ms per stream opened ({cpuSeconds * 1000 / count:0.00} per stream asked); close + {AfterClose.TotalSeconds:0} s: {closeCpuSeconds:0.00} s");
            report.Figures["/healthz p50 / p99 / max, idle → held (ms)"] = $"{idle.Latency.P50Ms:0.##} / {idle.Latency.P99Ms:0.##} / {idle.Latency.MaxMs:0.##} → {during.Latency.P50Ms:0.##} / {during.Latency.P99Ms:0.##} / {during.Latency.MaxMs:0.##}";
            if (ceilingHit == 1)
            {
                report.Note($"the hub passed the safety ceiling of {ceiling:0} MiB: streams closed early, the peak is a lower bound");
            }

            var span = series.Seconds.Count == 0 ? (0, 0) : (series.Seconds[0], series.Seconds[^1]);
            return
            [
                new LinePanel($"Hub working set, {count} unread WatchAlerts asked ({opened} opened)", "MiB", "seconds",
                [
                    series,
                    new TimeSeries("goal 1.5 x idle + 256 MiB", "MiB", [span.Item1, span.Item2], [limit, limit]),
                ]),
                new LinePanel($"/healthz latency at {rate:0}/s (from due time)", "ms", "seconds", [health.Series("/healthz", idleFrom)]),
                new PercentilePanel("/healthz latency, idle vs streams held", [("idle", idle.Latency), ($"{opened} streams held", during.Latency)]),
            ];
        }
        finally
        {
            if (!options.Keep)
            {
                Repo.DeleteQuietly(data);
            }
        }
    }

    /// <summary>Posts <paramref name="count"/> alerts through PostAlert as agency-kaz (so all are readable by the watcher), then waits for the outbox.</summary>
    private static async Task<long> SeedAsync(HubUnderTest hub, int count, RunReport report)
    {
        var clock = Stopwatch.StartNew();
        long next = -1, failed = 0;
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await Task.WhenAll(Enumerable.Range(0, Seeders).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < count && !giveUp.IsCancellationRequested)
            {
                try
                {
                    await hub.Alerts.PostAlertAsync(Data.SampleFeed.Post(), cancellationToken: giveUp.Token);
                }
                catch (Exception) when (Interlocked.Increment(ref failed) < 100)
                {
                    // A few failures are reported below; many mean the hub is broken and end the run.
                }
            }
        })));
        await hub.Database.WaitDrainedAsync(TimeSpan.FromSeconds(30));
        var stored = hub.Database.Alerts();
        Console.WriteLine($"seeded {stored:N0} alerts through PostAlert in {clock.Elapsed.TotalSeconds:0.0} s ({failed} failed)");
        report.Figures["stored alerts (posted by agency-kaz)"] = $"{stored:N0} in {clock.Elapsed.TotalSeconds:0.0} s, {failed} failed";
        if (stored < count * 0.9)
        {
            throw new InvalidOperationException($"only {stored} of {count} alerts stored");
        }
        return stored;
    }

    /// <summary>The stream path's first compilations happen here, not in the measured phase: one watch reading the last 20 alerts.</summary>
    private static async Task WarmWatchAsync(HubUnderTest hub, long stored)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var call = hub.Alerts.WatchAlerts(new WatchAlertsRequest { AfterSequence = Math.Max(0, stored - 20) }, cancellationToken: timeout.Token);
        try
        {
            for (var i = 0; i < 20 && await call.ResponseStream.MoveNext(timeout.Token); i++)
            {
            }
        }
        catch (Grpc.Core.RpcException ex) when (ex.StatusCode == Grpc.Core.StatusCode.Cancelled)
        {
            // Fewer than 20 readable: warm enough.
        }
    }

    private static double Median(IReadOnlyList<double> values) =>
        values.Count == 0 ? double.NaN : values.Order().ElementAt(values.Count / 2);

    private static double AvailableMiB()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}
