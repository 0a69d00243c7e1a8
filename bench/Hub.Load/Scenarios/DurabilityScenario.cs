using System.Globalization;
using Hub.Contracts.V1;
using Hub.Load.Data;
using Hub.Load.Infra;
using Hub.Load.Load;
using Hub.Load.Report;

namespace Hub.Load.Scenarios;

/// <summary>
/// 2. Durability cost: alert commits/s (PostAlert answered: the alert, its idempotency key, its
/// outbox row and its audit entry committed in one transaction) against raw Microsoft.Data.Sqlite
/// single-row transactions with the same journal and sync settings, on the same file system,
/// with the same number of concurrent writers. Goal ≥ 0.8. Then both at one fixed rate for
/// commit latency, and an fsync census (strace) of both.
/// </summary>
internal sealed class DurabilityScenario : IScenario
{
    private const double DefaultSeconds = 20;
    private const int DefaultConcurrency = 32;

    public IReadOnlyDictionary<string, object> Settings(Options options) => new Dictionary<string, object>
    {
        ["phaseSeconds"] = options.Seconds ?? DefaultSeconds,
        ["concurrency"] = options.Concurrency ?? DefaultConcurrency,
        ["fixedRate"] = options.Rate?.ToString(CultureInfo.InvariantCulture) ?? "half the hub's commit rate",
        ["fsyncCensus"] = options.Syscalls && SyscallCensus.Available,
    };

