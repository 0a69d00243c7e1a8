using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Load.Bare;
using Hub.Load.Data;
using Hub.Load.Infra;
using Hub.Load.Load;
using Hub.Load.Report;

namespace Hub.Load.Scenarios;

/// <summary>
/// 10. Statistics: the yearly country × substance table of alert seizures (GetTotals, source
/// alerts, grouped by country and substance, 2012 to 2012) over 1M stored alerts, as the
/// centre's analyst and as Kazakhstan's liaison officer (the access filter). Alerts are
/// generated straight into the stopped hub's Alerts and AlertItems (2011–2013, seven member
/// states, 1–3 items over the thirteen substances in every unit, a few percent withdrawn);
/// the hub then builds its aggregates from them. Baseline, in the same run on the same file:
/// the bare process answering the same GetTotals with the raw SQL aggregate over the alert
/// rows. One client, one call at a time, rounds of the four calls in rotating order; every
/// answer is checked against the exact table (the seeder's own sums and the raw SQL's whole
/// milligrams): a difference fails the run. Goal: hub p99 ≤ 2 × raw p99, for both callers.
/// </summary>
internal sealed class StatsScenario : IScenario
{
    private const int DefaultSize = 1_000_000;
    private const double DefaultSeconds = 300;
    private const int DefaultRounds = 100;
    private static readonly TimeSpan HubWarmUp = TimeSpan.FromSeconds(20);
    private const int HubWarmUpCalls = 4_000;
    private const int BareWarmUpRounds = 3;
    private const string Analyst = "analyst";
    private static readonly string Liaison = "liaison." + StatsSeeder.Reader.ToLowerInvariant();
    private static readonly string Year = StatsSeeder.TallyYear.ToString(CultureInfo.InvariantCulture);

    public IReadOnlyDictionary<string, object> Settings(Options options) => new Dictionary<string, object>
    {
        ["storedAlerts"] = Size(options),
        ["maxRounds"] = options.Rounds ?? DefaultRounds,
        ["maxSeconds"] = options.Seconds ?? DefaultSeconds,
        ["request"] = $"GetTotals source ALERTS, group_by COUNTRY, SUBSTANCE, granularity YEAR, from {Year} to {Year} (gRPC)",
        ["callers"] = $"{Analyst} (centre staff: everything) and {Liaison} (access-filtered)",
        ["order"] = "one call at a time; rounds of hub analyst, bare analyst, hub liaison, bare liaison, the order rotating each round",
        ["baseline"] = "serve-bare: the same GetTotals answered by SELECT country, substance, measure, SUM(NormalizedQuantity), COUNT(*) FROM AlertItems JOIN Alerts WHERE not withdrawn AND seized in the year [AND the access rule] GROUP BY ... (read-only, the hub's mmap and cache settings)",
    };

    private static int Size(Options options) => options.Sizes is { Count: > 0 } sizes ? sizes[0] : DefaultSize;

    private sealed record Series(string Name, string Target, bool Hub, string? Reader, Statistics.StatisticsClient Client)
    {
        public Latency Latency { get; } = new();
        public double CpuSeconds { get; set; }
        public long Calls { get; set; }
        public Func<double> Cpu { get; init; } = () => 0;
    }

