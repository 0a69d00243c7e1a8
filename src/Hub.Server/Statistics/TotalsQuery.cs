using Hub.Contracts.V1;
using Hub.Server.Validation;

namespace Hub.Server.Statistics;

/// <summary>
/// What a totals or comparison request asks, checked: the time range, the grouping, the
/// filters, and the one facet (origin, transit, destination, transport, concealment) it
/// groups or filters by, if any. Both sources answer it.
/// </summary>
public sealed record TotalsQuery(
    DateTime Start,
    DateTime End,
    PeriodGranularity Granularity,
    bool ByCountry,
    bool BySubstance,
    bool ByPeriod,
    StatisticsDimension Facet,
    bool ByFacet,
    IReadOnlyList<string> Countries,
    IReadOnlyList<Substance> Substances,
    IReadOnlyList<string> FacetValues,
    bool MassEquivalent)
{
    public const int MaxYears = 50;
    public const int MaxGroupBy = 3;

    /// <summary>The cut of cells that answers the query.</summary>
    public SeizureCut Cut => Facet switch
    {
        StatisticsDimension.TransportMode => SeizureCut.Transport,
        StatisticsDimension.Concealment => SeizureCut.Concealment,
        StatisticsDimension.OriginCountry => SeizureCut.Origin,
        StatisticsDimension.TransitCountry => SeizureCut.Transit,
        StatisticsDimension.DestinationCountry => SeizureCut.Destination,
        _ when Granularity == PeriodGranularity.Day || !MonthAligned(Start) || !MonthAligned(End) => SeizureCut.Day,
        _ when (!ByPeriod || Granularity == PeriodGranularity.Year) && Start.Month == 1 && End.Month == 1 => SeizureCut.Year,
        _ => SeizureCut.Month,
    };

    private static bool MonthAligned(DateTime t) => t.Day == 1 && t.TimeOfDay == TimeSpan.Zero;

    /// <summary>The same query over another range, not grouped by period (one side of a comparison).</summary>
    public TotalsQuery Over(Period period) => this with
    {
        Start = period.Start,
        End = period.End,
        Granularity = period.Granularity,
        ByPeriod = false,
    };

    private static readonly StatisticsDimension[] Facets =
    [
        StatisticsDimension.OriginCountry, StatisticsDimension.TransitCountry, StatisticsDimension.DestinationCountry,
        StatisticsDimension.TransportMode, StatisticsDimension.Concealment,
    ];

    /// <summary>Reads the parts every statistics request shares; the errors name the request's fields.</summary>
    public static TotalsQuery Read(StatisticsSource source, IList<StatisticsDimension> groupBy, Period? from, Period? to, PeriodGranularity granularity,
        IList<string> countries, IList<Substance> substances, IList<TransportMode> transports, IList<ConcealmentMethod> concealments,
        IList<string> origins, IList<string> transits, IList<string> destinations, bool massEquivalent, FieldErrors errors, bool periodAllowed = true)
    {
        if (!Enum.IsDefined(source))
        {
            errors.Add("source", $"unknown source {(int)source}");
        }
        var returns = source == StatisticsSource.Returns;
        if (groupBy.Count > MaxGroupBy)
        {
            errors.Add("group_by", $"at most {MaxGroupBy} dimensions");
        }
        for (var i = 0; i < groupBy.Count; i++)
        {
            var d = groupBy[i];
            if (d == StatisticsDimension.Unspecified || !Enum.IsDefined(d))
            {
                errors.Add($"group_by[{i}]", d == StatisticsDimension.Unspecified ? "a dimension is required" : $"unknown dimension {(int)d}");
            }
            else if (groupBy.Take(i).Contains(d))
            {
                errors.Add($"group_by[{i}]", "named twice");
            }
            else if (d == StatisticsDimension.Period && !periodAllowed)
            {
                errors.Add($"group_by[{i}]", "a comparison is of two periods: it cannot group by period");
            }
            else if (returns && Facets.Contains(d))
            {
                errors.Add($"group_by[{i}]", "returns group by country, substance and period only");
            }
        }
        if (!Enum.IsDefined(granularity))
        {
            errors.Add("granularity", $"unknown granularity {(int)granularity}");
        }
        var filters = new (StatisticsDimension Dimension, string Field, IReadOnlyList<string> Values)[]
        {
            (StatisticsDimension.OriginCountry, "origin_countries", [.. origins]),
            (StatisticsDimension.TransitCountry, "transit_countries", [.. transits]),
            (StatisticsDimension.DestinationCountry, "destination_countries", [.. destinations]),
            (StatisticsDimension.TransportMode, "transport_modes", [.. transports.Select(t => t.ToString())]),
            (StatisticsDimension.Concealment, "concealments", [.. concealments.Select(c => c.ToString())]),
        };
        foreach (var (_, field, values) in filters.Where(f => f.Values.Count > 0 && returns))
        {
            errors.Add(field, "returns are not filtered by route, transport or concealment");
        }
        CheckCodes(countries, "countries", errors);
        foreach (var (_, field, values) in filters.Take(3))
        {
            CheckCodes([.. values], field, errors);
        }
        if (transits.Count > 1)
        {
            errors.Add("transit_countries", "at most one: a consignment crossing two would count twice");
        }
        for (var i = 0; i < substances.Count; i++)
        {
            if (substances[i] == Substance.Unspecified || !Enum.IsDefined(substances[i]))
            {
                errors.Add($"substances[{i}]", $"unknown substance {(int)substances[i]}");
            }
        }
        for (var i = 0; i < transports.Count; i++)
        {
            if (!Enum.IsDefined(transports[i]))
            {
                errors.Add($"transport_modes[{i}]", $"unknown transport mode {(int)transports[i]}");
            }
        }
        for (var i = 0; i < concealments.Count; i++)
        {
            if (!Enum.IsDefined(concealments[i]))
            {
                errors.Add($"concealments[{i}]", $"unknown concealment {(int)concealments[i]}");
            }
        }
        var facets = groupBy.Where(Facets.Contains).Concat(filters.Where(f => f.Values.Count > 0).Select(f => f.Dimension)).Distinct().ToList();
        if (facets.Count > 1)
        {
            errors.Add("group_by", "one of origin, transit, destination, transport mode and concealment at a time (grouped or filtered)");
        }
        var facet = facets.Count == 1 ? facets[0] : StatisticsDimension.Unspecified;
        var length = granularity == PeriodGranularity.Unspecified ? from?.Granularity ?? PeriodGranularity.Year : granularity;
        if (length == PeriodGranularity.Day && (returns || facet != StatisticsDimension.Unspecified))
        {
            errors.Add("granularity", returns ? "returns have no days" : "days cannot be combined with origin, transit, destination, transport mode or concealment: use months");
        }
        if (from is not null && to is not null)
        {
            if (to.End <= from.Start)
            {
                errors.Add("to", "must not be before from");
            }
            else if (to.End > from.Start.AddYears(MaxYears))
            {
                errors.Add("to", $"at most {MaxYears} years after from");
            }
            else if (facet != StatisticsDimension.Unspecified && (from.Granularity == PeriodGranularity.Day || to.Granularity == PeriodGranularity.Day))
            {
                errors.Add("from", "route, transport and concealment totals are kept by month: give months, quarters or years");
            }
        }
        return new TotalsQuery(from?.Start ?? default, to?.End ?? default, length,
            groupBy.Contains(StatisticsDimension.Country), groupBy.Contains(StatisticsDimension.Substance), groupBy.Contains(StatisticsDimension.Period),
            facet, facet != StatisticsDimension.Unspecified && groupBy.Contains(facet),
            [.. countries], [.. substances], filters.FirstOrDefault(f => f.Dimension == facet).Values ?? [], massEquivalent);
    }

    /// <summary>A required period field.</summary>
    public static Period? ReadPeriod(string value, string field, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "required");
            return null;
        }
        var period = Period.Parse(value);
        if (period is null)
        {
            errors.Add(field, $"'{Alerts.AlertValidator.Truncate(value)}' is not a period: 2012, 2012-H1, 2012-Q1, 2012-05 or 2012-05-17 ({Period.FirstYear} to {Period.LastYear})");
        }
        return period;
    }

    private static void CheckCodes(IList<string> codes, string field, FieldErrors errors)
    {
        for (var i = 0; i < codes.Count; i++)
        {
            var code = codes[i];
            if (code.Length is < 2 or > 16 || !code.All(c => c is >= 'A' and <= 'Z'))
            {
                errors.Add($"{field}[{i}]", "an upper-case country or organisation code (e.g. KAZ)");
            }
        }
    }
}
