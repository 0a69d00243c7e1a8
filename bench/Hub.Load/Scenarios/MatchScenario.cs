using System.Diagnostics;
using System.Globalization;
using Hub.Contracts.V1;
using Hub.Load.Data;
using Hub.Load.Infra;
using Hub.Load.Load;
using Hub.Load.Report;

namespace Hub.Load.Scenarios;

/// <summary>
/// 9. Match (issue 15): Matches.Check latency with 10k and 1M identifiers in the blind index
/// (generated straight into the stopped hub's MatchKeys under its matching key), plus a few
/// hundred real alerts posted through the hub (the ~1 % of checks that hit). Baseline, in the
/// same run on the same file: the bare process answering Check with an HMAC and one indexed
/// SELECT, at the same fixed rate. Goal: hub p99 ≤ 2 × bare p99 at 1M. ListMatches (the same
/// sign-in and one durable audit entry, no lookup) is measured beside it to show where the
/// time goes.
/// </summary>
internal sealed class MatchScenario : IScenario
{
    private const double DefaultSeconds = 20;
    private const double DefaultRate = 200;
    private const int RealAlerts = 300;
    private static readonly int[] DefaultSizes = [10_000, 1_000_000];

    public IReadOnlyDictionary<string, object> Settings(Options options) => new Dictionary<string, object>
    {
        ["phaseSeconds"] = options.Seconds ?? DefaultSeconds,
        ["rate"] = options.Rate ?? DefaultRate,
        ["sizes"] = options.Sizes ?? DefaultSizes,
        ["realAlerts"] = RealAlerts,
        ["hitEvery"] = MatchChecks.HitEvery,
        ["checker"] = "agency-kaz, one identifier per check",
        ["baseline"] = "serve-bare: Check = HMAC + SELECT RecordType, RecordId, OwnerCountry FROM MatchKeys WHERE Hash = $h LIMIT 200 (read-only, WAL)",
    };

