using System.Globalization;
using Hub.Contracts.Events;

namespace Hub.Server.Audit;

/// <summary>
/// What a verification found, in words an auditor can act on: consecutive entries with the
/// same fault become one range ("entries 1–5,000: …"), so that a rewritten trail reads as one
/// line, not thousands.
/// </summary>
internal sealed class AuditFindings
{
    private const int MaxLines = 200;
    private readonly Dictionary<string, List<(long From, long To)>> _ranges = new(StringComparer.Ordinal);
    private readonly List<(long Order, string Text)> _lines = [];
    private readonly List<(long From, long To)> _missing = [];

    public List<string> Notes { get; } = [];

    public long? FirstBrokenSequence { get; private set; }

    public bool Any => _ranges.Count > 0 || _lines.Count > 0 || _missing.Count > 0;

    /// <summary>An entry with a fault; entries arrive in sequence order.</summary>
    public void Entry(long sequence, string fault)
    {
        Broken(sequence);
        if (!_ranges.TryGetValue(fault, out var ranges))
        {
            _ranges[fault] = ranges = [];
        }
        if (ranges.Count > 0 && ranges[^1].To == sequence - 1)
        {
            ranges[^1] = (ranges[^1].From, sequence);
        }
        else
        {
            ranges.Add((sequence, sequence));
        }
    }

    public void Missing(long from, long to)
    {
        Broken(from);
        _missing.Add((from, to));
    }

    /// <summary>A fault that is not a run of entries (a checkpoint line, the head); <paramref name="order"/> places it among the others.</summary>
    public void Line(long order, string text, long? brokenSequence = null)
    {
        if (brokenSequence is { } sequence)
        {
            Broken(sequence);
        }
        _lines.Add((order, text));
    }

    private void Broken(long sequence) => FirstBrokenSequence = Math.Min(FirstBrokenSequence ?? long.MaxValue, sequence);

    /// <summary>Every finding in sequence order; missing ranges name the checkpoint that proves them.</summary>
    public List<string> Problems(IReadOnlyList<AuditCheckpoint> checkpointsBySequence)
    {
        var all = new List<(long Order, string Text)>(_lines);
        foreach (var (fault, ranges) in _ranges)
        {
            all.AddRange(ranges.Select(r => (r.From, $"{Entries(r.From, r.To)}: {fault}")));
        }
        foreach (var (from, to) in _missing)
        {
            var proof = checkpointsBySequence.FirstOrDefault(c => c.Sequence >= to);
            all.Add((from, $"{Entries(from, to)} missing{(proof is null ? "" : $" ({Describe(proof)})")}"));
        }
        var ordered = all.OrderBy(l => l.Order).Select(l => l.Text).ToList();
        return ordered.Count <= MaxLines ? ordered : [.. ordered.Take(MaxLines), $"… and {ordered.Count - MaxLines:N0} more"];
    }

    public static string Entries(long from, long to) =>
        from == to ? $"entry {N(from)}" : $"entries {N(from)}–{N(to)}";

    public static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>"checkpoint at 4,320 signed 2026-12-03T09:00:00Z".</summary>
    public static string Describe(AuditCheckpoint checkpoint) =>
        $"checkpoint at {N(checkpoint.Sequence)} signed {When(checkpoint.At)}";

    public static string When(string? at) =>
        DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : at ?? "(no time)";
}
