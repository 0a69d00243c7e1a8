using System.Diagnostics;
using System.Globalization;
using Hub.Load;
using Hub.Load.Bare;
using Hub.Load.Infra;
using Hub.Load.Report;
using Hub.Load.Scenarios;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// The bare baselines run as a second process of this tool, started by the scenarios.
if (args.Length > 0 && args[0] == "serve-bare")
{
    return await BareServer.RunAsync(Arg("--web"), Arg("--grpc"), OptionalArg("--match-db"), OptionalArg("--match-key"), OptionalArg("--stats-db"));
}

Options options;
try
{
    options = Options.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine("""
        usage: dotnet run -c Release --project bench/Hub.Load -- SCENARIO [options]
          scenarios: ingest | durability | fanout | e2e | growth | memory | streams | signin | names | match | stats
          --seconds N     length of each measured phase (each scenario has its default)
          --out DIR       where to write SCENARIO-TIMESTAMP.json and .png (default bench/results)
          --rate R        fixed rate (alerts/s) instead of the scenario's default
          --concurrency C callers in the capacity phases (default 32)
          --operators A,B operator counts for fanout (default 100,500,1000)
          --sizes A,B     stored alerts for growth (default 10k,100k,1m); for streams, one size (default 4000);
                          indexed identifiers for match (default 10k,1m); stored alerts for stats (one size, default 1m)
          --streams N     unread WatchAlerts streams for streams (default 1000)
          --rounds N      at most N measured rounds for stats (default 100; --seconds bounds their time, default 300)
          --set KEY=VALUE hub configuration for the run, e.g. --set Hub:Streams:PerCaller=100 (repeatable)
          --no-syscalls   skip the fsync census (strace) of durability
          --keep          keep the scratch folders (hub data, broker) for a look afterwards
        """);
    return 2;
}

IScenario? scenario = options.Scenario switch
{
    "ingest" => new IngestScenario(),
    "durability" => new DurabilityScenario(),
    "fanout" => new FanOutScenario(),
    "e2e" => new EndToEndScenario(),
    "growth" => new GrowthScenario(),
    "memory" => new MemoryScenario(),
    "streams" => new StreamsScenario(),
    "signin" => new SignInScenario(),
    "names" => new NameQualityScenario(),
    "match" => new MatchScenario(),
    "stats" => new StatsScenario(),
    _ => null,
};
if (scenario is null)
{
    Console.Error.WriteLine($"unknown scenario '{options.Scenario}': ingest | durability | fanout | e2e | growth | memory | streams | signin | names | match | stats");
    return 2;
}

// Whatever ends this run, the processes it started end with it.
using var onInterrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, _ => CleanUp());
using var onTerminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, _ => CleanUp());
AppDomain.CurrentDomain.ProcessExit += (_, _) => ChildProcess.KillAll();
AppDomain.CurrentDomain.UnhandledException += (_, _) => ChildProcess.KillAll();

var output = Path.GetFullPath(options.OutDirectory ?? Path.Combine(Repo.Root, "bench", "results"));
Directory.CreateDirectory(output);
var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
var clock = Stopwatch.StartNew();
Console.WriteLine($"== {options.Scenario} == {Environment.ProcessorCount} cores, load average {Cpu.LoadAverage()}, hub {Repo.ServerAssembly}");
var report = new RunReport(options.Scenario, scenario.Settings(options));
IReadOnlyList<Panel> panels;
try
{
    panels = await scenario.RunAsync(options, report);
}
catch (Exception ex)
{
    Console.Error.WriteLine($"{options.Scenario} failed after {clock.Elapsed.TotalSeconds:0} s: {ex}");
    report.Note("FAILED: " + ex.Message);
    report.Seconds = clock.Elapsed.TotalSeconds;
    report.WriteJson(Path.Combine(output, $"{options.Scenario}-{stamp}.json"));
    return 1;
}
report.Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1);
report.LoadAverageAtEnd = Cpu.LoadAverage();
report.PrintSummary();
var json = report.WriteJson(Path.Combine(output, $"{options.Scenario}-{stamp}.json"));
var png = Path.Combine(output, $"{options.Scenario}-{stamp}.png");
try
{
    Charts.Save(png, options.Scenario, panels);
}
catch (Exception ex) when (ex is TypeInitializationException or DllNotFoundException or InvalidOperationException)
{
    Console.Error.WriteLine("could not draw the PNG (SkiaSharp): " + ex.Message);
    png = "(none)";
}
Console.WriteLine($"wrote {json}");
Console.WriteLine($"wrote {png}");
return 0;

static void CleanUp()
{
    ChildProcess.KillAll();
    LocalBroker.StopAll();
}

string Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return OptionalArg(name) ?? throw new ArgumentException($"{name} is required");
}

string? OptionalArg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
