using Hub.Server.Data;
using Hub.Server.ErrorHandling;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Statistics;

/// <summary>
/// Which generation of cells this node's queries read; null while none of the current
/// <see cref="SeizureCells.Version"/> exists (statistics of alerts then answer UNAVAILABLE,
/// everything else serves as usual).
/// </summary>
public sealed class StatisticsCells
{
    private volatile StrongBox? _generation;

    public int? Generation => _generation?.Value;

    internal void Ready(int generation) => _generation = new StrongBox(generation);

    /// <summary>The generation to read, or UNAVAILABLE while the cells are being built.</summary>
    public int Require() => Generation ?? throw HubException.Unavailable(
        "the alert statistics are being rebuilt from the alerts after an upgrade; retry in a few minutes (returns are available)");

    private sealed record StrongBox(int Value);
}

/// <summary>
/// Builds the cells from the alerts when the database holds none of the current version (a
/// new version of the hub, alerts loaded behind its back) — in the background, so the hub
/// serves alerts, cases and deliveries meanwhile. The next generation is written beside the
/// current one from one snapshot of the alerts; one small commit switches to it and drops
/// the tallies the snapshot already counted; the old generation is deleted afterwards.
/// </summary>
public sealed partial class SeizureCellsBuilder(IServiceScopeFactory scopes, StatisticsCells cells, ILogger<SeizureCellsBuilder> logger) : BackgroundService
{
    private const int Chunk = 10_000;

    /// <summary>At start-up, before serving: ready at once when the state is current or there is nothing to count.</summary>
    public static async Task PrepareAsync(HubDbContext db, StatisticsCells cells, CancellationToken ct)
    {
        var state = await db.Set<StatisticsStateRow>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == 1, ct);
        if (state?.CellsVersion == SeizureCells.Version)
        {
            cells.Ready(state.Generation);
        }
        else if (state is null && !await db.Set<Alerts.AlertRecord>().AnyAsync(ct) && !await db.Set<SeizureCellRow>().AnyAsync(ct))
        {
            db.Add(new StatisticsStateRow { Id = 1, CellsVersion = SeizureCells.Version, Generation = 1, BuiltAtUtc = DateTime.UtcNow });
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            cells.Ready(1);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (cells.Generation is null)
        {
            await BuildAsync(stoppingToken);
        }
    }

    /// <summary>Builds the next generation and switches to it (or to another node's, if it switched first).</summary>
    public async Task BuildAsync(CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        LogBuilding();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var state = await db.Set<StatisticsStateRow>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == 1, ct);
        if (state is null)
        {
            db.Add(new StatisticsStateRow { Id = 1 });
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        var (old, next) = (state?.Generation ?? 0, (state?.Generation ?? 0) + 1);
        Dictionary<CellKey, (long Amount, long Items)> sums;
        long counted;
        await using (var snapshot = await SnapshotAsync(db, ct))
        {
            // Tallies up to here are in the alerts the snapshot reads; later ones stay for the queries and the fold.
            counted = await db.Set<SeizureTallyRow>().MaxAsync(t => (long?)t.Id, ct) ?? 0;
            sums = await SeizureCells.SumOfAlertsAsync(db, ct);
            await snapshot.CommitAsync(ct);
        }
        await DeleteGenerationsAsync(db, c => c.Generation == next, ct);
        foreach (var chunk in sums.Where(s => s.Value != default).Chunk(Chunk))
        {
            db.AddRange(chunk.Select(s => SeizureCells.NewCell(s.Key, s.Value.Amount, s.Value.Items, next)));
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        await using (var swap = await db.Database.BeginTransactionAsync(ct))
        {
            var version = SeizureCells.Version;
            var switched = await db.Set<StatisticsStateRow>().Where(s => s.Id == 1 && s.Generation == old && s.CellsVersion != version)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.CellsVersion, version).SetProperty(s => s.Generation, next).SetProperty(s => s.BuiltAtUtc, DateTime.UtcNow), ct);
            if (switched == 1)
            {
                await db.Set<SeizureTallyRow>().Where(t => t.Id <= counted).ExecuteDeleteAsync(ct);
            }
            await swap.CommitAsync(ct);
        }
        var current = await db.Set<StatisticsStateRow>().AsNoTracking().FirstAsync(s => s.Id == 1, ct);
        cells.Ready(current.Generation);
        await DeleteGenerationsAsync(db, c => c.Generation != current.Generation, ct);
        LogBuilt(current.Generation, sums.Count, (DateTime.UtcNow - started).TotalSeconds);
    }

    /// <summary>
    /// A read transaction seeing one state of the database: deferred on SQLite (a WAL snapshot
    /// without the write lock), serializable elsewhere. Statistics queries read through it too.
    /// </summary>
    public static async Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> SnapshotAsync(HubDbContext db, CancellationToken ct)
    {
        if (db.Database.GetDbConnection() is Microsoft.Data.Sqlite.SqliteConnection sqlite)
        {
            await db.Database.OpenConnectionAsync(ct);
            return await db.Database.UseTransactionAsync(sqlite.BeginTransaction(System.Data.IsolationLevel.Serializable, deferred: true), ct)
                ?? throw new InvalidOperationException("EF Core refused the SQLite transaction");
        }
        return await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, ct);
    }

    /// <summary>Deletes cells a chunk per commit, so that the group commit never waits long for the write lock.</summary>
    private static async Task DeleteGenerationsAsync(HubDbContext db, System.Linq.Expressions.Expression<Func<SeizureCellRow, bool>> which, CancellationToken ct)
    {
        while (true)
        {
            var ids = await db.Set<SeizureCellRow>().Where(which).OrderBy(c => c.Id).Select(c => c.Id).Take(Chunk).ToListAsync(ct);
            if (ids.Count == 0)
            {
                return;
            }
            var (first, last) = (ids[0], ids[^1]);
            await db.Set<SeizureCellRow>().Where(which).Where(c => c.Id >= first && c.Id <= last).ExecuteDeleteAsync(ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Statistics: building the cells from the alerts (a new version of the hub); alert statistics answer UNAVAILABLE until done")]
    private partial void LogBuilding();

    [LoggerMessage(Level = LogLevel.Information, Message = "Statistics: cells generation {Generation} built ({Cells} cells) in {Seconds:0.0} s")]
    private partial void LogBuilt(int generation, int cells, double seconds);
}
