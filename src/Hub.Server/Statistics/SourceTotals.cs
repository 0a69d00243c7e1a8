using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Statistics;

/// <summary>One group of an answer: the keys it is grouped by ("" or unspecified for the others) and its measure.</summary>
public readonly record struct GroupKey(string Country, Substance Substance, string Period, string Facet, Measure Measure);

/// <summary>A group's sum: the whole number stored (<see cref="Measures.ToAmount"/>), the items added, and whether a return said it has no figure.</summary>
public readonly record struct GroupSum(long Amount, long Items, bool NotReported = false)
{
    public GroupSum Plus(long amount, long items) => this with { Amount = Amount + amount, Items = Items + items };
}

/// <summary>The alerts' totals: cells and the tallies not yet folded into them, as the caller may read them.</summary>
public static class AlertTotals
{
    private sealed record CellSum(string Country, Substance Substance, Measure Measure, string Facet, DateTime Start, long Amount, long Items);

    public static async Task<Dictionary<GroupKey, GroupSum>> SumAsync(HubDbContext db, AccessPolicy policy, StatisticsCells built, Caller caller, TotalsQuery q, CancellationToken ct)
    {
        var generation = built.Require();
        var cut = q.Cut;
        var (start, end, countries, substances, facets) = (q.Start, q.End, q.Countries, q.Substances, q.FacetValues);
        // One snapshot for both reads: a fold that commits between them would count its tallies twice or never.
        await using var transaction = await SeizureCellsBuilder.SnapshotAsync(db, ct);
        var cells = db.Set<SeizureCellRow>().AsNoTracking().Where(policy.Readable<SeizureCellRow>(caller))
            .Where(c => c.Generation == generation && c.Cut == cut && c.PeriodStart >= start && c.PeriodStart < end);
        var tallies = db.Set<SeizureTallyRow>().AsNoTracking().Where(policy.Readable<SeizureTallyRow>(caller))
            .Where(t => t.Day >= start && t.Day < end);
        if (countries.Count > 0)
        {
            cells = cells.Where(c => countries.Contains(c.ReportingCountry));
            tallies = tallies.Where(t => countries.Contains(t.ReportingCountry));
        }
        if (substances.Count > 0)
        {
            cells = cells.Where(c => substances.Contains(c.Substance));
            tallies = tallies.Where(t => substances.Contains(t.Substance));
        }
        if (facets.Count > 0)
        {
            cells = cells.Where(c => facets.Contains(c.Facet));
        }
        var sums = q.ByPeriod
            ? await cells.GroupBy(c => new { c.ReportingCountry, c.Substance, c.Measure, c.Facet, c.PeriodStart })
                .Select(g => new CellSum(g.Key.ReportingCountry, g.Key.Substance, g.Key.Measure, g.Key.Facet, g.Key.PeriodStart, g.Sum(c => c.Amount), g.Sum(c => c.Items)))
                .ToListAsync(ct)
            : await cells.GroupBy(c => new { c.ReportingCountry, c.Substance, c.Measure, c.Facet })
                .Select(g => new CellSum(g.Key.ReportingCountry, g.Key.Substance, g.Key.Measure, g.Key.Facet, start, g.Sum(c => c.Amount), g.Sum(c => c.Items)))
                .ToListAsync(ct);
        foreach (var tally in await tallies.ToListAsync(ct))
        {
            foreach (var key in SeizureTallies.CellsOf(tally).Where(k => k.Cut == cut && (facets.Count == 0 || facets.Contains(k.Facet))))
            {
                sums.Add(new CellSum(key.Country, key.Substance, key.Measure, key.Facet, key.PeriodStart, tally.Amount, tally.Items));
            }
        }
        await transaction.CommitAsync(ct);
        var groups = new Dictionary<GroupKey, GroupSum>();
        foreach (var s in sums)
        {
            var key = new GroupKey(q.ByCountry ? s.Country : "", q.BySubstance || q.MassEquivalent ? s.Substance : Substance.Unspecified,
                q.ByPeriod ? Period.Holding(s.Start, q.Granularity).Label : "", q.ByFacet ? s.Facet : "", s.Measure);
            groups[key] = groups.GetValueOrDefault(key).Plus(s.Amount, s.Items);
        }
        // A correction that took everything out of a group leaves a cell of nothing: not a row.
        return groups.Where(g => g.Value.Items != 0 || g.Value.Amount != 0).ToDictionary();
    }
}

