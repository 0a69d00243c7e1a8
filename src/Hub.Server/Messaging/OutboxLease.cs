using Hub.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hub.Server.Messaging;

/// <summary>
/// Which node does a job that one node at a time must do: dispatching the outbox (row 1) —
/// one dispatcher keeps events in commit order and publishes each once — and writing the
/// audit checkpoints (row 2). A node that dies loses its lease when it expires and another
/// takes over. The database is the arbiter: no home-made cluster protocol (decisions/0006).
/// </summary>
public sealed class OutboxLease
{
    public int Id { get; set; }
    public string Holder { get; set; } = "";
    public DateTime ExpiresAtUtc { get; set; }
}

internal sealed class OutboxLeaseConfiguration : IEntityTypeConfiguration<OutboxLease>
{
    public void Configure(EntityTypeBuilder<OutboxLease> builder)
    {
        builder.ToTable("OutboxLease");
        builder.HasKey(l => l.Id);
        builder.Property(l => l.Id).ValueGeneratedNever();
        builder.Property(l => l.Holder).HasMaxLength(100);
        builder.HasData(
            new OutboxLease { Id = OutboxLeases.Outbox, Holder = "", ExpiresAtUtc = DateTime.UnixEpoch },
            new OutboxLease { Id = OutboxLeases.AuditCheckpoints, Holder = "", ExpiresAtUtc = DateTime.UnixEpoch });
    }
}

public static class OutboxLeases
{
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);

    /// <summary>The outbox dispatcher's lease.</summary>
    public const int Outbox = 1;

    /// <summary>The audit checkpoint writer's lease (Audit/AuditCheckpointWriter).</summary>
    public const int AuditCheckpoints = 2;

    /// <summary>Takes or renews the outbox lease; true when this node holds it.</summary>
    public static Task<bool> TryHoldAsync(HubDbContext db, string node, DateTime nowUtc, CancellationToken cancellationToken) =>
        TryHoldAsync(db, Outbox, node, nowUtc, cancellationToken);

    /// <summary>Takes or renews a lease in one conditional update; true when this node holds it.</summary>
    public static async Task<bool> TryHoldAsync(HubDbContext db, int lease, string node, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var until = nowUtc + Duration;
        var updated = await db.Set<OutboxLease>()
            .Where(l => l.Id == lease && (l.Holder == node || l.ExpiresAtUtc < nowUtc))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, node).SetProperty(l => l.ExpiresAtUtc, until), cancellationToken);
        return updated == 1;
    }

    /// <summary>Gives the lease up at shutdown so that another node takes over at once.</summary>
    public static Task ReleaseAsync(HubDbContext db, string node, CancellationToken cancellationToken) =>
        ReleaseAsync(db, Outbox, node, cancellationToken);

    /// <summary>Gives a lease up at shutdown.</summary>
    public static Task ReleaseAsync(HubDbContext db, int lease, string node, CancellationToken cancellationToken) =>
        db.Set<OutboxLease>()
            .Where(l => l.Id == lease && l.Holder == node)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAtUtc, DateTime.UnixEpoch), cancellationToken);
}
