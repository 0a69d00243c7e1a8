using System.Diagnostics;
using System.Globalization;
using Hub.Contracts.V1;
using Hub.Load.Infra;
using Hub.Load.Load;
using Hub.Load.Report;

namespace Hub.Load.Scenarios;

/// <summary>
/// 3. Fan-out: with 100, 500 and 1,000 operators on SignalR WebSockets, deliveries/s and p99
/// delivery latency, against a bare SignalR hub broadcasting the same payload at the same rate
/// to the same number of connections. Goals: deliveries ≥ 0.8 of bare, p99 ≤ 1.5× bare.
/// The hub's delivery latency for the goal is from the post's acknowledgement (the commit) to
/// receipt — the fan-out stage; from the post's due time (end to end) is reported too. The
/// bare hub's is from each message's due time.
/// </summary>
internal sealed class FanOutScenario : IScenario
{
    private const double DefaultSeconds = 15;
    private const double DefaultRate = 10;
    private static readonly int[] DefaultOperators = [100, 500, 1000];

    public IReadOnlyDictionary<string, object> Settings(Options options) => new Dictionary<string, object>
    {
        ["phaseSeconds"] = options.Seconds ?? DefaultSeconds,
        ["alertsPerSecond"] = options.Rate ?? DefaultRate,
        ["operators"] = options.Operators ?? DefaultOperators,
        ["operatorAccount"] = "operator (centre), one token, one WebSocket per connection",
        ["bus"] = "in-memory",
    };

