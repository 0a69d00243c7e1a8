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
/// half the hub's maximum ingest rate with 500 operators, against the sum of the bare stages'
/// p99 at the same rate: gRPC echo + raw SQLite single-row commit + RabbitMQ publish-confirm →
/// consume + bare SignalR broadcast to as many connections. Goal ≤ 2.0×. Absolute p50/p99 too.
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
        ["rate"] = options.Rate?.ToString(CultureInfo.InvariantCulture) ?? "half the hub's maximum ingest rate (measured first)",
        ["bus"] = "RabbitMQ (deploy/rabbitmq/local-node.sh, private node on loopback)",
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
            hub = await HubUnderTest.StartAsync(Path.Combine(data, "hub-maximum"), broker.Uri);
            await using var bare = await ServerNode.StartBareAsync();
            using var bareChannel = bare.Channel(hub.AgencyToken);
            var echo = new SeizureAlerts.SeizureAlertsClient(bareChannel);
            var rawDirectory = Path.Combine(data, "raw");
            Directory.CreateDirectory(rawDirectory);
            var raw = new RawSqlite(Path.Combine(rawDirectory, "raw.db"));
            await using var rabbit = await BareRabbit.StartAsync(broker.Uri);

            var rate = options.Rate;
            if (rate is null)
            {
                await using var probe = new Operators(hub.Node.FeedUrl, await hub.OperatorTokenAsync());
                await probe.GrowToAsync(1);
                probe.StartLog(1_000_000);
                Console.WriteLine("warm-up (3 s)");
                await Drive.ClosedLoopAsync("warm-up", 8, TimeSpan.FromSeconds(3), Posts.To(hub.Alerts));

                var maxPhase = TimeSpan.FromSeconds(Math.Min(8, phase.TotalSeconds));
                Console.WriteLine($"maximum ingest on RabbitMQ: 4, 16 and {concurrency} callers back to back, {maxPhase.TotalSeconds:0} s each");
                var (best, levels) = await IngestMaximum.FindAsync(hub, probe, [.. new[] { 4, 16, concurrency }.Distinct().Order()], maxPhase, report);
                foreach (var level in levels)
                {
                    report.Figures[$"hub on RabbitMQ, {level.Concurrency} callers: committed / publish-confirmed / live feed (alerts/s)"] = $"{level.Committed} / {level.PublishConfirmed} / {level.LiveFeed}";
                }
                report.Figures["hub maximum accepted ingest on RabbitMQ"] = $"{best.Accepted:0.0} alerts/s ({best.Concurrency} callers)";
                rate = Math.Max(1, Math.Round(best.Accepted / 2));

                // A fresh hub for the measured phase: the live-feed backlog of the maximum would still be draining.
                await probe.DisposeAsync();
                await hub.DisposeAsync();
                hub = await HubUnderTest.StartAsync(Path.Combine(data, "hub-e2e"), broker.Uri);
            }
            var alerts = hub.Alerts;
            await Drive.ClosedLoopAsync("warm-up", 4, TimeSpan.FromSeconds(2), Posts.To(alerts));
            await hub.Database.WaitDrainedAsync(TimeSpan.FromSeconds(30));
            var operatorToken = await hub.OperatorTokenAsync();
            var count = (int)Math.Round(rate.Value * phase.TotalSeconds);
            await using var hubOperators = new Operators(hub.Node.FeedUrl, operatorToken);
            await using var bareOperators = new Operators(bare.FeedUrl, null);
            var connect = await hubOperators.GrowToAsync(operators);
            await bareOperators.GrowToAsync(operators);
            await Task.Delay(TimeSpan.FromSeconds(2));
            Console.WriteLine($"{operators} operators connected in {connect.TotalSeconds:0.0} s; {rate:0} alerts/s for {phase.TotalSeconds:0} s");

            // The hub, end to end.
            hubOperators.StartLog((long)(operators * count * 1.1) + 10_000);
            var posts = new PostLog(count);
            var cpu = new CpuWindow(hub.Node.Process.CpuSeconds);
            var posting = await Drive.FixedRateAsync($"end to end {rate:0}/s, {operators} operators", rate.Value, phase, Posts.To(alerts, posts));
            await hubOperators.DrainAsync(posting.Ok * operators, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60));
            var hubCpu = cpu.Stop();
            var hubFeed = FanOutFigures.OfHub(hubOperators.Deliveries(), posts, operators, phase.TotalSeconds);
            report.Add("hub", posting, hubCpu, new Dictionary<string, object> { ["feed"] = hubFeed, ["closedConnections"] = hubOperators.Closed });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  hub end to end: {hubFeed.Delivered}/{hubFeed.Expected} delivered, p50 {hubFeed.FromSend.P50Ms:0.0} ms, p99 {hubFeed.FromSend.P99Ms:0.0} ms, p99.9 {hubFeed.FromSend.P999Ms:0.0} ms"));

            // The bare stages, one after the other, at the same rate.
            cpu = new CpuWindow(bare.Process.CpuSeconds);
            var grpc = await Drive.FixedRateAsync($"stage gRPC echo {rate:0}/s", rate.Value, phase, Posts.To(echo));
            report.Add("baseline", grpc, cpu.Stop());
            cpu = new CpuWindow(null);
            var sqlite = await Drive.FixedRateAsync($"stage SQLite commit {rate:0}/s", rate.Value, phase, (_, _, ct) => raw.InsertAsync(ct));
            report.Add("baseline", sqlite, cpu.Stop());
            rabbit.Reset(count);
            cpu = new CpuWindow(null);
            var publishing = await Drive.FixedRateAsync($"stage RabbitMQ publish {rate:0}/s", rate.Value, phase, rabbit.PublishAsync);
            var drainClock = System.Diagnostics.Stopwatch.StartNew();
            while (rabbit.Received < publishing.Ok && drainClock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(50);
            }
            var rabbitLatency = rabbit.DeliveryLatency.Summary();
            report.Add("baseline", publishing with { Name = $"stage RabbitMQ publish→consume {rate:0}/s", Latency = rabbitLatency }, cpu.Stop(),
                new Dictionary<string, object> { ["received"] = rabbit.Received, ["messageBytes"] = rabbit.MessageBytes, ["publishConfirmLatency"] = publishing.Latency });
            bareOperators.StartLog((long)(operators * count * 1.1) + 10_000);
            cpu = new CpuWindow(bare.Process.CpuSeconds);
            var start = await BareFeed.BroadcastAsync(bare, rate.Value, count);
            await Task.Delay(phase);
            await BareFeed.WaitSentAsync(bare, count, TimeSpan.FromSeconds(60));
            await bareOperators.DrainAsync((long)count * operators, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60));
            var signalRCpu = cpu.Stop();
            var bareFeed = FanOutFigures.OfBare(bareOperators.Deliveries(), start, rate.Value, count, operators, phase.TotalSeconds);
            report.Phases.Add(new PhaseRecord("baseline", new PhaseStats($"stage SignalR broadcast {rate:0}/s, {operators} operators", "fixed-rate", rate.Value, 0, phase.TotalSeconds,
                bareFeed.DeliverySeconds, count, count, 0, 0, bareFeed.DeliveriesPerSecond, bareFeed.FromSend, new Dictionary<string, long>()), signalRCpu,
                new Dictionary<string, object> { ["feed"] = bareFeed }));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  bare SignalR: {bareFeed.Delivered}/{bareFeed.Expected} delivered, p50 {bareFeed.FromSend.P50Ms:0.0} ms, p99 {bareFeed.FromSend.P99Ms:0.0} ms{RunReport.CpuText(signalRCpu)}"));

            var stages = new (string Name, LatencySummary Latency)[]
            {
                ("gRPC echo", grpc.Latency), ("SQLite commit", sqlite.Latency), ("RabbitMQ publish→consume", rabbitLatency), ("SignalR broadcast", bareFeed.FromSend),
            };
            var sumP99 = stages.Sum(s => s.Latency.P99Ms);
            var sumP50 = stages.Sum(s => s.Latency.P50Ms);
            report.Compare($"end-to-end p99, {rate:0}/s, {operators} operators", "ms", hubFeed.FromSend.P99Ms, sumP99, Goal.AtMost(2.0));
            report.Compare($"end-to-end p50, {rate:0}/s, {operators} operators", "ms", hubFeed.FromSend.P50Ms, sumP50, Goal.None);
            report.Figures["hub end to end p50 / p99 / p99.9 (ms)"] = $"{hubFeed.FromSend.P50Ms} / {hubFeed.FromSend.P99Ms} / {hubFeed.FromSend.P999Ms}";
            report.Figures["bare stages p99 (ms)"] = string.Join(" + ", stages.Select(s => $"{s.Name} {s.Latency.P99Ms}")) + $" = {sumP99:0.###}";
            report.Figures["hub deliveries (delivered / expected)"] = $"{hubFeed.Delivered} / {hubFeed.Expected}";

            return
            [
                new BarPanel($"p99 at {rate:0} alerts/s, {operators} operators", "ms", ["p50", "p99"],
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
