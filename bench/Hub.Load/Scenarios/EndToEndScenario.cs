using System.Globalization;
using Hub.Contracts.V1;
using Hub.Load.Bare;
using Hub.Load.Data;
using Hub.Load.Infra;
using Hub.Load.Load;
using Hub.Load.Report;

namespace Hub.Load.Scenarios;

/// <summary>
/// 4. End to end on RabbitMQ: p99 from PostAlert's due time to receipt on operators' feeds, at
/// half the hub's maximum accepted ingest rate with 500 operators — the maximum measured with
/// the 500 operators connected and receiving, since pushing every alert to them is part of
/// what the hub does at that rate — against the sum of the bare
/// stages' p99 at the same rate: gRPC echo + raw SQLite single-row commit + RabbitMQ
/// publish-confirm → consume + bare SignalR broadcast to as many connections. Goal ≤ 2.0×.
/// Order: the hub's maximum (then that hub is stopped), the bare stages (no hub running), a
/// fresh hub end to end.
/// </summary>
internal sealed class EndToEndScenario : IScenario
{
    private const double DefaultSeconds = 15;
    private const int DefaultOperators = 500;
    private const int DefaultConcurrency = 32;

    public IReadOnlyDictionary<string, object> Settings(Options options) => new Dictionary<string, object>
    {
        ["phaseSeconds"] = options.Seconds ?? DefaultSeconds,
        ["operators"] = options.Operators?[0] ?? DefaultOperators,
        ["rate"] = options.Rate?.ToString(CultureInfo.InvariantCulture) ?? "half the hub's maximum accepted ingest on RabbitMQ with the operators connected (measured first: 4, 16, 32 callers)",
        ["bus"] = "RabbitMQ (deploy/rabbitmq/local-node.sh: a private node on loopback)",
    };