    public async Task<IReadOnlyList<Panel>> RunAsync(Options options, RunReport report)
    {
        var size = Size(options);
        var maxRounds = options.Rounds ?? DefaultRounds;
        var maxTime = options.Phase(DefaultSeconds);
        var data = Repo.ScratchDirectory("stats");
        var hubData = Path.Combine(data, "hub");
        var database = Path.Combine(hubData, "hub.db");
        var extra = options.HubSettings.ToDictionary(p => p.Key.Replace(":", "__", StringComparison.Ordinal), p => p.Value);
        try
        {
            // Start once to create the schema, then stop: the alerts go in while it is down.
            var ports = (Repo.FreePort(), Repo.FreePort());
            var clock = Stopwatch.StartNew();
            await (await ServerNode.StartHubAsync(hubData, extra: extra, ports: ports)).DisposeAsync();
            var firstStart = clock.Elapsed.TotalSeconds;

            clock.Restart();
            var seeder = new StatsSeeder(hubData);
            seeder.Seed(size);
            var seeding = clock.Elapsed.TotalSeconds;
            var megabytes = DatabaseMiB(database);
            Console.WriteLine($"{seeder.Count:N0} alerts, {seeder.Items:N0} items ({seeder.Withdrawn:N0} alerts withdrawn) generated in {seeding:0.0} s; database {megabytes:0} MiB");
            report.Figures["generation"] = string.Create(CultureInfo.InvariantCulture,
                $"{seeder.Count:N0} alerts, {seeder.Items:N0} items, {seeder.Withdrawn:N0} withdrawn, in {seeding:0.0} s; database {megabytes:0} MiB");

            // The hub rebuilds its aggregates (SeizureCells) from the alert rows at start-up when
            // StatisticsState does not say they are built: the first start said so of an empty database.
            StatsRebuild.Invalidate(database);
            clock.Restart();
            await using var hub = await ServerNode.StartHubAsync(hubData, extra: extra, ports: ports, readyTimeout: TimeSpan.FromMinutes(20));
            var ready = clock.Elapsed.TotalSeconds;
            // The hub serves at once and builds the cells in the background: wait until it has switched to them.
            await StatsRebuild.WaitBuiltAsync(database, TimeSpan.FromMinutes(20));
            var started = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"  hub serving {ready:0.0} s after its start; cells built in the background by {started:0.0} s");
            var cells = StatsRebuild.Cells(database);
            Console.WriteLine($"  hub ready {started:0.0} s after its start, aggregates rebuilt from the alerts ({cells}); database now {DatabaseMiB(database):0} MiB");
            report.Figures["hub start with the aggregates' rebuild"] = string.Create(CultureInfo.InvariantCulture,
                $"{started:0.0} s (first start, empty database: {firstStart:0.0} s); {cells}; database then {DatabaseMiB(database):0} MiB");
            await using var bare = await ServerNode.StartBareAsync(statsDatabase: database);

            var analystToken = await Tokens.PersonAsync(hub.Web, Analyst);
            var liaisonToken = await Tokens.PersonAsync(hub.Web, Liaison);
            using var hubAnalystChannel = hub.Channel(analystToken);
            using var hubLiaisonChannel = hub.Channel(liaisonToken);
            using var bareAnalystChannel = bare.Channel(analystToken);
            using var bareLiaisonChannel = bare.Channel(liaisonToken);
            List<Series> series =
            [
                new("hub, analyst", "hub", true, null, new Statistics.StatisticsClient(hubAnalystChannel)) { Cpu = hub.Process.CpuSeconds },
                new("raw SQL, analyst", "baseline", false, null, new Statistics.StatisticsClient(bareAnalystChannel)) { Cpu = bare.Process.CpuSeconds },
                new($"hub, {Liaison}", "hub", true, StatsSeeder.Reader, new Statistics.StatisticsClient(hubLiaisonChannel)) { Cpu = hub.Process.CpuSeconds },
                new($"raw SQL, {Liaison}", "baseline", false, StatsSeeder.Reader, new Statistics.StatisticsClient(bareLiaisonChannel)) { Cpu = bare.Process.CpuSeconds },
            ];

            // The exact tables: the seeder's sums, which the raw SQL's whole milligrams must equal.
            var expected = new Dictionary<string, Dictionary<TotalKey, TotalCell>>();
            using (var connection = RawTotals.Open(database))
            {
                foreach (var (reader, tally) in new[] { ((string?)null, seeder.Centre), (StatsSeeder.Reader, seeder.ReaderTable) })
                {
                    var exact = RawTotals.Query(connection, StatsSeeder.TallyYear, StatsSeeder.TallyYear, reader, exact: true)
                        .ToDictionary(r => new TotalKey(r.Country, r.Substance, r.Measure), r => new TotalCell(r.Amount, r.Items));
                    var differences = TotalsCheck.Differences(exact, tally.Cells);
                    if (differences.Count > 0)
                    {
                        throw new InvalidOperationException($"the raw SQL's exact table ({reader ?? "centre"}) is not the one generated: {string.Join("; ", differences)}");
                    }
                    expected[reader ?? ""] = exact;
                    var items = exact.Values.Sum(c => c.Items);
                    report.Figures[$"table {Year}, {reader ?? "centre"}"] = $"{exact.Count} rows, {items:N0} items";
                    Console.WriteLine($"  table {Year} for {reader ?? "the centre"}: {exact.Count} rows over {items:N0} items (raw SQL = generated)");
                }
                foreach (var (reader, name) in new[] { ((string?)null, "analyst"), (StatsSeeder.Reader, Liaison) })
                {
                    using var statement = RawTotals.Command(connection, StatsSeeder.TallyYear, StatsSeeder.TallyYear, reader, exact: false);
                    var plan = RawTotals.Plan(connection, statement);
                    report.Figures[$"raw SQL plan, {name}"] = string.Join(" | ", plan.Select(l => l.Trim()));
                    Console.WriteLine($"  raw SQL plan ({name}):");
                    foreach (var line in plan)
                    {
                        Console.WriteLine("    " + line);
                    }
                }
            }

            var request = new GetTotalsRequest
            {
                Source = StatisticsSource.Alerts,
                GroupBy = { StatisticsDimension.Country, StatisticsDimension.Substance },
                Granularity = PeriodGranularity.Year,
                From = Year,
                To = Year,
            };
            var deviation = new double[series.Count];
            async Task<long> CallAsync(int s)
            {
                var target = series[s];
                var headers = target.Hub || target.Reader is null ? null : new Metadata { { BareStatistics.ReaderHeader, target.Reader } };
                var cpuBefore = target.Cpu();
                var start = Stopwatch.GetTimestamp();
                var totals = await target.Client.GetTotalsAsync(request, headers);
                var ticks = Stopwatch.GetTimestamp() - start;
                target.CpuSeconds += target.Cpu() - cpuBefore;
                target.Calls++;
                // Every answer is checked, outside the timed call: the aggregates must be exact.
                var check = TotalsCheck.Check(totals, expected[target.Reader ?? ""], exactQuantities: target.Hub);
                if (check.Differences.Count > 0)
                {
                    throw new InvalidOperationException($"{target.Name}: the table differs from the raw SQL's ({check.Differences.Count} differences): {string.Join("; ", check.Differences.Take(10))}");
                }
                deviation[s] = Math.Max(deviation[s], check.MaxRelativeDeviation);
                return ticks;
            }

            // Before anything is timed: each answer once (bare first: a wrong baseline shows before the hub is blamed).
            foreach (var s in new[] { 1, 3, 0, 2 })
            {
                await CallAsync(s);
            }
            Console.WriteLine("  every table agrees with the generated one");

            Console.WriteLine($"  warm-up: hub calls for {HubWarmUp.TotalSeconds:0} s (at most {HubWarmUpCalls}), then {BareWarmUpRounds} raw SQL rounds");
            clock.Restart();
            for (var i = 0; i < HubWarmUpCalls && clock.Elapsed < HubWarmUp; i++)
            {
                await CallAsync(i % 2 == 0 ? 0 : 2);
            }
            for (var i = 0; i < BareWarmUpRounds; i++)
            {
                await CallAsync(1);
                await CallAsync(3);
            }
            foreach (var target in series)
            {
                (target.CpuSeconds, target.Calls) = (0, 0);
            }
            await Task.Delay(TimeSpan.FromSeconds(2));

            Console.WriteLine($"  measured: at most {maxRounds} rounds or {maxTime.TotalSeconds:0} s");
            var window = new CpuWindow(() => hub.Process.CpuSeconds() + bare.Process.CpuSeconds());
            clock.Restart();
            var rounds = 0;
            int[] order = [0, 1, 2, 3];
            while (rounds < maxRounds && clock.Elapsed < maxTime)
            {
                for (var k = 0; k < order.Length; k++)
                {
                    var s = order[(k + rounds) % order.Length];
                    series[s].Latency.Record(0, await CallAsync(s));
                }
                rounds++;
            }
            var seconds = clock.Elapsed.TotalSeconds;
            var cores = window.Stop();
            if (rounds < 100)
            {
                report.Note($"only {rounds} rounds within {maxTime.TotalSeconds:0} s: p99 is the largest or second largest of {rounds} samples");
            }

            var summaries = series.Select(s => s.Latency.Summary()).ToList();
            var cpuMs = series.Select(s => s.Calls == 0 ? double.NaN : Math.Round(s.CpuSeconds * 1000 / s.Calls, 2)).ToList();
            for (var s = 0; s < series.Count; s++)
            {
                report.Add(series[s].Target, new PhaseStats(series[s].Name, "alternating", 0, 1, seconds, seconds, rounds, rounds, 0, 0,
                    Math.Round(rounds / seconds, 2), summaries[s], new Dictionary<string, long>()), cores, new Dictionary<string, object>
                    {
                        ["storedAlerts"] = size,
                        ["cpuMsPerCall"] = cpuMs[s],
                    });
            }
            foreach (var (hubIndex, rawIndex, who) in new[] { (0, 1, "analyst"), (2, 3, Liaison) })
            {
                var (h, r) = (summaries[hubIndex], summaries[rawIndex]);
                report.Compare($"totals p99, {who}, hub vs raw SQL", "ms", h.P99Ms, r.P99Ms, Goal.AtMost(2.0));
                report.Compare($"totals p90, {who}, hub vs raw SQL", "ms", h.P90Ms, r.P90Ms, Goal.None);
                report.Compare($"totals p50, {who}, hub vs raw SQL", "ms", h.P50Ms, r.P50Ms, Goal.None);
                report.Compare($"CPU per call, {who}, hub vs raw SQL", "ms", cpuMs[hubIndex], cpuMs[rawIndex], Goal.None);
                report.Figures[$"{who}: p50/p90/p99 ms hub | raw SQL"] = $"{Ppp(h)} | {Ppp(r)}";
                report.Figures[$"{who}: CPU ms per call hub | raw SQL"] = string.Create(CultureInfo.InvariantCulture, $"{cpuMs[hubIndex]:0.00} | {cpuMs[rawIndex]:0.00}");
            }
            report.Figures["rounds; seconds"] = string.Create(CultureInfo.InvariantCulture, $"{rounds}; {seconds:0.0}");
            report.Figures["cores during the rounds: servers | tool | other"] = string.Create(CultureInfo.InvariantCulture, $"{cores.Server:0.00} | {cores.LoadTool:0.00} | {cores.Other:0.00}");
            report.Figures["largest relative deviation from the exact sums: hub | raw SQL (floating point)"] = string.Create(CultureInfo.InvariantCulture,
                $"{Math.Max(deviation[0], deviation[2]):E1} | {Math.Max(deviation[1], deviation[3]):E1}");
            if (options.Keep)
            {
                // With --set Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command=Information: the hub's SQL, to EXPLAIN.
                await File.WriteAllTextAsync(Path.Combine(data, "hub-output.txt"), hub.Process.Tail());
            }
            report.Figures["every answer equal to the exact table"] = $"yes ({series.Sum(s => s.Calls)} measured answers, each checked)";

            return
            [
                new BarPanel($"Yearly country x substance totals over {Short(size)} alerts", "ms", ["p50", "p90", "p99"],
                    [.. series.Select((s, i) => new BarSeries(s.Name, [summaries[i].P50Ms, summaries[i].P90Ms, summaries[i].P99Ms]))]),
                new PercentilePanel("Latency, one call at a time", [.. series.Select((s, i) => (s.Name, summaries[i]))]),
            ];
        }
        finally
        {
            if (!options.Keep)
            {
                Repo.DeleteQuietly(data);
            }
            else
            {
                Console.WriteLine($"kept {data}");
            }
        }
    }

    private static double DatabaseMiB(string database) =>
        new[] { database, database + "-wal" }.Where(File.Exists).Sum(f => new FileInfo(f).Length) / 1024.0 / 1024;

    private static string Ppp(LatencySummary s) => string.Create(CultureInfo.InvariantCulture, $"{s.P50Ms:0.00}/{s.P90Ms:0.00}/{s.P99Ms:0.00}");

    private static string Short(int n) => n switch
    {
        >= 1_000_000 when n % 1_000_000 == 0 => $"{n / 1_000_000}M",
        >= 1_000 when n % 1_000 == 0 => $"{n / 1_000}k",
        _ => n.ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// The hub builds its statistics aggregates (SeizureCells, by cut) from the alert rows in the
/// background after it starts, when StatisticsState does not hold the current cells version
/// (SeizureCellsBuilder): rows written behind its back are counted once that state is gone.
/// </summary>
internal static class StatsRebuild
{
    public static void Invalidate(string database)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """DELETE FROM "StatisticsState"; PRAGMA wal_checkpoint(TRUNCATE);""";
        command.ExecuteNonQuery();
    }

    /// <summary>Waits until the hub has switched to built cells (the state names a version again).</summary>
    public static async Task WaitBuiltAsync(string database, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using (var connection = RawTotals.Open(database))
            using (var command = connection.CreateCommand())
            {
                command.CommandText = """SELECT COUNT(*) FROM "StatisticsState" WHERE "CellsVersion" > 0""";
                if (Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0)
                {
                    return;
                }
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the hub had not built its statistics cells after {timeout}");
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>How many cells each cut holds, and the tallies not folded yet.</summary>
    public static string Cells(string database)
    {
        using var connection = RawTotals.Open(database);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT 'cut ' || "Cut" || ': ' || COUNT(*) FROM "SeizureCells" GROUP BY "Cut"
            UNION ALL SELECT 'tallies: ' || COUNT(*) FROM "SeizureTallies"
            """;
        var parts = new List<string>();
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            parts.Add(r.GetString(0));
        }
        return "cells by cut (1 day, 2 month, 3 transport, 4 concealment, 5 origin, 6 transit, 7 destination, 8 year) " + string.Join(", ", parts);
    }
}

/// <summary>Compares an answered table with the exact one.</summary>
internal static class TotalsCheck
{
    internal sealed record Result(IReadOnlyList<string> Differences, double MaxRelativeDeviation);

    /// <summary>
    /// Every row of <paramref name="totals"/> against <paramref name="exact"/>: the same groups,
    /// the same item counts, and quantities equal to the exact sums, to the hub's stored unit
    /// (<paramref name="exactQuantities"/>: a milligram, a microlitre, a thousandth of a piece)
    /// or, for a floating-point SQL sum, within a relative 1e-9.
    /// </summary>
    public static Result Check(Totals totals, Dictionary<TotalKey, TotalCell> exact, bool exactQuantities)
    {
        var differences = new List<string>();
        var seen = new HashSet<TotalKey>();
        var worst = 0d;
        foreach (var row in totals.Rows)
        {
            var key = new TotalKey(row.Country, row.Substance, row.Measure);
            if (!seen.Add(key))
            {
                differences.Add($"{key} answered twice");
                continue;
            }
            if (row.NotReported || !string.IsNullOrEmpty(row.Period) || row.Measure == Measure.Unspecified)
            {
                differences.Add($"{key}: unexpected row (not_reported {row.NotReported}, period '{row.Period}')");
            }
            if (!exact.TryGetValue(key, out var cell))
            {
                differences.Add($"{key}: {row.Quantity.ToString("R", CultureInfo.InvariantCulture)} over {row.Items} items, not in the raw table");
                continue;
            }
            var scale = StatsUnits.Scale(key.Measure);
            var wanted = (double)cell.Amount / scale;
            var relative = cell.Amount == 0 ? Math.Abs(row.Quantity) : Math.Abs(row.Quantity - wanted) / Math.Abs(wanted);
            worst = Math.Max(worst, relative);
            var equal = exactQuantities ? Math.Round(row.Quantity * scale, MidpointRounding.AwayFromZero) == cell.Amount : relative <= 1e-9;
            if (!equal || row.Items != cell.Items)
            {
                differences.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{key}: {row.Quantity:R} over {row.Items} items, raw SQL {wanted:R} over {cell.Items}"));
            }
        }
        foreach (var key in exact.Keys.Where(k => !seen.Contains(k)))
        {
            differences.Add($"{key}: missing (raw SQL {(double)exact[key].Amount / StatsUnits.Scale(key.Measure):R} over {exact[key].Items} items)");
        }
        return new Result(differences, worst);
    }

    /// <summary>Two exact tables' differences.</summary>
    public static List<string> Differences(Dictionary<TotalKey, TotalCell> a, Dictionary<TotalKey, TotalCell> b) =>
        [.. a.Keys.Union(b.Keys).Where(k => a.GetValueOrDefault(k) != b.GetValueOrDefault(k)).Take(10)
            .Select(k => $"{k}: {a.GetValueOrDefault(k)} vs {b.GetValueOrDefault(k)}")];
}
