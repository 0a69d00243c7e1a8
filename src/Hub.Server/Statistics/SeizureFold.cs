using System.ComponentModel.DataAnnotations;
using Hub.Server.Alerts;
using Hub.Server.Data;
using Hub.Server.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Statistics;

public sealed class StatisticsOptions
{
    public const string Section = "Hub:Statistics";

    /// <summary>How often tallies are folded into cells. Queries add the unfolded tallies, so this bounds their cost, not their freshness.</summary>
    public TimeSpan FoldInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Tallies folded per commit.</summary>
    [Range(100, 100_000)]
    public int FoldBatch { get; set; } = 5_000;

    /// <summary>
    /// Grams per pill or ampoule of a substance, for <c>mass_equivalent</c>, as
    /// <c>GramsPerUnit:Methamphetamine:Pills = 0.1</c>: only factors a centre documents (none by default).
    /// </summary>
    public Dictionary<string, Dictionary<string, double>> GramsPerUnit { get; set; } = [];

    /// <summary>Where the configured factors come from, quoted in every answer that uses them.</summary>
    public string GramsPerUnitSource { get; set; } = "the hub's configuration";
}

/// <summary>
/// Folds tallies into cells, a batch per commit through the record pipeline (the group
/// commit on SQLite; on SQL Server nodes fold concurrently, and a batch another node folded
/// first is refused by the delete count and rolled back).
/// </summary>
public sealed class SeizureFoldPass(IServiceScopeFactory scopes, RecordPipeline pipeline, StatisticsCells cells, IOptions<StatisticsOptions> options, TimeProvider clock)
    : Messaging.PeriodicPass(clock, options.Value.FoldInterval)
{
    protected override async Task RunPassAsync(CancellationToken ct)
    {
        while (await FoldAsync(ct))
        {
        }
    }

    /// <summary>Folds one batch; false when there was nothing to fold.</summary>
    public async Task<bool> FoldAsync(CancellationToken ct)
    {
        // While the cells are being rebuilt, tallies wait: the rebuild keeps those written after its snapshot.
        if (cells.Generation is not { } generation)
        {
            return false;
        }
        await using (var scope = scopes.CreateAsyncScope())
        {
            // Asked outside the commit: a hub with nothing to fold writes nothing, not even an audit entry.
            if (!await scope.ServiceProvider.GetRequiredService<HubDbContext>().Set<SeizureTallyRow>().AnyAsync(ct))
            {
                return false;
            }
        }
        return (await pipeline.WriteAsync(Access.Caller.System, new FoldChange(options.Value.FoldBatch, generation), ct, Access.Channels.System)).Value;
    }

    private sealed class FoldChange(int batch, int generation) : SystemChange
    {
        public override string Action => "statistics.fold";
        public override string RecordType => "statistics";

        public override Func<Google.Protobuf.WellKnownTypes.BoolValue> Apply(RecordContext context)
        {
            var db = context.Db;
            var tallies = db.Set<SeizureTallyRow>().AsNoTracking().OrderBy(t => t.Id).Take(batch).ToList();
            if (tallies.Count == 0)
            {
                context.Audit(Action, RecordType, null, "nothing left to fold: another node folded it");
                return () => new Google.Protobuf.WellKnownTypes.BoolValue { Value = false };
            }
            var (first, last) = (tallies[0].Id, tallies[^1].Id);
            var deleted = db.Set<SeizureTallyRow>().Where(t => t.Id >= first && t.Id <= last).ExecuteDelete();
            if (deleted != tallies.Count)
            {
                throw new DbUpdateConcurrencyException($"tallies {first}..{last} were folded by another node");
            }
            SeizureCells.Add(db, generation, SeizureCells.Sum(tallies));
            context.Audit(Action, RecordType, null, $"{tallies.Count} tallies folded ({first}..{last})");
            return () => new Google.Protobuf.WellKnownTypes.BoolValue { Value = true };
        }
    }
}

/// <summary>The cells: sums of tallies, adding to them, and building them afresh from the alerts.</summary>
public static class SeizureCells
{
    /// <summary>Bumped whenever what the cells hold changes: a database built under another version is rebuilt at start-up.</summary>
    public const int Version = 3;

    public static Dictionary<CellKey, (long Amount, long Items)> Sum(IEnumerable<SeizureTallyRow> tallies)
    {
        var sums = new Dictionary<CellKey, (long Amount, long Items)>();
        foreach (var tally in tallies)
        {
            foreach (var key in SeizureTallies.CellsOf(tally))
            {
                var (amount, items) = sums.GetValueOrDefault(key);
                sums[key] = (amount + tally.Amount, items + tally.Items);
            }
        }
        return sums;
    }

    /// <summary>Adds sums to the cells they belong to (tracked, saved by the caller's commit); a cell that falls to nothing is removed.</summary>
    public static void Add(HubDbContext db, int generation, Dictionary<CellKey, (long Amount, long Items)> sums)
    {
        foreach (var cut in sums.Keys.GroupBy(k => k.Cut))
        {
            var starts = cut.Select(k => k.PeriodStart).Distinct().ToList();
            var countries = cut.Select(k => k.Country).Distinct().ToList();
            var cutValue = cut.Key;
            var existing = db.Set<SeizureCellRow>()
                .Where(c => c.Generation == generation && c.Cut == cutValue && starts.Contains(c.PeriodStart) && countries.Contains(c.ReportingCountry))
                .ToList().GroupBy(CellKey.Of).ToDictionary(g => g.Key, g => g.First());
            foreach (var key in cut)
            {
                var (amount, items) = sums[key];
                if (amount == 0 && items == 0)
                {
                    continue;
                }
                if (existing.TryGetValue(key, out var cell))
                {
                    cell.Amount += amount;
                    cell.Items += items;
                    if (cell is { Amount: 0, Items: 0 })
                    {
                        db.Remove(cell);
                    }
                }
                else
                {
                    db.Add(NewCell(key, amount, items, generation));
                }
            }
        }
    }

    internal static SeizureCellRow NewCell(CellKey key, long amount, long items, int generation) => new()
    {
        Generation = generation,
        Cut = key.Cut,
        PeriodStart = key.PeriodStart,
        ReportingCountry = key.Country,
        Distribution = key.Distribution,
        AddressedCountries = key.Addressed,
        Substance = key.Substance,
        Measure = key.Measure,
        Facet = key.Facet,
        Amount = amount,
        Items = items,
    };

    /// <summary>What every counted alert adds up to, read from the alerts themselves (the rebuild, and the tests' reference).</summary>
    public static async Task<Dictionary<CellKey, (long Amount, long Items)>> SumOfAlertsAsync(HubDbContext db, CancellationToken ct)
    {
        var sums = new Dictionary<CellKey, (long Amount, long Items)>();
        long after = 0;
        while (true)
        {
            var page = await db.Set<AlertRecord>().AsNoTracking()
                .Where(a => a.Sequence > after && a.WithdrawalCause == Hub.Contracts.V1.WithdrawalCause.Unspecified)
                .OrderBy(a => a.Sequence).Take(5_000).ToListAsync(ct);
            if (page.Count == 0)
            {
                return sums;
            }
            foreach (var (key, value) in Sum(page.SelectMany(SeizureTallies.Counted)))
            {
                var (amount, items) = sums.GetValueOrDefault(key);
                sums[key] = (amount + value.Amount, items + value.Items);
            }
            after = page[^1].Sequence;
        }
    }
}
