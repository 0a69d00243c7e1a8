using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Load.Data;
using Hub.Load.Infra;
using Hub.Load.Load;
using Hub.Load.Report;

namespace Hub.Load.Scenarios;

/// <summary>
/// 5. Growth: ListAlerts and WatchAlerts-resume latency with 10k, 100k and 1M stored alerts
/// (generated straight into the hub's tables, a realistic country and substance mix), each at a
/// fixed rate. Queries: the newest page as the centre's operator; Kyrgyzstan's agency system's
/// newest heroin page (the access filter and the items join); Kyrgyzstan's agency system
/// resuming its watch 50 alerts back (time until the last replayed event). Goal: p99 at 1M at
/// most 2× p99 at 10k. The baseline of growth is the hub itself at the smallest size.
/// </summary>
internal sealed class GrowthScenario : IScenario
{
    private const double DefaultSeconds = 10;
    private const double DefaultRate = 30;
    private const int ResumeBack = 50;
    private static readonly int[] DefaultSizes = [10_000, 100_000, 1_000_000];

    public IReadOnlyDictionary<string, object> Settings(Options options) => new Dictionary<string, object>
    {
        ["phaseSeconds"] = options.Seconds ?? DefaultSeconds,
        ["ratePerQuery"] = options.Rate ?? DefaultRate,
        ["sizes"] = options.Sizes ?? DefaultSizes,
        ["queries"] = new[]
        {
            "ListAlerts page_size 50 as operator (newest first)",
            "ListAlerts page_size 50, substance HEROIN, as agency-kgz (access filter + items join)",
            "ListAlerts page_size 50, seized_from/seized_to a 12-hour window in the middle of the stored history, as operator",
            $"WatchAlerts after_sequence = newest - {ResumeBack} as agency-kgz, until the last replayed event",
        },
    };

    private sealed record Query(string Name, Func<long, CancellationToken, Task> Call);

