using Hub.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hub.Server.Messaging;

/// <summary>
/// Which node dispatches the outbox. One dispatcher at a time keeps events in commit order
/// and publishes each once; a node that dies loses the lease when it expires and another
/// takes over. The database is the arbiter: no home-made cluster protocol.
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
        builder.HasData(new OutboxLease { Id = 1, Holder = "", ExpiresAtUtc = DateTime.UnixEpoch });
    }
}

public static class OutboxLeases
{
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);

    /// <summary>Takes or renews the lease in one conditional update; true when this node holds it.</summary>
    public static async Task<bool> TryHoldAsync(HubDbContext db, string node, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var until = nowUtc + Duration;
        var updated = await db.Set<OutboxLease>()
            .Where(l => l.Id == 1 && (l.Holder == node || l.ExpiresAtUtc < nowUtc))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, node).SetProperty(l => l.ExpiresAtUtc, until), cancellationToken);
        return updated == 1;
    }

    /// <summary>Gives the lease up at shutdown so that another node takes over at once.</summary>
    public static Task ReleaseAsync(HubDbContext db, string node, CancellationToken cancellationToken) =>
        db.Set<OutboxLease>()
            .Where(l => l.Id == 1 && l.Holder == node)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAtUtc, DateTime.UnixEpoch), cancellationToken);
}
