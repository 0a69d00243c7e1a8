using System.Globalization;
using Hub.Contracts.V1;

namespace Hub.Server.Statistics;

/// <summary>
/// A period as statistics name it: a year (<c>2012</c>), a half (<c>2012-H1</c>), a quarter
/// (<c>2012-Q1</c>), a month (<c>2012-05</c>) or a day (<c>2012-05-17</c>), in UTC.
/// <see cref="End"/> is the instant after the period.
/// </summary>
public sealed record Period(string Label, DateTime Start, DateTime End)
{
    /// <summary>Years statistics accept: alerts are not seized before 1990, returns start no earlier.</summary>
    public const int FirstYear = 1990;
    public const int LastYear = 2200;

    public bool Contains(DateTime utc) => utc >= Start && utc < End;

    /// <summary>The period's length, from its label's shape.</summary>
    public PeriodGranularity Granularity => Label.Length switch
    {
        4 => PeriodGranularity.Year,
        10 => PeriodGranularity.Day,
        _ => Label[5] switch { 'H' => PeriodGranularity.Half, 'Q' => PeriodGranularity.Quarter, _ => PeriodGranularity.Month },
    };

    /// <summary>Whether the period has ended by <paramref name="nowUtc"/>.</summary>
    public bool EndedBy(DateTime nowUtc) => End <= nowUtc;

    /// <summary>The same period a year earlier (2012-Q1 → 2011-Q1).</summary>
    public Period YearEarlier()
    {
        var year = Start.Year - 1;
        var rest = Label[4..];
        return Parse(year.ToString("D4", CultureInfo.InvariantCulture) + rest)
            ?? throw new InvalidOperationException($"no period a year before {Label}");
    }

    /// <summary>Reads a label; null when it is not one (the caller names the field in its error).</summary>
    public static Period? Parse(string? text)
    {
        var s = (text ?? "").Trim().ToUpperInvariant();
        if (s.Length < 4 || !int.TryParse(s.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || year < FirstYear || year > LastYear)
        {
            return null;
        }
        var yearStart = new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        if (s.Length == 4)
        {
            return new Period(s, yearStart, yearStart.AddYears(1));
        }
        if (s.Length == 7 && s[4] == '-' && s[5] == 'H' && s[6] is '1' or '2')
        {
            var start = yearStart.AddMonths((s[6] - '1') * 6);
            return new Period(s, start, start.AddMonths(6));
        }
        if (s.Length == 7 && s[4] == '-' && s[5] == 'Q' && s[6] is >= '1' and <= '4')
        {
            var start = yearStart.AddMonths((s[6] - '1') * 3);
            return new Period(s, start, start.AddMonths(3));
        }
        if (s.Length == 7 && s[4] == '-' && int.TryParse(s.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month) && month is >= 1 and <= 12)
        {
            var start = yearStart.AddMonths(month - 1);
            return new Period(s, start, start.AddMonths(1));
        }
        if (s.Length == 10 && DateTime.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var day))
        {
            return new Period(s, day, day.AddDays(1));
        }
        return null;
    }

    /// <summary>The period of <paramref name="granularity"/> that holds <paramref name="utc"/>.</summary>
    public static Period Holding(DateTime utc, PeriodGranularity granularity)
    {
        var inv = CultureInfo.InvariantCulture;
        return granularity switch
        {
            PeriodGranularity.Day => Parse(utc.ToString("yyyy-MM-dd", inv))!,
            PeriodGranularity.Month => Parse(utc.ToString("yyyy-MM", inv))!,
            PeriodGranularity.Quarter => Parse($"{utc.Year:D4}-Q{(utc.Month - 1) / 3 + 1}")!,
            PeriodGranularity.Half => Parse($"{utc.Year:D4}-H{(utc.Month - 1) / 6 + 1}")!,
            _ => Parse(utc.Year.ToString("D4", inv))!,
        };
    }

    /// <summary>The periods of <paramref name="granularity"/> from the one holding <paramref name="start"/> to the one before <paramref name="end"/>.</summary>
    public static IReadOnlyList<Period> Between(DateTime start, DateTime end, PeriodGranularity granularity)
    {
        var periods = new List<Period>();
        for (var p = Holding(start, granularity); p.Start < end; p = Holding(p.End, granularity))
        {
            periods.Add(p);
        }
        return periods;
    }
}