    public async Task<IReadOnlyList<Panel>> RunAsync(Options options, RunReport report)
    {
        var phase = options.Phase(DefaultSeconds);
        var operators = options.Operators?[0] ?? DefaultOperators;
        var concurrency = options.Concurrency ?? DefaultConcurrency;
        var data = Repo.ScratchDirectory("e2e");
        Console.WriteLine("starting a private RabbitMQ node (deploy/rabbitmq/local-node.sh)");
        await using var broker = await LocalBroker.StartAsync();
        HubUnderTest? hub = null;
        try
        {
            var rate = options.Rate;
            if (rate is null)
            {
                hub = await HubUnderTest.StartAsync(Path.Combine(data, "hub-maximum"), broker.Uri);
                await using var probe = new Operators(hub.Node.FeedUrl, await hub.OperatorTokenAsync());
                await probe.GrowToAsync(1);
                probe.StartLog(1_000_000);
                // The other operators receive too (counted, not logged): the maximum is the hub's
                // with this audience, not without it.
                await using var audience = new Operators(hub.Node.FeedUrl, await hub.OperatorTokenAsync());
                await audience.GrowToAsync(operators - 1);
                Console.WriteLine("warm-up (3 s)");
                await Drive.ClosedLoopAsync("warm-up", 8, TimeSpan.FromSeconds(3), Posts.To(hub.Alerts));
                var maxPhase = TimeSpan.FromSeconds(Math.Min(8, phase.TotalSeconds));
                Console.WriteLine($"maximum ingest on RabbitMQ with {operators} operators: 4, 16 and {concurrency} callers back to back, {maxPhase.TotalSeconds:0} s each");
                var (best, levels) = await IngestMaximum.FindAsync(hub, probe, [.. new[] { 4, 16, concurrency }.Distinct().Order()], maxPhase, report);
                foreach (var level in levels)
                {
                    report.Figures[$"hub on RabbitMQ, {level.Concurrency} callers: committed / publish-confirmed / live feed (alerts/s)"] = $"{level.Committed} / {level.PublishConfirmed} / {level.LiveFeed}";
                }
                report.Figures[$"hub maximum accepted ingest on RabbitMQ, {operators} operators receiving"] = $"{best.Accepted:0.0} alerts/s ({best.Concurrency} callers)";
                rate = Math.Max(1, Math.Round(best.Accepted / 2));
                // Stopped: its live-feed and country fan-out backlogs must not run beside the bare stages.
                await audience.DisposeAsync();
                await probe.DisposeAsync();
                await hub.DisposeAsync();
                hub = null;
            }
            var count = (int)Math.Round(rate.Value * phase.TotalSeconds);
            var capacity = (long)(operators * count * 1.1) + 10_000;

            // The bare stages, one after the other, at the same rate, with no hub running.
            Console.WriteLine($"bare stages at {rate:0}/s for {phase.TotalSeconds:0} s each");
            LatencySummary grpcLatency, sqliteLatency, rabbitLatency;
            FanOutFigures bareFeed;
            await using (var bare = await ServerNode.StartBareAsync())
            {
                using var bareChannel = bare.Channel("no-token");
                var echo = new SeizureAlerts.SeizureAlertsClient(bareChannel);
                await Drive.ClosedLoopAsync("warm-up", 4, TimeSpan.FromSeconds(2), Posts.To(echo));
                var cpu = new CpuWindow(bare.Process.CpuSeconds);
                var grpc = await Drive.FixedRateAsync($"stage gRPC echo {rate:0}/s", rate.Value, phase, Posts.To(echo));
                report.Add("baseline", grpc, cpu.Stop());
                grpcLatency = grpc.Latency;

                var rawDirectory = Path.Combine(data, "raw");
                Directory.CreateDirectory(rawDirectory);
                var raw = new RawSqlite(Path.Combine(rawDirectory, "raw.db"));
                cpu = new CpuWindow(null);
                var sqlite = await Drive.FixedRateAsync($"stage SQLite commit {rate:0}/s", rate.Value, phase, (_, _, ct) => raw.InsertAsync(ct));
                report.Add("baseline", sqlite, cpu.Stop());
                sqliteLatency = sqlite.Latency;

                await using (var rabbit = await BareRabbit.StartAsync(broker.Uri))
                {
                    rabbit.Reset(count);
                    var brokerCpu = new CpuWindow(broker.ProcessId is { } pid ? () => Cpu.ProcessSeconds(pid) : null);
                    var publishing = await Drive.FixedRateAsync($"stage RabbitMQ publish {rate:0}/s", rate.Value, phase, rabbit.PublishAsync);
                    var drainClock = System.Diagnostics.Stopwatch.StartNew();
                    while (rabbit.Received < publishing.Ok && drainClock.Elapsed < TimeSpan.FromSeconds(30))
                    {
                        await Task.Delay(50);
                    }
                    rabbitLatency = rabbit.DeliveryLatency.Summary();
                    report.Add("baseline", publishing with { Name = $"stage RabbitMQ publish→consume {rate:0}/s", Latency = rabbitLatency }, brokerCpu.Stop(),
                        new Dictionary<string, object> { ["received"] = rabbit.Received, ["messageBytes"] = rabbit.MessageBytes, ["publishConfirmLatency"] = publishing.Latency });
                }

                await using var bareOperators = new Operators(bare.FeedUrl, null);
                await bareOperators.GrowToAsync(operators);
                bareOperators.StartLog(capacity);
                cpu = new CpuWindow(bare.Process.CpuSeconds);
                var start = await BareFeed.BroadcastAsync(bare, rate.Value, count);
                await Task.Delay(phase);
                await BareFeed.WaitSentAsync(bare, count, TimeSpan.FromSeconds(60));
                await bareOperators.DrainAsync((long)count * operators, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60));
                var signalRCpu = cpu.Stop();
                bareFeed = FanOutFigures.OfBare(bareOperators.Deliveries(), start, rate.Value, count, operators, phase.TotalSeconds);
                report.Phases.Add(new PhaseRecord("baseline", new PhaseStats($"stage SignalR broadcast {rate:0}/s, {operators} operators", "fixed-rate", rate.Value, 0, phase.TotalSeconds,
                    bareFeed.DeliverySeconds, count, count, 0, 0, bareFeed.DeliveriesPerSecond, bareFeed.FromSend, new Dictionary<string, long>()), signalRCpu,
                    new Dictionary<string, object> { ["feed"] = bareFeed }));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  baseline  stage SignalR broadcast: {bareFeed.Delivered}/{bareFeed.Expected} delivered, p50 {bareFeed.FromSend.P50Ms:0.0} ms, p99 {bareFeed.FromSend.P99Ms:0.0} ms{RunReport.CpuText(signalRCpu)}"));
            }

            // The hub, end to end, fresh.
            hub = await HubUnderTest.StartAsync(Path.Combine(data, "hub-e2e"), broker.Uri);
            await hub.WarmUpAtAsync(rate.Value);
            await using var hubOperators = new Operators(hub.Node.FeedUrl, await hub.OperatorTokenAsync());
            var connect = await hubOperators.GrowToAsync(operators);
            await Task.Delay(TimeSpan.FromSeconds(3));
            Console.WriteLine($"hub: {operators} operators connected in {connect.TotalSeconds:0.0} s; {rate:0} alerts/s for {phase.TotalSeconds:0} s");
            hubOperators.StartLog(capacity);
            var posts = new PostLog(count);
            var hubCpuWindow = new CpuWindow(hub.Node.Process.CpuSeconds);
            var brokerWindow = new CpuWindow(broker.ProcessId is { } brokerPid ? () => Cpu.ProcessSeconds(brokerPid) : null);
            var posting = await Drive.FixedRateAsync($"end to end {rate:0}/s, {operators} operators", rate.Value, phase, Posts.To(hub.Alerts, posts));
            await hubOperators.DrainAsync(posting.Ok * operators, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(90));
            var hubCpu = hubCpuWindow.Stop();
            var brokerUse = brokerWindow.Stop();
            var hubFeed = FanOutFigures.OfHub(hubOperators.Deliveries(), posts, operators, phase.TotalSeconds);
            report.Add("hub", posting, hubCpu, new Dictionary<string, object> { ["feed"] = hubFeed, ["closedConnections"] = hubOperators.Closed, ["brokerCores"] = brokerUse.Server });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  hub end to end: {hubFeed.Delivered}/{hubFeed.Expected} delivered in {hubFeed.DeliverySeconds:0.0} s, p50 {hubFeed.FromSend.P50Ms:0.0} ms, p99 {hubFeed.FromSend.P99Ms:0.0} ms, p99.9 {hubFeed.FromSend.P999Ms:0.0} ms (broker {brokerUse.Server:0.00} cores)"));

            var stages = new (string Name, LatencySummary Latency)[]
            {
                ("gRPC echo", grpcLatency), ("SQLite commit", sqliteLatency), ("RabbitMQ publish→consume", rabbitLatency), ("SignalR broadcast", bareFeed.FromSend),
            };
            var sumP99 = stages.Sum(s => s.Latency.P99Ms);
            var sumP50 = stages.Sum(s => s.Latency.P50Ms);
            report.Compare($"end-to-end p99, {rate:0}/s, {operators} operators", "ms", hubFeed.FromSend.P99Ms, sumP99, Goal.AtMost(2.0));
            report.Compare($"end-to-end p50, {rate:0}/s, {operators} operators", "ms", hubFeed.FromSend.P50Ms, sumP50, Goal.None);
            report.Figures["hub end to end p50 / p99 / p99.9 (ms)"] = $"{hubFeed.FromSend.P50Ms} / {hubFeed.FromSend.P99Ms} / {hubFeed.FromSend.P999Ms}";
            report.Figures["hub after commit p50 / p99 (ms)"] = $"{hubFeed.FromAck!.P50Ms} / {hubFeed.FromAck.P99Ms}";
            report.Figures["bare stages p99 (ms)"] = string.Join(" + ", stages.Select(s => $"{s.Name} {s.Latency.P99Ms}")) + $" = {sumP99:0.###}";
            report.Figures["hub deliveries (delivered / expected, seconds to deliver)"] = $"{hubFeed.Delivered} / {hubFeed.Expected}, {hubFeed.DeliverySeconds} s for a {phase.TotalSeconds:0} s schedule";

            return
            [
                new BarPanel($"Latency at {rate:0} alerts/s, {operators} operators", "ms", ["p50", "p99"],
                    [.. stages.Select(s => new BarSeries(s.Name, [s.Latency.P50Ms, s.Latency.P99Ms])),
                     new BarSeries("sum of bare stages", [sumP50, sumP99]), new BarSeries("hub end to end", [hubFeed.FromSend.P50Ms, hubFeed.FromSend.P99Ms])]),
                new PercentilePanel("Latency by percentile (CO-corrected)", [.. stages, ("hub end to end", hubFeed.FromSend)]),
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
