using System.Diagnostics;
using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Load.Infra;
using Hub.Load.Load;
using Hub.Load.Report;

namespace Hub.Load.Scenarios;

/// <summary>
/// 6. Memory: the hub's peak working set (VmHWM) with 1,000 operators connected and one slow
/// watcher — a WatchAlerts stream that never reads — while alerts are posted at a fixed rate,
/// sampled every 250 ms. Bounded when the slow watcher is cut off (RESOURCE_EXHAUSTED, the
/// hub's per-watcher buffer) and the working set stops growing (peak of the last third within
/// 25 % of the peak of the middle third). The bare SignalR hub with as many connections
/// receiving the same broadcast gives the transport's own footprint.
/// </summary>
internal sealed class MemoryScenario : IScenario
{
    private const double DefaultSeconds = 45;
    private const double DefaultRate = 40;
    private const int DefaultOperators = 1000;

    public IReadOnlyDictionary<string, object> Settings(Options options) => new Dictionary<string, object>
    {
        ["phaseSeconds"] = options.Seconds ?? DefaultSeconds,
        ["alertsPerSecond"] = options.Rate ?? DefaultRate,
        ["operators"] = options.Operators?[0] ?? DefaultOperators,
        ["slowWatcher"] = "WatchAlerts(after_sequence = -1) as operator, never read until the end",
        ["watcherBuffer"] = "the hub's default (Hub:Streams:WatcherBuffer, 1024 events)",
    };

    public async Task<IReadOnlyList<Panel>> RunAsync(Options options, RunReport report)
    {
        var phase = options.Phase(DefaultSeconds);
        var rate = options.Rate ?? DefaultRate;
        var operators = options.Operators?[0] ?? DefaultOperators;
        var count = (int)Math.Round(rate * phase.TotalSeconds);
        var data = Repo.ScratchDirectory("memory");
        try
        {
            await using var hub = await HubUnderTest.StartAsync(Path.Combine(data, "hub"));
            await using var bare = await ServerNode.StartBareAsync();
            var operatorToken = await hub.OperatorTokenAsync();
            var startMemory = hub.Node.Process.MemoryMiB().Rss;

            await using var hubOperators = new Operators(hub.Node.FeedUrl, operatorToken);
            var connect = await hubOperators.GrowToAsync(operators);
            var connectedMemory = hub.Node.Process.MemoryMiB().Rss;
            Console.WriteLine($"{operators} operators connected in {connect.TotalSeconds:0.0} s; hub working set {startMemory:0} → {connectedMemory:0} MiB");

            // The slow watcher: its own connection, a live watch it never reads.
            using var watcherChannel = hub.Node.Channel(operatorToken);
            var watcher = new SeizureAlerts.SeizureAlertsClient(watcherChannel);
            using var slow = watcher.WatchAlerts(new WatchAlertsRequest { AfterSequence = -1 });
            // A live watch sends nothing (not even headers) before the first event: give the call a moment to arrive.
            await Task.Delay(TimeSpan.FromSeconds(1));

            hubOperators.StartLog((long)(operators * count * 1.1) + 10_000);
            Console.WriteLine($"posting {rate:0} alerts/s for {phase.TotalSeconds:0} s to {operators} operators and one slow watcher");
            var (hubStats, hubSeries, hubCpu) = await SampleWhileAsync(hub.Node.Process, () => Drive.FixedRateAsync($"posts {rate:0}/s, {operators} operators + slow watcher", rate, phase, Posts.To(hub.Alerts)));
            await hubOperators.DrainAsync(hubStats.Ok * operators, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60));
            var hubPeak = hub.Node.Process.MemoryMiB().Peak;

            // What the slow watcher got before it was cut off, and how it ended.
            var read = 0;
            var ending = "still open";
            using (var readTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                try
                {
                    while (await slow.ResponseStream.MoveNext(readTimeout.Token))
                    {
                        read++;
                    }
                    ending = "ended by the hub without an error";
                }
                catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled)
                {
                    ending = $"{ex.StatusCode}: {ex.Status.Detail}";
                }
                catch (RpcException)
                {
                    ending = $"still open after {read} events (not cut off)";
                }
            }
            var cut = ending.StartsWith(nameof(StatusCode.ResourceExhausted), StringComparison.Ordinal);
            var (middlePeak, lastPeak) = Thirds(hubSeries);
            var delivered = hubOperators.Received;
            report.Add("hub", hubStats, hubCpu, new Dictionary<string, object>
            {
                ["operators"] = operators,
                ["deliveries"] = delivered,
                ["expectedDeliveries"] = hubStats.Ok * operators,
                ["slowWatcherEventsRead"] = read,
                ["slowWatcherEnding"] = ending,
                ["closedConnections"] = hubOperators.Closed,
            });
            Console.WriteLine($"  hub: peak working set {hubPeak:0} MiB; {delivered}/{hubStats.Ok * operators} deliveries; slow watcher read {read} events, then {ending}");
            await hubOperators.DisposeAsync();