/// <summary>
/// The returns' totals: the returns of the query's period length the caller may read, with
/// "not reported" kept apart from zero — a figure the return marks so, a substance another
/// return of the answer has and this one lacks, a member that sent no return at all.
/// </summary>
public static class ReturnTotals
{
    public static async Task<(Dictionary<GroupKey, GroupSum> Sums, List<ReturnRecord> Returns)> SumAsync(HubDbContext db, AccessPolicy policy,
        AccessDirectory directory, Caller caller, TotalsQuery q, CancellationToken ct)
    {
        var (start, end, granularity, countries) = (q.Start, q.End, q.Granularity, q.Countries);
        var query = db.Set<ReturnRecord>().AsNoTracking().Where(policy.Readable<ReturnRecord>(caller))
            .Where(r => r.Granularity == granularity && r.PeriodStartUtc >= start && r.PeriodStartUtc < end);
        if (countries.Count > 0)
        {
            query = query.Where(r => countries.Contains(r.ReportingCountry));
        }
        var returns = await query.OrderBy(r => r.ReportingCountry).ThenBy(r => r.PeriodStartUtc).ToListAsync(ct);
        var groups = new Dictionary<GroupKey, GroupSum>();
        var figuresOf = returns.ToDictionary(r => r, r => r.Content().Figures.Where(f => q.Substances.Count == 0 || q.Substances.Contains(f.Substance)).ToList());
        var kinds = figuresOf.Values.SelectMany(f => f).Where(f => !f.NotReported).Select(f => (f.Substance, f.Measure)).ToHashSet();
        foreach (var (record, figures) in figuresOf)
        {
            GroupKey KeyOf(Substance substance, Measure measure) => new(q.ByCountry ? record.ReportingCountry : "",
                q.BySubstance || q.MassEquivalent ? substance : Substance.Unspecified, q.ByPeriod ? record.Period : "", "", measure);
            foreach (var figure in figures)
            {
                var key = KeyOf(figure.Substance, figure.Measure);
                groups[key] = figure.NotReported
                    ? groups.GetValueOrDefault(key) with { NotReported = q.ByCountry }
                    : groups.GetValueOrDefault(key).Plus(Measures.ToAmount(figure.NormalizedQuantity, figure.Measure), 1);
            }
            if (q is { ByCountry: true, BySubstance: true })
            {
                foreach (var (substance, measure) in kinds.Where(k => !figures.Any(f => f.Substance == k.Substance && f.Measure == k.Measure)))
                {
                    groups.TryAdd(KeyOf(substance, measure), new GroupSum(0, 0, NotReported: true));
                }
            }
        }
        if (q.ByCountry)
        {
            foreach (var period in Period.Between(start, end, granularity))
            {
                foreach (var missing in MissingCountries(directory, returns, q, period))
                {
                    groups.TryAdd(new GroupKey(missing, Substance.Unspecified, q.ByPeriod ? period.Label : "", "", Measure.MassKg), new GroupSum(0, 0, NotReported: true));
                }
            }
        }
        return (groups, returns);
    }

    /// <summary>The member states (or the countries asked for) with no return the caller may read for the period.</summary>
    public static IEnumerable<string> MissingCountries(AccessDirectory directory, IEnumerable<ReturnRecord> returns, TotalsQuery q, Period period)
    {
        var expected = q.Countries.Count > 0 ? q.Countries : directory.Members;
        var sent = returns.Where(r => r.Period == period.Label).Select(r => r.ReportingCountry).ToHashSet(StringComparer.Ordinal);
        return expected.Where(c => !sent.Contains(c)).Order(StringComparer.Ordinal);
    }
}
