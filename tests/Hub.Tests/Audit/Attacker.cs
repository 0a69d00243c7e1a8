using Hub.Server.Audit;
using Hub.Server.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Tests.Audit;

/// <summary>
/// Someone with write access to the hub's database — a DBA, an insider with SQL access, a
/// restored backup — but not the hub's keys, doing what was done to the old trail: remove
/// entries and fix the head, or rewrite the chain with the public hash algorithm.
/// </summary>
internal static class Attacker
{
    /// <summary>Deletes every entry after <paramref name="keep"/> and points the head at the one left last.</summary>
    public static Task TruncateAsync(HubFactory hub, long keep) => hub.WithDbAsync(async db =>
    {
        await db.AuditTrail.Where(e => e.Sequence > keep).ExecuteDeleteAsync();
        var last = await db.AuditTrail.AsNoTracking().SingleAsync(e => e.Sequence == keep);
        await db.AuditHeads.Where(h => h.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(h => h.LastSequence, keep).SetProperty(h => h.LastHash, last.Hash));
        return 0;
    });

    /// <summary>Deletes entries and leaves the rest where they are.</summary>
    public static Task DeleteAsync(HubFactory hub, long from, long to) => hub.WithDbAsync(db =>
        db.AuditTrail.Where(e => e.Sequence >= from && e.Sequence <= to).ExecuteDeleteAsync());

    /// <summary>
    /// Removes the entries <paramref name="erase"/> picks, renumbers the rest without gaps and
    /// recomputes every link and hash from the first change on with plain SHA-256 (anyone can:
    /// it needs no key), then fixes the head: a chain consistent in itself, whose entries before
    /// the change are untouched. With <paramref name="asUnkeyed"/> it passes every entry off as
    /// one from before keyed authentication, and so rewrites them all. Returns how many are left.
    /// </summary>
    public static Task<int> RewriteAsync(HubFactory hub, Func<AuditEntry, bool> erase, bool asUnkeyed = false) => hub.WithDbAsync(async db =>
    {
        var kept = (await db.AuditTrail.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync()).Where(e => !erase(e)).ToList();
        var previous = AuditChain.GenesisHash;
        var changed = asUnkeyed;
        for (var i = 0; i < kept.Count; i++)
        {
            var entry = kept[i];
            changed |= entry.Sequence != i + 1;
            if (changed)
            {
                entry.Sequence = i + 1;
                entry.PreviousHash = previous;
                entry.KeyId = asUnkeyed ? null : entry.KeyId;
                entry.Hash = AuditChain.UnkeyedHash(entry);
            }
            previous = entry.Hash;
        }
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.AuditTrail.ExecuteDeleteAsync();
        db.AuditTrail.AddRange(kept);
        await db.SaveChangesAsync();
        await db.AuditHeads.Where(h => h.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(h => h.LastSequence, kept.Count).SetProperty(h => h.LastHash, previous));
        await transaction.CommitAsync();
        return kept.Count;
    });

    public static async Task<long> LastSequenceAsync(HubFactory hub) =>
        await hub.WithDbAsync(db => db.AuditTrail.MaxAsync(e => (long?)e.Sequence)) ?? 0;
}

/// <summary>A hub that writes checkpoints only when asked (no periodic writer), so that tests place them.</summary>
public sealed class OnDemandCheckpointsHub : HubFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.Remove(services.Single(d => d.ImplementationType == typeof(AuditCheckpointWriter))));
    }

    /// <summary>Writes a checkpoint of the trail as it is now.</summary>
    public async Task<Hub.Contracts.Events.AuditCheckpoint> CheckpointAsync() =>
        (await Services.GetRequiredService<AuditCheckpoints>().WriteAsync(unlessAt: null, TestContext.Current.CancellationToken))!;

    /// <summary>Audit entries of its own (as reads and refusals are recorded), committed in order.</summary>
    public Task RecordAsync(IEnumerable<AuditEvent> events) =>
        Services.GetRequiredService<GroupCommit>().AuditAsync([.. events], TestContext.Current.CancellationToken);
}
