using Google.Protobuf.WellKnownTypes;
using Hub.Contracts.V1;

namespace Hub.Server.Statistics;

/// <summary>Group sums made into the answer's rows: mass equivalents, ordering, and the comparison of two periods.</summary>
public static class StatisticsTables
{
    /// <summary>UNODC's data portal counts a litre as a kilogram.</summary>
    public const string LitreSource = "UNODC: 1 l counted as 1 kg";

    /// <summary>
    /// With <c>mass_equivalent</c>: litres as kilograms, pills and ampoules of a substance with a
    /// configured mass per unit as kilograms; the rest stays in its measure. Without it, nothing.
    /// </summary>
    public static (Dictionary<GroupKey, GroupSum> Sums, List<Conversion> Applied) Convert(Dictionary<GroupKey, GroupSum> sums, TotalsQuery q, StatisticsOptions options)
    {
        if (!q.MassEquivalent)
        {
            return (sums, []);
        }
        var applied = new Dictionary<(Substance, Measure), Conversion>();
        var converted = new Dictionary<GroupKey, GroupSum>();
        foreach (var (key, sum) in sums)
        {
            var (target, amount) = (key.Measure, sum.Amount);
            if (key.Measure == Measure.VolumeL)
            {
                // Microlitres at 1 kg/l are milligrams: the stored number does not change.
                target = Measure.MassKg;
                applied.TryAdd((Substance.Unspecified, Measure.VolumeL), new Conversion { From = Measure.VolumeL, KilogramsPerUnit = 1, Source = LitreSource });
            }
            else if (key.Measure is Measure.Pills or Measure.Ampoules && GramsPerUnit(options, key.Substance, key.Measure) is { } grams)
            {
                target = Measure.MassKg;
                // Thousandths of a piece × grams per piece = milligrams.
                amount = (long)Math.Round(sum.Amount * grams, MidpointRounding.AwayFromZero);
                applied.TryAdd((key.Substance, key.Measure), new Conversion { Substance = key.Substance, From = key.Measure, KilogramsPerUnit = grams / 1000, Source = options.GramsPerUnitSource });
            }
            var to = key with { Measure = target, Substance = q.BySubstance ? key.Substance : Substance.Unspecified };
            var prior = converted.GetValueOrDefault(to);
            converted[to] = new GroupSum(prior.Amount + amount, prior.Items + sum.Items, prior.NotReported || sum.NotReported);
        }
        return (converted, [.. applied.Values.OrderBy(c => c.From).ThenBy(c => c.Substance)]);
    }

    private static double? GramsPerUnit(StatisticsOptions options, Substance substance, Measure measure)
    {
        foreach (var (name, perMeasure) in options.GramsPerUnit)
        {
            if (System.Enum.TryParse<Substance>(name, ignoreCase: true, out var s) && s == substance)
            {
                foreach (var (unit, grams) in perMeasure)
                {
                    if (System.Enum.TryParse<Measure>(unit, ignoreCase: true, out var m) && m == measure && grams > 0 && double.IsFinite(grams))
                    {
                        return grams;
                    }
                }
            }
        }
        return null;
    }

    public static IEnumerable<TotalRow> Rows(Dictionary<GroupKey, GroupSum> sums, StatisticsDimension facet) =>
        Ordered(sums.Keys).Select(key =>
        {
            var sum = sums[key];
            var row = new TotalRow
            {
                Country = key.Country,
                Substance = key.Substance,
                Period = key.Period,
                Measure = key.Measure,
                Quantity = sum.NotReported ? 0 : Measures.FromAmount(sum.Amount, key.Measure),
                Items = sum.Items,
                NotReported = sum.NotReported,
            };
            SetFacet(key.Facet, facet, f => row.RouteCountry = f, t => row.TransportMode = t, c => row.Concealment = c);
            return row;
        });

    /// <summary>The two periods' groups side by side (the period key left out of both).</summary>
    public static IEnumerable<ChangeRow> Compare(Dictionary<GroupKey, GroupSum> baseSums, Dictionary<GroupKey, GroupSum> sums, StatisticsDimension facet, bool returns)
    {
        foreach (var key in Ordered(baseSums.Keys.Union(sums.Keys)))
        {
            var (hasBase, hasNow) = (baseSums.TryGetValue(key, out var before), sums.TryGetValue(key, out var now));
            var baseReported = returns ? hasBase && !before.NotReported : true;
            var reported = returns ? hasNow && !now.NotReported : true;
            var row = new ChangeRow
            {
                Country = key.Country,
                Substance = key.Substance,
                Measure = key.Measure,
                BaseQuantity = baseReported ? Measures.FromAmount(before.Amount, key.Measure) : 0,
                Quantity = reported ? Measures.FromAmount(now.Amount, key.Measure) : 0,
                BaseReported = baseReported,
                Reported = reported,
            };
            SetFacet(key.Facet, facet, f => row.RouteCountry = f, t => row.TransportMode = t, c => row.Concealment = c);
            if (!baseReported || !reported)
            {
                row.State = ChangeState.NotReported;
            }
            else if (before.Amount == 0)
            {
                row.State = ChangeState.New;
            }
            else
            {
                row.State = ChangeState.Compared;
                row.Factor = (double)now.Amount / before.Amount;
                row.ChangePercent = (row.Factor - 1) * 100;
            }
            yield return row;
        }
    }

    private static IEnumerable<GroupKey> Ordered(IEnumerable<GroupKey> keys) =>
        keys.OrderBy(k => k.Country, StringComparer.Ordinal).ThenBy(k => k.Substance).ThenBy(k => k.Period, StringComparer.Ordinal)
            .ThenBy(k => k.Facet, StringComparer.Ordinal).ThenBy(k => k.Measure);

    private static void SetFacet(string value, StatisticsDimension facet, Action<string> route, Action<TransportMode> transport, Action<ConcealmentMethod> concealment)
    {
        switch (facet)
        {
            case StatisticsDimension.TransportMode when System.Enum.TryParse<TransportMode>(value, out var t):
                transport(t);
                break;
            case StatisticsDimension.Concealment when System.Enum.TryParse<ConcealmentMethod>(value, out var c):
                concealment(c);
                break;
            case StatisticsDimension.OriginCountry or StatisticsDimension.TransitCountry or StatisticsDimension.DestinationCountry:
                route(value);
                break;
        }
    }

    public static PeriodStatus StatusOf(Period period, DateTime nowUtc, IReadOnlyList<string>? missing = null)
    {
        var status = new PeriodStatus
        {
            Period = period.Label,
            Start = Timestamp.FromDateTime(period.Start),
            End = Timestamp.FromDateTime(period.End),
            Complete = missing is null ? period.EndedBy(nowUtc) : missing.Count == 0,
        };
        status.MissingCountries.Add(missing ?? []);
        return status;
    }
}
