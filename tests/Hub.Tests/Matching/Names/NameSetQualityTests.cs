using System.Diagnostics;
using Hub.Server.Matching.Names;

namespace Hub.Tests.Matching;

/// <summary>Precision and recall of the comparison and of the blind keys on name-pairs.csv.</summary>
public sealed class NameSetQualityTests(ITestOutputHelper output)
{
    internal static async Task<List<(string A, string B, bool Same)>> PairsAsync()
    {
        using var reader = new StreamReader(NamePairsFileTests.CommittedPath);
        var pairs = new List<(string, string, bool)>();
        await foreach (var (line, fields) in Csv.ReadAsync(reader))
        {
            if (line > 1)
            {
                pairs.Add((fields[0], fields[1], fields[2] == "true"));
            }
        }
        return pairs;
    }

    internal static (double Precision, double Recall) Measure(IEnumerable<(bool Truth, bool Said)> verdicts)
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

    [Fact]
    public async Task The_comparison_and_the_keys_are_precise_and_find_the_same_people()
    {
        var pairs = await PairsAsync();
        Assert.True(pairs.Count >= 2000, $"{pairs.Count} pairs");
        Assert.True(pairs.Count(p => !p.Same) >= 0.4 * pairs.Count);
        var clock = Stopwatch.StartNew();
        var compared = pairs.Select(p => (p.Same, Said: NameComparison.Compare(p.A, p.B).Same)).ToList();
        var (precision, recall) = Measure(compared);
        var keyed = pairs.Select(p => (p.Same, NameKeys.For(p.A).Intersect(NameKeys.For(p.B), StringComparer.Ordinal).Any())).ToList();
        var (keyPrecision, keyRecall) = Measure(keyed);
        output.WriteLine($"{pairs.Count} pairs ({pairs.Count(p => !p.Same)} negatives) in {clock.ElapsedMilliseconds} ms");
        output.WriteLine($"comparison: precision {precision:0.0000}, recall {recall:0.0000}");
        output.WriteLine($"blind keys: precision {keyPrecision:0.0000}, recall {keyRecall:0.0000}");
        foreach (var (p, v) in pairs.Zip(compared).Where(x => x.First.Same != x.Second.Said).Take(40))
        {
            output.WriteLine($"  wrong: {p.A} | {p.B} | truth {p.Same} score {NameComparison.Compare(p.A, p.B).Score}");
        }
        foreach (var (p, v) in pairs.Zip(keyed).Where(x => x.First.Same != x.Second.Item2).Take(20))
        {
            output.WriteLine($"  key wrong: {p.A} | {p.B} | truth {p.Same} | {string.Join(' ', NameKeys.For(p.A))} ~ {string.Join(' ', NameKeys.For(p.B))}");
        }
        Assert.True(precision >= 0.95 && recall >= 0.95, $"comparison precision {precision:0.0000} recall {recall:0.0000}");
        Assert.True(keyPrecision >= 0.95 && keyRecall >= 0.9, $"keys precision {keyPrecision:0.0000} recall {keyRecall:0.0000}");
    }
}
