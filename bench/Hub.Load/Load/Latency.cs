using System.Diagnostics;
using HdrHistogram;

namespace Hub.Load.Load;

/// <summary>
/// Latency in an HDR histogram, in microseconds (1 µs to 10 min, 3 significant digits),
/// safe to record from many threads. Recorded from the request's intended start time when
/// driven at a fixed rate, so that a stall counts for every request it delayed (coordinated
/// omission corrected).
/// </summary>
internal sealed class Latency
{
    private const long Highest = 600_000_000;
    private readonly LongConcurrentHistogram _histogram = new(1, Highest, 3);
    private static readonly double TicksPerMicrosecond = Stopwatch.Frequency / 1_000_000d;

    public long Count => _histogram.TotalCount;

    /// <summary>Records the time from <paramref name="fromTimestamp"/> to <paramref name="toTimestamp"/> (Stopwatch ticks).</summary>
    public void Record(long fromTimestamp, long toTimestamp) => RecordMicroseconds((long)((toTimestamp - fromTimestamp) / TicksPerMicrosecond));

    public void RecordMicroseconds(long microseconds) => _histogram.RecordValue(Math.Clamp(microseconds, 1, Highest));

    public static double Microseconds(long ticks) => ticks / TicksPerMicrosecond;

    public LatencySummary Summary()
    {
        var h = _histogram.Copy();
        if (h.TotalCount == 0)
        {
            return LatencySummary.Empty;
        }
        var curve = new List<PercentilePoint>();
        foreach (var v in h.Percentiles(5))
        {
            curve.Add(new PercentilePoint(Math.Round(v.Percentile, 4), Ms(v.ValueIteratedTo)));
            if (v.Percentile >= 99.999)
            {
                break;
            }
        }
        return new LatencySummary(
            h.TotalCount,
            Ms(h.GetValueAtPercentile(50)),
            Ms(h.GetValueAtPercentile(90)),
            Ms(h.GetValueAtPercentile(99)),
            Ms(h.GetValueAtPercentile(99.9)),
            Ms(h.GetMaxValue()),
            Math.Round(h.GetMean() / 1000, 3),
            Math.Round(h.RecordedValues().Where(v => v.ValueIteratedTo >= 150_000).Sum(v => v.CountAddedInThisIterationStep) / (double)h.TotalCount, 4),
            curve);

        static double Ms(long microseconds) => Math.Round(microseconds / 1000d, 3);
    }
}

/// <summary>Latency percentiles in milliseconds, and the percentile curve for the chart.</summary>
/// <param name="ShareAtOrAbove150Ms">The share of requests that took 150 ms or more: Microsoft.Data.Sqlite sleeps 150 ms each time it finds the database locked.</param>
internal sealed record LatencySummary(long Count, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs, double MeanMs, double ShareAtOrAbove150Ms, IReadOnlyList<PercentilePoint> Curve)
{
    public static readonly LatencySummary Empty = new(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, []);
}

internal sealed record PercentilePoint(double Percentile, double Ms);