    public async Task<IReadOnlyList<Panel>> RunAsync(Options options, RunReport report)
    {
        var phase = options.Phase(DefaultSeconds);
        var rate = options.Rate ?? DefaultRate;
        var sizes = (options.Sizes ?? DefaultSizes).Order().ToList();
        var data = Repo.ScratchDirectory("match");
        var hubData = Path.Combine(data, "hub");
        Directory.CreateDirectory(hubData);
        // The key the hub loads, written here so that the seeder hashes with it.
        var keyFile = Path.Combine(hubData, "matching-key.txt");
        await File.WriteAllTextAsync(keyFile, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        var extra = options.HubSettings.ToDictionary(p => p.Key.Replace(":", "__", StringComparison.Ordinal), p => p.Value);
        extra["Hub__Matching__KeyFile"] = keyFile;
        var database = Path.Combine(hubData, "hub.db");
        try
        {
            var ports = (Repo.FreePort(), Repo.FreePort());
            await (await ServerNode.StartHubAsync(hubData, extra: extra, ports: ports)).DisposeAsync();
            var seeder = new MatchSeeder(hubData, MatchSeeder.ReadKey(keyFile));
            report.Figures["matching key id"] = seeder.KeyId;
            List<string> hitPhones = [];
            var results = new List<(int Size, PhaseStats Hub, PhaseStats Bare, PhaseStats List, double HubCpuMs, double BareCpuMs, double ListCpuMs, double HitShare, double BareHitShare)>();
            foreach (var size in sizes)
            {
                var clock = Stopwatch.StartNew();
                seeder.GrowTo(size);
                Console.WriteLine($"{size:N0} identifiers indexed over {seeder.Records:N0} records (generated in {clock.Elapsed.TotalSeconds:0.0} s; database {new FileInfo(database).Length / 1024.0 / 1024:0} MiB)");
                report.Figures[$"generation to {Short(size)}"] = $"{clock.Elapsed.TotalSeconds:0.0} s, {seeder.Records:N0} records";

                await using var hub = await ServerNode.StartHubAsync(hubData, extra: extra, ports: ports);
                if (hitPhones.Count == 0)
                {
                    clock.Restart();
                    hitPhones = await MatchChecks.PostRealAlertsAsync(hub, RealAlerts);
                    Console.WriteLine($"  {RealAlerts} real alerts posted by six countries ({clock.Elapsed.TotalSeconds:0.0} s)");
                }
                await using var bare = await ServerNode.StartBareAsync(database, keyFile);
                var token = await Tokens.AgencyAsync(hub.Web, "KAZ");
                using var hubChannel = hub.Channel(token);
                using var bareChannel = bare.Channel(token);
                var hubClient = new Matches.MatchesClient(hubChannel);
                var bareClient = new Matches.MatchesClient(bareChannel);
                var checks = new MatchChecks(hitPhones);
                await checks.VerifyAsync(hubClient, bareClient, seeder.SamplePhones);
                Drive.Call list = async (_, _, ct) => await hubClient.ListMatchesAsync(new ListMatchesRequest { PageSize = 1 }, cancellationToken: ct);

                Console.WriteLine($"  warm-up; then bare Check, hub Check and hub ListMatches at {rate:0}/s for {phase.TotalSeconds:0} s each");
                // Long enough for the hub's second JIT tier to finish: after 10 s, a profile of the
                // measured phase still found the tiered-compilation worker on 15 % of the hub's CPU.
                await Drive.FixedRateAsync("warm-up", rate, TimeSpan.FromSeconds(5), checks.On(bareClient));
                await Drive.FixedRateAsync("warm-up", rate, TimeSpan.FromSeconds(20), checks.On(hubClient));
                await Drive.FixedRateAsync("warm-up", rate, TimeSpan.FromSeconds(5), list);
                await Task.Delay(TimeSpan.FromSeconds(2));

                var (bareStats, bareCpu, bareHits) = await MeasureAsync(report, "baseline", $"bare Check, {Short(size)}", rate, phase, checks.On(bareClient), bare, checks, size);
                var (hubStats, hubCpu, hubHits) = await MeasureAsync(report, "hub", $"hub Check, {Short(size)}", rate, phase, checks.On(hubClient), hub, checks, size);
                var (listStats, listCpu, _) = await MeasureAsync(report, "hub", $"hub ListMatches, {Short(size)}", rate, phase, list, hub, null, size);
                results.Add((size, hubStats, bareStats, listStats, hubCpu, bareCpu, listCpu, hubHits, bareHits));
            }

            foreach (var r in results)
            {
                var at = Short(r.Size);
                report.Compare($"Check p99 at {at}, hub vs bare lookup", "ms", r.Hub.Latency.P99Ms, r.Bare.Latency.P99Ms, r.Size == sizes[^1] ? Goal.AtMost(2.0) : Goal.None);
                report.Compare($"Check p90 at {at}, hub vs bare lookup", "ms", r.Hub.Latency.P90Ms, r.Bare.Latency.P90Ms, Goal.None);
                report.Compare($"Check p50 at {at}, hub vs bare lookup", "ms", r.Hub.Latency.P50Ms, r.Bare.Latency.P50Ms, Goal.None);
                report.Compare($"Check p99 at {at}, hub vs hub ListMatches", "ms", r.Hub.Latency.P99Ms, r.List.Latency.P99Ms, Goal.None);
                report.Compare($"CPU per Check at {at}, hub vs bare", "ms", r.HubCpuMs, r.BareCpuMs, Goal.None);
                report.Figures[$"at {at}: p50/p90/p99 ms hub Check | bare Check | hub ListMatches"] = string.Create(CultureInfo.InvariantCulture,
                    $"{Ppp(r.Hub)} | {Ppp(r.Bare)} | {Ppp(r.List)}");
                report.Figures[$"at {at}: throughput /s hub | bare | list; CPU ms/op hub | bare | list"] = string.Create(CultureInfo.InvariantCulture,
                    $"{r.Hub.Throughput} | {r.Bare.Throughput} | {r.List.Throughput}; {r.HubCpuMs:0.000} | {r.BareCpuMs:0.000} | {r.ListCpuMs:0.000}");
                report.Figures[$"at {at}: hit share hub | bare"] = string.Create(CultureInfo.InvariantCulture, $"{r.HitShare:P2} | {r.BareHitShare:P2}");
            }
            if (results.Count > 1)
            {
                report.Compare($"hub Check p99, {Short(sizes[^1])} vs {Short(sizes[0])}", "ms", results[^1].Hub.Latency.P99Ms, results[0].Hub.Latency.P99Ms, Goal.None);
                report.Compare($"bare Check p99, {Short(sizes[^1])} vs {Short(sizes[0])}", "ms", results[^1].Bare.Latency.P99Ms, results[0].Bare.Latency.P99Ms, Goal.None);
            }
            var groups = results.Select(r => Short(r.Size)).ToList();
            return
            [
                new BarPanel($"p99 by indexed identifiers ({rate:0} checks/s)", "ms", groups,
                [
                    new BarSeries("bare Check", [.. results.Select(r => r.Bare.Latency.P99Ms)]),
                    new BarSeries("hub Check", [.. results.Select(r => r.Hub.Latency.P99Ms)]),
                    new BarSeries("hub ListMatches", [.. results.Select(r => r.List.Latency.P99Ms)]),
                ]),
                new PercentilePanel($"Latency at {Short(sizes[^1])} (CO-corrected)",
                    [("bare Check", results[^1].Bare.Latency), ("hub Check", results[^1].Hub.Latency), ("hub ListMatches", results[^1].List.Latency)]),
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

    /// <summary>One fixed-rate phase: its stats, the server's CPU milliseconds per successful call, and the share of answers that hit.</summary>
    private static async Task<(PhaseStats Stats, double CpuMsPerOp, double HitShare)> MeasureAsync(
        RunReport report, string target, string name, double rate, TimeSpan phase, Drive.Call call, ServerNode server, MatchChecks? checks, int size)
    {
        checks?.ResetCounts();
        var window = new CpuWindow(server.Process.CpuSeconds);
        var stats = await Drive.FixedRateAsync(name, rate, phase, call);
        var cpu = window.Stop();
        report.Add(target, stats, cpu, new Dictionary<string, object> { ["indexedIdentifiers"] = size });
        var cpuMs = stats.Ok == 0 ? double.NaN : Math.Round(cpu.Server * stats.Seconds * 1000 / stats.Ok, 3);
        var share = checks is null || checks.Answers == 0 ? double.NaN : checks.Hits / (double)checks.Answers;
        if (checks is not null)
        {
            var (hit, miss) = (checks.HitLatency, checks.NoHitLatency);
            report.Figures[$"{name}: hits p50/p99 | no-hits p50/p99 (ms)"] = string.Create(CultureInfo.InvariantCulture,
                $"{hit.P50Ms:0.00}/{hit.P99Ms:0.00} ({hit.Count}) | {miss.P50Ms:0.00}/{miss.P99Ms:0.00} ({miss.Count})");
        }
        return (stats, cpuMs, share);
    }

    private static string Ppp(PhaseStats s) => string.Create(CultureInfo.InvariantCulture, $"{s.Latency.P50Ms:0.00}/{s.Latency.P90Ms:0.00}/{s.Latency.P99Ms:0.00}");

    private static string Short(int n) => n switch
    {
        >= 1_000_000 when n % 1_000_000 == 0 => $"{n / 1_000_000}M",
        >= 1_000 when n % 1_000 == 0 => $"{n / 1_000}k",
        _ => n.ToString(CultureInfo.InvariantCulture),
    };
}
