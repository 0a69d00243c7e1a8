using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hub.Load.Infra;
using Hub.Load.Load;

namespace Hub.Load.Report;

/// <summary>Everything one run measured: written as JSON, drawn as PNG, summed up on stdout.</summary>
internal sealed class RunReport
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public RunReport(string scenario, IReadOnlyDictionary<string, object> settings)
    {
        Scenario = scenario;
        Settings = settings;
    }

    public string Scenario { get; }
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;
    public double Seconds { get; set; }
    public MachineInfo Machine { get; } = MachineInfo.Now();
    public string LoadAverageAtEnd { get; set; } = "";
    public IReadOnlyDictionary<string, object> Settings { get; }
    public List<PhaseRecord> Phases { get; } = [];
    public List<Comparison> Comparisons { get; } = [];
    public Dictionary<string, object> Figures { get; } = [];
    public List<TimeSeries> TimeSeries { get; } = [];
    public List<string> Notes { get; } = [];

    public PhaseRecord Add(string target, PhaseStats stats, CpuUse? cpu = null, IReadOnlyDictionary<string, object>? extra = null)
    {
        var record = new PhaseRecord(target, stats, cpu, extra);
        Phases.Add(record);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {target,-9} {stats.Name,-34} {stats.Throughput,10:0.0}/s  ok {stats.Ok,7} err {stats.Failed,5}  p50 {stats.Latency.P50Ms,8:0.00} ms  p99 {stats.Latency.P99Ms,8:0.00} ms  p99.9 {stats.Latency.P999Ms,8:0.00} ms{CpuText(cpu)}"));
        foreach (var (error, count) in stats.Errors)
        {
            Console.WriteLine($"            {count} x {error}");
        }
        return record;
    }

    public static string CpuText(CpuUse? cpu) => cpu is null ? "" : string.Create(CultureInfo.InvariantCulture,
        $"  cores: server {cpu.Server:0.00} tool {cpu.LoadTool:0.00} other {cpu.Other:0.00}");

    public Comparison Compare(string metric, string unit, double hub, double baseline, Goal goal)
    {
        var ratio = baseline == 0 || double.IsNaN(baseline) ? double.NaN : hub / baseline;
        var comparison = new Comparison(metric, unit, Math.Round(hub, 3), Math.Round(baseline, 3), Math.Round(ratio, 3), goal.Text, goal.Check(ratio));
        Comparisons.Add(comparison);
        return comparison;
    }

    public void Note(string note)
    {
        Notes.Add(note);
        Console.WriteLine("  note: " + note);
    }

    public void PrintSummary()
    {
        Console.WriteLine();
        Console.WriteLine($"== {Scenario}: results ({Seconds:0} s) ==");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"metric",-58} {"hub",12} {"baseline",12} {"ratio",7}  {"goal",-18} verdict"));
        foreach (var c in Comparisons)
        {
            var verdict = c.Pass switch { true => "PASS", false => "MISS", null => "-" };
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Metric + " (" + c.Unit + ")",-58} {c.Hub,12:0.###} {c.Baseline,12:0.###} {Ratio(c.Ratio),7}  {c.Goal,-18} {verdict}"));
        }
        foreach (var (key, value) in Figures)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {key}: {value}"));
        }
    }

    private static string Ratio(double r) => double.IsNaN(r) ? "n/a" : r < 0.1 ? r.ToString("0.0000", CultureInfo.InvariantCulture) : r.ToString("0.00", CultureInfo.InvariantCulture);

    public string WriteJson(string path)
    {
        File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
        return path;
    }
}

internal sealed record PhaseRecord(string Target, PhaseStats Stats, CpuUse? Cpu, IReadOnlyDictionary<string, object>? Extra);

/// <summary>Hub against baseline: the ratio is hub ÷ baseline.</summary>
internal sealed record Comparison(string Metric, string Unit, double Hub, double Baseline, double Ratio, string Goal, bool? Pass);

internal sealed record TimeSeries(string Name, string Unit, IReadOnlyList<double> Seconds, IReadOnlyList<double> Values);

/// <summary>A goal on a ratio: at least, at most, or between thresholds.</summary>
internal sealed record Goal(string Text, Func<double, bool?> Check)
{
    public static Goal AtLeast(double threshold) => new(string.Create(CultureInfo.InvariantCulture, $"ratio >= {threshold:0.##}"), r => double.IsNaN(r) ? null : r >= threshold);
    public static Goal AtMost(double threshold) => new(string.Create(CultureInfo.InvariantCulture, $"ratio <= {threshold:0.##}"), r => double.IsNaN(r) ? null : r <= threshold);
    public static Goal Between(double low, double high) => new(string.Create(CultureInfo.InvariantCulture, $"{low:0.##} <= ratio <= {high:0.##}"), r => double.IsNaN(r) ? null : r >= low && r <= high);
    public static readonly Goal None = new("(reported)", _ => null);
}

internal sealed record MachineInfo(int Cores, double MemoryGiB, string Os, string Runtime, string LoadAverageAtStart, string Host)
{
    public static MachineInfo Now()
    {
        double memory = double.NaN;
        try
        {
            var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            memory = Math.Round(double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024 / 1024, 1);
        }
        catch (IOException)
        {
        }
        return new MachineInfo(Environment.ProcessorCount, memory, System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription, Cpu.LoadAverage(), Environment.MachineName);
    }
}
