using Hub.Contracts.V1;
using Hub.Server.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hub.Server.Matching;

/// <summary>
/// One row of the blind index: a keyed hash of one canonical value of one record. Nothing
/// readable: the value is gone, only equality is left. One row per value per record, so the
/// table grows with identifiers, never with pairs of records (MISP's correlation table).
/// </summary>
public sealed class MatchKeyRow
{
    public long Id { get; set; }
    /// <summary>HMAC-SHA-256 of the canonical value under <see cref="KeyId"/>.</summary>
    public required byte[] Hash { get; set; }
    public required string KeyId { get; set; }
    public MatchKeyKind Kind { get; set; }
    public required string RecordType { get; set; }
    public required string RecordId { get; set; }
    /// <summary>The country that owns the record (its originator).</summary>
    public required string OwnerCountry { get; set; }
}

/// <summary>
/// A match: a record of <see cref="OwnerCountry"/> matched a check or a record of
/// <see cref="AskingCountry"/>. One release decision, the owner's; its id is the reference
/// the asking country holds (random, so references cannot be enumerated).
/// </summary>
public sealed class MatchRecord
{
    public Guid Id { get; set; }
    public MatchOrigin Origin { get; set; }
    public required string AskingCountry { get; set; }
    /// <summary>The asking country's record that matched (origin RECORD); empty for a check.</summary>
    public string AskingRecordType { get; set; } = "";
    public string AskingRecordId { get; set; } = "";
    public required string OwnerCountry { get; set; }
    public required string RecordType { get; set; }
    public required string RecordId { get; set; }
    public MatchKeyKind KeyKind { get; set; }
    public MatchState State { get; set; }
    public string Purpose { get; set; } = "";
    public DateTime FoundAtUtc { get; set; }
    public DateTime? DecidedAtUtc { get; set; }
    public string DecidedBy { get; set; } = "";
    public string DecisionReason { get; set; } = "";
}

/// <summary>
/// An event of the match feed for one side (<see cref="Audience"/>, and <see cref="AlsoTo"/>
/// when both sides hear the same thing): each side's row carries only what that side may know.
/// </summary>
public sealed class MatchEventRow : FeedEventRow
{
    public Guid MatchId { get; set; }
    public required string Audience { get; set; }
    public string AlsoTo { get; set; } = "";
}

internal sealed class MatchConfigurations : IEntityTypeConfiguration<MatchKeyRow>, IEntityTypeConfiguration<MatchRecord>, IEntityTypeConfiguration<MatchEventRow>
{
    public void Configure(EntityTypeBuilder<MatchKeyRow> b)
    {
        b.ToTable("MatchKeys");
        b.HasKey(k => k.Id);
        b.Property(k => k.Hash).HasMaxLength(32);
        b.Property(k => k.KeyId).HasMaxLength(16);
        b.Property(k => k.Kind).HasConversion<string>().HasMaxLength(32);
        b.Property(k => k.RecordType).HasMaxLength(40);
        b.Property(k => k.RecordId).HasMaxLength(64);
        b.Property(k => k.OwnerCountry).HasMaxLength(16);
        b.HasIndex(k => k.Hash);
        b.HasIndex(k => new { k.RecordType, k.RecordId });
        b.HasIndex(k => k.KeyId);
    }

    public void Configure(EntityTypeBuilder<MatchRecord> b)
    {
        b.ToTable("Matches");
        b.HasKey(m => m.Id);
        b.Property(m => m.Origin).HasConversion<string>().HasMaxLength(16);
        b.Property(m => m.AskingCountry).HasMaxLength(16);
        b.Property(m => m.AskingRecordType).HasMaxLength(40);
        b.Property(m => m.AskingRecordId).HasMaxLength(64);
        b.Property(m => m.OwnerCountry).HasMaxLength(16);
        b.Property(m => m.RecordType).HasMaxLength(40);
        b.Property(m => m.RecordId).HasMaxLength(64);
        b.Property(m => m.KeyKind).HasConversion<string>().HasMaxLength(32);
        b.Property(m => m.State).HasConversion<string>().HasMaxLength(16);
        b.Property(m => m.Purpose).HasMaxLength(200);
        b.Property(m => m.DecidedBy).HasMaxLength(200);
        b.Property(m => m.DecisionReason).HasMaxLength(RecordRevisions.MaxReason);
        b.HasIndex(m => new { m.OwnerCountry, m.FoundAtUtc });
        b.HasIndex(m => new { m.AskingCountry, m.FoundAtUtc });
        b.HasIndex(m => new { m.RecordType, m.RecordId, m.AskingCountry });
    }

    public void Configure(EntityTypeBuilder<MatchEventRow> b)
    {
        b.ToTable("MatchEvents");
        b.HasKey(e => e.Sequence);
        b.Property(e => e.Sequence).ValueGeneratedOnAdd();
        b.HasIndex(e => e.EventId).IsUnique();
        b.Property(e => e.Type).HasMaxLength(40);
        b.Property(e => e.Audience).HasMaxLength(16);
        b.Property(e => e.AlsoTo).HasMaxLength(16);
        b.HasIndex(e => new { e.MatchId, e.Sequence });
    }
}
