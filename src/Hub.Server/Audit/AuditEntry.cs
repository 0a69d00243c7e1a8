using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hub.Server.Audit;

/// <summary>
/// One line of the append-only audit trail: who (subject, country, client), when, what,
/// on which record, through which channel, and with what outcome. Each entry carries the
/// MAC of the previous one, so that changing or removing any entry breaks the chain from
/// there on, and its own MAC is keyed with a secret the database does not hold, so that
/// whoever can write the database cannot recompute it (decisions/0016).
/// </summary>
public sealed class AuditEntry
{
    /// <summary>Position in the chain, 1, 2, 3… with no gaps.</summary>
    public long Sequence { get; set; }
    public DateTime AtUtc { get; set; }
    public required string Actor { get; set; }
    public required string ActorCountry { get; set; }
    public string? ClientId { get; set; }
    public required string Channel { get; set; }
    public required string Action { get; set; }
    public required string Outcome { get; set; }
    public string? RecordType { get; set; }
    public string? RecordId { get; set; }
    public string? Detail { get; set; }
    /// <summary>The previous entry's <see cref="Hash"/> (<see cref="AuditChain.GenesisHash"/> for the first).</summary>
    public required string PreviousHash { get; set; }

    /// <summary>
    /// The entry's authenticator, hex: HMAC-SHA256 with the audit key named by
    /// <see cref="KeyId"/> over the entry's canonical content and <see cref="PreviousHash"/>;
    /// plain SHA-256 for entries written before keyed authentication (no key id).
    /// </summary>
    public required string Hash { get; set; }

    /// <summary>Which audit key made <see cref="Hash"/>, so that keys can rotate; null for entries from before keys.</summary>
    public string? KeyId { get; set; }
}

/// <summary>
/// The chain's head: the last sequence and MAC. Every append first updates this single
/// row, which makes concurrent appenders queue up behind each other's transactions on any
/// provider instead of forking the chain.
/// </summary>
public sealed class AuditHead
{
    public int Id { get; set; }
    public long LastSequence { get; set; }
    public required string LastHash { get; set; }
    public long Version { get; set; }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("AuditTrail");
        builder.HasKey(e => e.Sequence);
        builder.Property(e => e.Sequence).ValueGeneratedNever();
        builder.Property(e => e.Actor).HasMaxLength(200);
        builder.Property(e => e.ActorCountry).HasMaxLength(16);
        builder.Property(e => e.ClientId).HasMaxLength(200);
        builder.Property(e => e.Channel).HasMaxLength(32);
        builder.Property(e => e.Action).HasMaxLength(64);
        builder.Property(e => e.Outcome).HasMaxLength(16);
        builder.Property(e => e.RecordType).HasMaxLength(32);
        builder.Property(e => e.RecordId).HasMaxLength(64);
        builder.Property(e => e.PreviousHash).HasMaxLength(64);
        builder.Property(e => e.Hash).HasMaxLength(64);
        builder.Property(e => e.KeyId).HasMaxLength(32);
        builder.HasIndex(e => new { e.RecordType, e.RecordId });
        builder.HasIndex(e => e.AtUtc);
    }
}

internal sealed class AuditHeadConfiguration : IEntityTypeConfiguration<AuditHead>
{
    public void Configure(EntityTypeBuilder<AuditHead> builder)
    {
        builder.ToTable("AuditHead");
        builder.HasKey(h => h.Id);
        builder.Property(h => h.Id).ValueGeneratedNever();
        builder.Property(h => h.LastHash).HasMaxLength(64);
        builder.HasData(new AuditHead { Id = 1, LastSequence = 0, LastHash = AuditChain.GenesisHash, Version = 0 });
    }
}