    public async Task<IReadOnlyList<Panel>> RunAsync(Options options, RunReport report)
    {
        var phase = options.Phase(DefaultSeconds);
        var rate = options.Rate ?? DefaultRate;
        var sizes = (options.Sizes ?? DefaultSizes).Order().ToList();
        var data = Repo.ScratchDirectory("growth");
        var hubData = Path.Combine(data, "hub");
        try
        {
            // Start once to create the schema and the directory, then stop: rows go in while it is down.
            var ports = (Repo.FreePort(), Repo.FreePort());
            await (await ServerNode.StartHubAsync(hubData, ports: ports)).DisposeAsync();
            var seeder = new GrowthSeeder(hubData);
            var results = new Dictionary<string, List<LatencySummary>>();
            foreach (var size in sizes)
            {
                var seedClock = Stopwatch.StartNew();
                seeder.GrowTo(size);
                Console.WriteLine($"{size:N0} alerts stored (generated in {seedClock.Elapsed.TotalSeconds:0.0} s; database {new FileInfo(Path.Combine(hubData, "hub.db")).Length / 1024.0 / 1024:0} MiB)");
                report.Figures[$"generation to {size:N0}"] = $"{seedClock.Elapsed.TotalSeconds:0.0} s";

                await using var hub = await ServerNode.StartHubAsync(hubData, ports: ports);
                var operatorToken = await Tokens.PersonAsync(hub.Web, "operator");
                var agencyToken = await Tokens.AgencyAsync(hub.Web, GrowthSeeder.Reader);
                using var operatorChannel = hub.Channel(operatorToken);
                using var agencyChannel = hub.Channel(agencyToken);
                var asOperator = new SeizureAlerts.SeizureAlertsClient(operatorChannel);
                var asAgency = new SeizureAlerts.SeizureAlertsClient(agencyChannel);
                var newest = seeder.Count;
                var expectedReplay = seeder.ReadableAfter(newest - ResumeBack);
                // An analyst's time window with the same few hundred matches at every size, in the middle of
                // the stored history: deeper (in sequence) the more is stored.
                var middle = GrowthSeeder.ReceivedUtcOf(newest / 2);
                var windowFrom = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(middle.AddHours(-6));
                var windowTo = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(middle.AddHours(6));

                var queries = new List<Query>
                {
                    new("ListAlerts newest (operator)", async (_, ct) =>
                    {
                        var page = await asOperator.ListAlertsAsync(new ListAlertsRequest { PageSize = 50 }, cancellationToken: ct);
                        Expect(page.Alerts.Count == 50, "a full first page");
                    }),
                    new("ListAlerts heroin (agency-kgz)", async (_, ct) =>
                    {
                        var page = await asAgency.ListAlertsAsync(new ListAlertsRequest { PageSize = 50, Substance = Substance.Heroin }, cancellationToken: ct);
                        Expect(page.Alerts.Count == 50, "a full first page");
                    }),
                    new("ListAlerts seized in 12 h mid-history (operator)", async (_, ct) =>
                    {
                        var page = await asOperator.ListAlertsAsync(new ListAlertsRequest { PageSize = 50, SeizedFrom = windowFrom, SeizedTo = windowTo }, cancellationToken: ct);
                        Expect(page.Alerts.Count > 0, "alerts seized in that window");
                    }),
                    new($"WatchAlerts resume -{ResumeBack} (agency-kgz)", async (_, ct) =>
                    {
                        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
                        using var call = asAgency.WatchAlerts(new WatchAlertsRequest { AfterSequence = newest - ResumeBack }, cancellationToken: stop.Token);
                        var received = 0;
                        while (received < expectedReplay && await call.ResponseStream.MoveNext(stop.Token))
                        {
                            received++;
                        }
                        Expect(received == expectedReplay, $"{expectedReplay} replayed events");
                        await stop.CancelAsync();
                    }),
                };

                Console.WriteLine($"  warm-up; then each query at {rate:0}/s for {phase.TotalSeconds:0} s");
                foreach (var query in queries)
                {
                    await Drive.FixedRateAsync("warm-up", rate, TimeSpan.FromSeconds(2), (i, _, ct) => query.Call(i, ct));
                }
                foreach (var query in queries)
                {
                    var cpu = new CpuWindow(hub.Process.CpuSeconds);
                    var stats = await Drive.FixedRateAsync($"{query.Name}, {Short(size)}", rate, phase, (i, _, ct) => query.Call(i, ct));
                    report.Add(size == sizes[0] ? "baseline" : "hub", stats, cpu.Stop(), new Dictionary<string, object> { ["storedAlerts"] = size });
                    if (!results.TryGetValue(query.Name, out var list))
                    {
                        results[query.Name] = list = [];
                    }
                    list.Add(stats.Latency);
                }
            }

            foreach (var (name, list) in results)
            {
                report.Compare($"{name} p99, {Short(sizes[^1])} vs {Short(sizes[0])}", "ms", list[^1].P99Ms, list[0].P99Ms, Goal.AtMost(2.0));
                report.Compare($"{name} p50, {Short(sizes[^1])} vs {Short(sizes[0])}", "ms", list[^1].P50Ms, list[0].P50Ms, Goal.None);
            }
            var groups = sizes.Select(Short).ToList();
            return
            [
                new BarPanel($"p99 by stored alerts ({rate:0} queries/s each)", "ms", groups,
                    [.. results.Select(r => new BarSeries(r.Key, [.. r.Value.Select(l => l.P99Ms)]))]),
                new BarPanel("p50 by stored alerts", "ms", groups,
                    [.. results.Select(r => new BarSeries(r.Key, [.. r.Value.Select(l => l.P50Ms)]))]),
                new PercentilePanel($"Latency at {Short(sizes[^1])} (CO-corrected)", [.. results.Select(r => (r.Key, r.Value[^1]))]),
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

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new RpcException(new Status(StatusCode.DataLoss, "expected " + what));
        }
    }

    private static string Short(int n) => n switch
    {
        >= 1_000_000 when n % 1_000_000 == 0 => $"{n / 1_000_000}M",
        >= 1_000 when n % 1_000 == 0 => $"{n / 1_000}k",
        _ => n.ToString(CultureInfo.InvariantCulture),
    };
}