    public async Task<IReadOnlyList<Panel>> RunAsync(Options options, RunReport report)
    {
        var phase = options.Phase(DefaultSeconds);
        var rate = options.Rate ?? DefaultRate;
        var counts = options.Operators ?? DefaultOperators;
        var alertsPerPhase = (int)Math.Round(rate * phase.TotalSeconds);
        var data = Repo.ScratchDirectory("fanout");
        try
        {
            await using var hub = await ServerNode.StartHubAsync(data);
            await using var bare = await ServerNode.StartBareAsync();
            var operatorToken = await Tokens.PersonAsync(hub.Web, "operator");
            var agencyToken = await Tokens.AgencyAsync(hub.Web, "KAZ");
            using var channel = hub.Channel(agencyToken);
            var alerts = new SeizureAlerts.SeizureAlertsClient(channel);
            await using var hubOperators = new Operators(hub.FeedUrl, operatorToken);
            await using var bareOperators = new Operators(bare.FeedUrl, null);

            // Long enough for the JIT's second tier to finish on the push path before the first
            // measured phase (a few dozen alerts left the 100-operator phase on first-tier code).
            Console.WriteLine("warm-up: 10 operators each, 200 alerts at 20/s");
            await hubOperators.GrowToAsync(10);
            await bareOperators.GrowToAsync(10);
            hubOperators.StartLog(4000);
            bareOperators.StartLog(4000);
            await Drive.FixedRateAsync("warm-up", 20, TimeSpan.FromSeconds(10), Posts.To(alerts));
            await BareFeed.BroadcastAsync(bare, 20, 200);
            await BareFeed.WaitSentAsync(bare, 200, TimeSpan.FromSeconds(30));
            await hubOperators.DrainAsync(2000, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(20));
            await bareOperators.DrainAsync(2000, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(20));

            var groups = new List<string>();
            var hubRates = new List<double>();
            var bareRates = new List<double>();
            var hubP99 = new List<double>();
            var hubP99FromPost = new List<double>();
            var bareP99 = new List<double>();
            var latencySeries = new List<(string, LatencySummary)>();
            foreach (var n in counts)
            {
                var hubConnect = await hubOperators.GrowToAsync(n);
                var bareConnect = await bareOperators.GrowToAsync(n);
                Console.WriteLine($"{n} operators (connected in {hubConnect.TotalSeconds:0.0} s to the hub, {bareConnect.TotalSeconds:0.0} s to bare): {rate:0} alerts/s for {phase.TotalSeconds:0} s");
                var capacity = (long)(n * alertsPerPhase * 1.1) + 10_000;

                // Hub: posts at a fixed rate; every operator's deliveries logged.
                hubOperators.StartLog(capacity);
                var posts = new PostLog(alertsPerPhase);
                var cpu = new CpuWindow(hub.Process.CpuSeconds);
                var posting = await Drive.FixedRateAsync($"posts {rate:0}/s, {n} operators", rate, phase, Posts.To(alerts, posts));
                await hubOperators.DrainAsync(posting.Ok * n, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60));
                var hubCpu = cpu.Stop();
                var hubFigures = FanOutFigures.OfHub(hubOperators.Deliveries(), posts, n, phase.TotalSeconds);

                // Bare: the same payload broadcast at the same rate to as many connections.
                bareOperators.StartLog(capacity);
                cpu = new CpuWindow(bare.Process.CpuSeconds);
                var start = await BareFeed.BroadcastAsync(bare, rate, alertsPerPhase);
                await Task.Delay(phase);
                await BareFeed.WaitSentAsync(bare, alertsPerPhase, TimeSpan.FromSeconds(60));
                await bareOperators.DrainAsync((long)alertsPerPhase * n, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60));
                var bareCpu = cpu.Stop();
                var (_, late) = await BareFeed.ProgressAsync(bare);
                var bareFigures = FanOutFigures.OfBare(bareOperators.Deliveries(), start, rate, alertsPerPhase, n, phase.TotalSeconds);

                report.Add("hub", posting, hubCpu, new Dictionary<string, object> { ["operators"] = n, ["feed"] = hubFigures, ["closedConnections"] = hubOperators.Closed });
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  hub : {hubFigures.Delivered}/{hubFigures.Expected} delivered, {hubFigures.DeliveriesPerSecond:0}/s; after commit p50 {hubFigures.FromAck!.P50Ms:0.0} p99 {hubFigures.FromAck.P99Ms:0.0} ms; from post p99 {hubFigures.FromSend.P99Ms:0.0} ms{RunReport.CpuText(hubCpu)}"));
                report.Phases.Add(new PhaseRecord("baseline", new PhaseStats($"broadcast {rate:0}/s, {n} operators", "fixed-rate", rate, 0, phase.TotalSeconds, bareFigures.DeliverySeconds,
                    alertsPerPhase, alertsPerPhase, 0, late, bareFigures.DeliveriesPerSecond, bareFigures.FromSend, new Dictionary<string, long>()), bareCpu,
                    new Dictionary<string, object> { ["operators"] = n, ["feed"] = bareFigures, ["closedConnections"] = bareOperators.Closed }));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  bare: {bareFigures.Delivered}/{bareFigures.Expected} delivered, {bareFigures.DeliveriesPerSecond:0}/s; p50 {bareFigures.FromSend.P50Ms:0.0} p99 {bareFigures.FromSend.P99Ms:0.0} ms{RunReport.CpuText(bareCpu)}"));

                report.Compare($"deliveries/s, {n} operators", "1/s", hubFigures.DeliveriesPerSecond, bareFigures.DeliveriesPerSecond, Goal.AtLeast(0.8));
                report.Compare($"p99 delivery after commit, {n} operators", "ms", hubFigures.FromAck.P99Ms, bareFigures.FromSend.P99Ms, Goal.AtMost(1.5));
                report.Compare($"p99 delivery from post, {n} operators", "ms", hubFigures.FromSend.P99Ms, bareFigures.FromSend.P99Ms, Goal.None);
                groups.Add(n.ToString(CultureInfo.InvariantCulture));
                hubRates.Add(hubFigures.DeliveriesPerSecond);
                bareRates.Add(bareFigures.DeliveriesPerSecond);
                hubP99.Add(hubFigures.FromAck.P99Ms);
                hubP99FromPost.Add(hubFigures.FromSend.P99Ms);
                bareP99.Add(bareFigures.FromSend.P99Ms);
                latencySeries.Add(($"hub {n} (after commit)", hubFigures.FromAck));
                latencySeries.Add(($"bare {n}", bareFigures.FromSend));
            }
            report.Figures["connections closed during the run (hub / bare)"] = $"{hubOperators.Closed} / {bareOperators.Closed}";

            return
            [
                new BarPanel($"Deliveries/s at {rate:0} alerts/s", "deliveries/s", groups, [new BarSeries("bare SignalR", bareRates), new BarSeries("hub", hubRates)]),
                new BarPanel("p99 delivery latency by operators", "ms", groups,
                    [new BarSeries("bare SignalR", bareP99), new BarSeries("hub after commit", hubP99), new BarSeries("hub from post", hubP99FromPost)]),
                new PercentilePanel("Delivery latency (CO-corrected)", latencySeries),
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
}
