using System.Globalization;
using Hub.Contracts.V1;

namespace Hub.Server.Statistics;

/// <summary>
/// Checks what returns state in words against their own figures: each stated total against
/// the sum of the return's drug figures in its measure, each stated change against the change
/// computed from the same country's two periods. A statement is judged at the precision it is
/// written with ("28,829 kg" to the kilogram, "-15.2 %" to a tenth), since that is all it claims.
/// </summary>
public static class Consistency
{
    /// <summary>
    /// Every check of <paramref name="returns"/> (one per country and period, as last
    /// submitted), by country, period, check, substance (then measure and base period).
    /// </summary>
    /// <exception cref="ArgumentException">Two returns for the same country and period.</exception>
    public static IReadOnlyList<ConsistencyFinding> Check(IEnumerable<ReturnContent> returns)
    {
        var byPeriod = new Dictionary<(string Country, string Period), ReturnContent>();
        foreach (var r in returns)
        {
            if (!byPeriod.TryAdd((r.Country, Label(r.Period)), r))
            {
                throw new ArgumentException($"two returns of {r.Country} for {r.Period}", nameof(returns));
            }
        }
        var findings = new List<ConsistencyFinding>();
        foreach (var r in byPeriod.Values)
        {
            findings.AddRange(r.StatedTotals.Select(total => TotalFinding(r, total)));
            findings.AddRange(r.StatedChanges.Select(change => ChangeFinding(r, change, byPeriod)));
        }
        return findings
            .OrderBy(f => f.Country, StringComparer.Ordinal)
            .ThenBy(f => f.Period, StringComparer.Ordinal)
            .ThenBy(f => f.Check)
            .ThenBy(f => f.Substance)
            .ThenBy(f => f.Measure)
            .ThenBy(f => f.BasePeriod, StringComparer.Ordinal)
            .ToList();
    }

    private static ConsistencyFinding TotalFinding(ReturnContent r, ReturnFigure total)
    {
        var measure = Measures.Of(total.Unit);
        var finding = new ConsistencyFinding
        {
            Country = r.Country,
            Period = Label(r.Period),
            Check = ConsistencyCheck.StatedTotal,
            Measure = measure,
            Source = r.Source,
        };
        if (total.NotReported || measure == Measure.Unspecified)
        {
            return finding;
        }
        // Compared in the unit the total is written in: "95.15 g" claims a hundredth of a gram.
        var stated = (decimal)total.Quantity;
        var decimals = Decimals(stated);
        var perUnit = (decimal)Measures.Normalize(1, total.Unit);
        finding.Stated = (double)(stated * perUnit);
        finding.StatedText = Written(stated, decimals, total.Unit);
        var drugs = r.Figures.Where(f => Measures.IsDrug(f.Substance) && MeasureOf(f) == measure).ToList();
        if (drugs.Count == 0 || drugs.Any(f => f.NotReported))
        {
            return finding;
        }
        var sum = InMeasure(drugs.Sum(f => Measures.ToAmount(Measures.Normalize(f.Quantity, f.Unit), measure)), measure);
        var computed = Math.Round(sum / perUnit, decimals, MidpointRounding.AwayFromZero);
        finding.Checkable = true;
        finding.Computed = (double)(computed * perUnit);
        finding.ComputedText = Written(computed, decimals, total.Unit);
        finding.Agrees = computed == stated;
        return finding;
    }

    private static ConsistencyFinding ChangeFinding(ReturnContent r, StatedChange change, Dictionary<(string, string), ReturnContent> byPeriod)
    {
        var measure = change.Measure == Measure.Unspecified ? Measure.MassKg : change.Measure;
        var basePeriod = Label(change.BasePeriod);
        var finding = new ConsistencyFinding
        {
            Country = r.Country,
            Period = Label(r.Period),
            BasePeriod = basePeriod,
            Check = ConsistencyCheck.StatedChange,
            Substance = change.Substance,
            Measure = measure,
            StatedText = change.Stated.Trim(),
            Source = change.Words.Length == 0 ? r.Source : $"{r.Source}: \"{change.Words}\"",
        };
        if (StatedChangeText.Parse(change.Stated) is not { } stated)
        {
            return finding;
        }
        finding.Stated = stated.Value;
        finding.StatedText = stated.Text;
        var quantity = Side(r, change.Substance, measure);
        var baseQuantity = byPeriod.TryGetValue((r.Country, basePeriod), out var b) ? Side(b, change.Substance, measure) : null;
        if (quantity is not { } q || baseQuantity is not { } bq || stated.Compute(q, bq) is not { } computed)
        {
            return finding;
        }
        finding.Checkable = true;
        finding.Computed = computed.Value;
        finding.ComputedText = computed.Text;
        finding.Agrees = computed.Number == stated.Number;
        return finding;
    }

    /// <summary>
    /// What one side of a change compares, in the measure's unit: the stated total for all
    /// drugs, else the substance's figures (every detail). Null when the return does not
    /// report it: a figure missing or said not reported is no zero.
    /// </summary>
    private static decimal? Side(ReturnContent r, Substance substance, Measure measure)
    {
        var figures = substance == Substance.Unspecified
            ? r.StatedTotals.Where(t => MeasureOf(t) == measure).ToList()
            : r.Figures.Where(f => f.Substance == substance && MeasureOf(f) == measure).ToList();
        if (figures.Count == 0 || figures.Any(f => f.NotReported))
        {
            return null;
        }
        return InMeasure(figures.Sum(f => Measures.ToAmount(Measures.Normalize(f.Quantity, f.Unit), measure)), measure);
    }

    // From the unit when reported: a return submitted without the hub's normalisation still checks.
    private static Measure MeasureOf(ReturnFigure f) =>
        !f.NotReported ? Measures.Of(f.Unit) : f.Measure == Measure.Unspecified ? Measure.MassKg : f.Measure;

    private static decimal InMeasure(long amount, Measure measure) => (decimal)amount / Measures.Scale(measure);

    private static string Label(string period) => Period.Parse(period)?.Label ?? period;

    /// <summary>The decimals a reported quantity is written with (752.5: one; 28829: none).</summary>
    private static int Decimals(decimal value)
    {
        var text = value.ToString("0.############################", CultureInfo.InvariantCulture);
        var point = text.IndexOf('.', StringComparison.Ordinal);
        return point < 0 ? 0 : text.Length - point - 1;
    }

    private static string Written(decimal value, int decimals, QuantityUnit unit) =>
        value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + " " + ReturnNames.Of(unit);
}