    public async Task<IReadOnlyList<Panel>> RunAsync(Options options, RunReport report)
    {
        var phase = options.Phase(DefaultSeconds);
        var concurrency = options.Concurrency ?? DefaultConcurrency;
        var data = Repo.ScratchDirectory("durability");
        var rawDirectory = Path.Combine(data, "raw");
        Directory.CreateDirectory(rawDirectory);
        HubUnderTest? hub = null;
        try
        {
            hub = await HubUnderTest.StartAsync(Path.Combine(data, "hub-capacity"));
            var raw = new RawSqlite(Path.Combine(rawDirectory, "raw.db"));
            report.Figures["raw journal_mode / synchronous"] = $"{raw.JournalMode} / {raw.Synchronous}";
            var alerts = hub.Alerts;
            var db = hub.Database;
            Drive.Call rawInsert = (_, _, ct) => raw.InsertAsync(ct);

            Console.WriteLine("warm-up (3 s each)");
            await Drive.ClosedLoopAsync("warm-up", concurrency, TimeSpan.FromSeconds(3), rawInsert);
            await Drive.ClosedLoopAsync("warm-up", concurrency, TimeSpan.FromSeconds(3), Posts.To(alerts));
            await db.WaitDrainedAsync(TimeSpan.FromSeconds(60));

            Console.WriteLine($"capacity: {concurrency} writers back to back, {phase.TotalSeconds:0} s each");
            var cpu = new CpuWindow(null);
            var rawCapacity = await Drive.ClosedLoopAsync($"commits, {concurrency} writers", concurrency, phase, rawInsert);
            report.Add("baseline", rawCapacity, cpu.Stop());
            var alertsBefore = db.Alerts();
            cpu = new CpuWindow(hub.Node.Process.CpuSeconds);
            var hubCapacity = await Drive.ClosedLoopAsync($"commits, {concurrency} writers", concurrency, phase, Posts.To(alerts));
            report.Add("hub", hubCapacity, cpu.Stop(), new Dictionary<string, object> { ["alertsStored"] = db.Alerts() - alertsBefore });

            // A fresh hub for the fixed-rate phase: the capacity phase's live-feed backlog (an
            // audit entry per pushed event) would otherwise still be writing while it is measured.
            await hub.DisposeAsync();
            hub = await HubUnderTest.StartAsync(Path.Combine(data, "hub-fixed-rate"));
            alerts = hub.Alerts;
            db = hub.Database;
            var rate = Math.Max(1, Math.Round(options.Rate ?? hubCapacity.Throughput / 2));
            await hub.WarmUpAtAsync(rate);
            Console.WriteLine($"fixed rate: {rate:0} commits/s for {phase.TotalSeconds:0} s each (latency from each request's due time)");
            cpu = new CpuWindow(null);
            var rawFixed = await Drive.FixedRateAsync($"fixed {rate:0}/s", rate, phase, rawInsert);
            report.Add("baseline", rawFixed, cpu.Stop());
            cpu = new CpuWindow(hub.Node.Process.CpuSeconds);
            var hubFixed = await Drive.FixedRateAsync($"fixed {rate:0}/s", rate, phase, Posts.To(alerts));
            report.Add("hub", hubFixed, cpu.Stop());
            await db.WaitDrainedAsync(TimeSpan.FromSeconds(60));

            report.Compare("commits/s vs raw single-row transactions", "1/s", hubCapacity.Throughput, rawCapacity.Throughput, Goal.AtLeast(0.8));
            report.Compare($"commit p50 at {rate:0}/s", "ms", hubFixed.Latency.P50Ms, rawFixed.Latency.P50Ms, Goal.None);
            report.Compare($"commit p99 at {rate:0}/s", "ms", hubFixed.Latency.P99Ms, rawFixed.Latency.P99Ms, Goal.None);

            if (options.Syscalls && SyscallCensus.Available)
            {
                // A separate, unmeasured phase: strace slows what it traces.
                var censusRate = Math.Max(1, Math.Round(rate / 2));
                var censusLength = TimeSpan.FromSeconds(5);
                Console.WriteLine($"fsync census: {censusRate:0}/s for {censusLength.TotalSeconds:0} s each under strace");
                var census = await SyscallCensus.AttachAsync(Environment.ProcessId, censusLength + TimeSpan.FromSeconds(2));
                var rawCensus = await Drive.FixedRateAsync("census", censusRate, censusLength, rawInsert);
                var rawResult = await census.ResultAsync();
                var auditBefore = db.AuditEntries();
                census = await SyscallCensus.AttachAsync(hub.Node.Process.Id, censusLength + TimeSpan.FromSeconds(3));
                var hubCensus = await Drive.FixedRateAsync("census", censusRate, censusLength, Posts.To(alerts));
                var hubResult = await census.ResultAsync();
                var audit = db.AuditEntries() - auditBefore;
                report.Figures["fsync+fdatasync per commit: raw / hub"] = $"{CensusResult.Per(rawResult.SyncCalls, rawCensus.Ok)} / {CensusResult.Per(hubResult.SyncCalls, hubCensus.Ok)}";
                report.Figures["ms in fsync per commit: raw / hub"] = $"{CensusResult.Per(rawResult.SyncSeconds * 1000, rawCensus.Ok)} / {CensusResult.Per(hubResult.SyncSeconds * 1000, hubCensus.Ok)}";
                report.Figures["150 ms busy waits (Thread.Sleep(150) on SQLITE_BUSY) per commit: raw / hub"] = $"{CensusResult.Per(rawResult.BusySleeps, rawCensus.Ok)} / {CensusResult.Per(hubResult.BusySleeps, hubCensus.Ok)}";
                report.Figures["audit entries per alert: hub"] = CensusResult.Per(audit, hubCensus.Ok);
                Console.WriteLine($"  raw: {rawResult.SyncCalls} fsyncs ({rawResult.SyncSeconds * 1000:0} ms), {rawResult.BusySleeps} 150-ms busy waits for {rawCensus.Ok} commits; hub: {hubResult.SyncCalls} fsyncs ({hubResult.SyncSeconds * 1000:0} ms), {hubResult.BusySleeps} 150-ms busy waits, {audit} audit entries for {hubCensus.Ok} alerts");
            }
            report.Figures["hub commits >= 150 ms (Microsoft.Data.Sqlite's busy wait) at capacity"] = $"{hubCapacity.Latency.ShareAtOrAbove150Ms:P1}";
            report.Figures["raw commits >= 150 ms at capacity"] = $"{rawCapacity.Latency.ShareAtOrAbove150Ms:P1}";
            report.Figures[$"hub commits >= 150 ms at {rate:0}/s"] = $"{hubFixed.Latency.ShareAtOrAbove150Ms:P1}";

            return
            [
                new BarPanel($"Commits/s ({concurrency} concurrent writers)", "commits/s", ["raw SQLite", "hub"],
                    [new BarSeries("commits/s", [rawCapacity.Throughput, hubCapacity.Throughput])]),
                new PercentilePanel($"Commit latency at {rate:0}/s (CO-corrected)", [("raw SQLite", rawFixed.Latency), ("hub PostAlert", hubFixed.Latency)]),
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
