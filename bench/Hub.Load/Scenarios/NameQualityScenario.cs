using System.Diagnostics;
using System.Globalization;
using System.Text;
using Hub.Load.Infra;
using Hub.Load.Report;

namespace Hub.Load.Scenarios;

/// <summary>
/// Name matching (issue 15): the built hub's <c>match-names</c> over the committed data set
/// (tests/Hub.Tests/Matching/Names/name-pairs.csv, repeated), its precision and recall, pairs
/// per second and µs per comparison (a run over the header alone subtracted: process start
/// and ICU loading), beside ordinal equality of the same pairs in this process. The command is
/// single-threaded, so its wall time is its CPU time. Bounded: a few seconds.
/// </summary>
internal sealed class NameQualityScenario : IScenario
{
    private const int Repeats = 5;

    public IReadOnlyDictionary<string, object> Settings(Options options) => new Dictionary<string, object>
    {
        ["data"] = "tests/Hub.Tests/Matching/Names/name-pairs.csv",
        ["repeats"] = Repeats,
        ["baseline"] = "string.Equals(a, b, Ordinal) in process",
    };

    public async Task<IReadOnlyList<Panel>> RunAsync(Options options, RunReport report)
    {
        var lines = await File.ReadAllLinesAsync(Path.Combine(Repo.Root, "tests", "Hub.Tests", "Matching", "Names", "name-pairs.csv"));
        var pairs = lines.Skip(1).Select(Split).ToList();
        var input = new StringBuilder("a,b\n");
        for (var r = 0; r < Repeats; r++)
        {
            foreach (var (a, b, _) in pairs)
            {
                input.Append(a).Append(',').Append(b).Append('\n');
            }
        }
        var (emptyMs, _) = await RunServerAsync("a,b\n");
        var (fullMs, output) = await RunServerAsync(input.ToString());
        var said = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(pairs.Count).Select(l => l.EndsWith(",true", StringComparison.Ordinal)).ToList();
        var (precision, recall) = Measure(pairs.Select(p => p.Same).Zip(said));
        var compared = pairs.Count * Repeats;
        var microseconds = (fullMs - emptyMs) * 1000 / compared;

        var clock = Stopwatch.StartNew();
        var equal = new List<bool>(compared);
        for (var r = 0; r < Repeats; r++)
        {
            equal.Clear();
            equal.AddRange(pairs.Select(p => string.Equals(p.A, p.B, StringComparison.Ordinal)));
        }
        var baselineMicroseconds = clock.Elapsed.TotalMilliseconds * 1000 / compared;
        var (basePrecision, baseRecall) = Measure(pairs.Select(p => p.Same).Zip(equal));

        report.Figures["pairs"] = pairs.Count;
        report.Figures["precision"] = Math.Round(precision, 4);
        report.Figures["recall"] = Math.Round(recall, 4);
        report.Figures["pairsPerSecond"] = Math.Round(1e6 / microseconds);
        report.Figures["microsecondsPerComparison"] = Math.Round(microseconds, 2);
        report.Figures["baselinePrecision"] = Math.Round(basePrecision, 4);
        report.Figures["baselineRecall"] = Math.Round(baseRecall, 4);
        report.Figures["baselineMicrosecondsPerComparison"] = Math.Round(baselineMicroseconds, 4);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"names: precision {precision:0.0000} recall {recall:0.0000}, {1e6 / microseconds:0} pairs/s, {microseconds:0.0} µs per comparison; ordinal equality: precision {basePrecision:0.0000} recall {baseRecall:0.0000}, {baselineMicroseconds:0.000} µs"));
        return [];
    }

    private static (string A, string B, bool Same) Split(string line)
    {
        // The generator quotes no field (no name in it has a comma or a quote).
        var parts = line.Split(',');
        return (parts[0], parts[1], parts[2] == "true");
    }

    private static (double Precision, double Recall) Measure(IEnumerable<(bool Truth, bool Said)> verdicts)
    {
        int tp = 0, fp = 0, fn = 0;
        foreach (var (truth, said) in verdicts)
        {
            tp += truth && said ? 1 : 0;
            fp += !truth && said ? 1 : 0;
            fn += truth && !said ? 1 : 0;
        }
        return (tp + fp == 0 ? 0 : (double)tp / (tp + fp), tp + fn == 0 ? 0 : (double)tp / (tp + fn));
    }

    private static async Task<(double Milliseconds, string Output)> RunServerAsync(string input)
    {
        var start = new ProcessStartInfo("dotnet", [Repo.ServerAssembly, "match-names"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var reading = process.StandardOutput.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = await reading;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"match-names exited {process.ExitCode}: {await process.StandardError.ReadToEndAsync()}");
        }
        return (clock.Elapsed.TotalMilliseconds, output);
    }
}