            // The bare SignalR hub: as many connections, the same payload at the same rate.
            var bareStart = bare.Process.MemoryMiB().Rss;
            await using var bareOperators = new Operators(bare.FeedUrl, null);
            await bareOperators.GrowToAsync(operators);
            bareOperators.StartLog((long)(operators * count * 1.1) + 10_000);
            var (_, bareSeries, bareCpu) = await SampleWhileAsync(bare.Process, async () =>
            {
                await BareFeed.BroadcastAsync(bare, rate, count);
                await Task.Delay(phase);
                await BareFeed.WaitSentAsync(bare, count, TimeSpan.FromSeconds(60));
                return (PhaseStats?)null;
            });
            await bareOperators.DrainAsync((long)count * operators, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60));
            var barePeak = bare.Process.MemoryMiB().Peak;
            Console.WriteLine($"  bare: peak working set {barePeak:0} MiB (from {bareStart:0} MiB); {bareOperators.Received}/{(long)count * operators} deliveries{RunReport.CpuText(bareCpu)}");

            report.TimeSeries.Add(hubSeries);
            report.TimeSeries.Add(bareSeries);
            report.Compare($"peak working set, {operators} operators + slow watcher, vs bare SignalR", "MiB", hubPeak, barePeak, Goal.None);
            // The watcher's cut-off is the decisive part (its buffer is bounded by design); the working-set
            // check only catches growth beyond the garbage collector's own expansion within one run.
            var boundedGoal = new Goal("<= 1.25, watcher cut", r => cut && r <= 1.25);
            report.Compare("bounded: working set peak, last third vs middle third", "MiB", lastPeak, middlePeak, boundedGoal);
            report.Figures["hub working set: start / operators connected / peak (MiB)"] = $"{startMemory:0} / {connectedMemory:0} / {hubPeak:0}";
            report.Figures["slow watcher"] = $"read {read} events at the end, then {ending}";
            report.Figures["hub deliveries"] = $"{delivered} / {hubStats.Ok * operators}";

            return
            [
                new LinePanel($"Working set, {operators} operators, {rate:0} alerts/s", "MiB", "seconds", [hubSeries with { Name = "hub (+ slow watcher)" }, bareSeries with { Name = "bare SignalR" }]),
                new BarPanel("Peak working set", "MiB", ["peak"], [new BarSeries("bare SignalR", [barePeak]), new BarSeries("hub", [hubPeak])]),
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

    /// <summary>Runs <paramref name="phase"/> while sampling the process's working set every 250 ms.</summary>
    private static async Task<(T Result, TimeSeries Series, CpuUse Cpu)> SampleWhileAsync<T>(ChildProcess process, Func<Task<T>> phase)
    {
        var seconds = new List<double>();
        var values = new List<double>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                seconds.Add(Math.Round(clock.Elapsed.TotalSeconds, 2));
                values.Add(Math.Round(process.MemoryMiB().Rss, 1));
                try
                {
                    await Task.Delay(250, stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });
        var cpu = new CpuWindow(process.CpuSeconds);
        var result = await phase();
        var use = cpu.Stop();
        await stop.CancelAsync();
        await sampler;
        return (result, new TimeSeries("working set", "MiB", seconds, values), use);
    }

    /// <summary>The working set's peak in the middle and in the last third of the phase.</summary>
    private static (double Middle, double Last) Thirds(TimeSeries series)
    {
        var n = series.Values.Count;
        if (n < 9)
        {
            return (double.NaN, double.NaN);
        }
        return (series.Values.Skip(n / 3).Take(n / 3).Max(), series.Values.Skip(2 * n / 3).Max());
    }
}
