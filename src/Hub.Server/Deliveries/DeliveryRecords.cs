using Hub.Contracts.V1;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hub.Server.Deliveries;

/// <summary>
/// A controlled delivery. <see cref="DocumentJson"/> is the operation as the API shows it
/// (proto3 JSON of <c>hub.v1.ControlledDelivery</c>); the columns are what the hub filters,
/// and what its deadline timer reads.
/// </summary>
public sealed class DeliveryRecord
{
    public Guid Id { get; set; }
    public required string InitiatingCountry { get; set; }
    /// <summary>",TJK,KGZ,KAZ,RUS," — delimited so that a country is found with LIKE.</summary>
    public required string RouteCountries { get; set; }
    public DeliveryState State { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime? HandoverDueAtUtc { get; set; }
    public DateTime? HandoverEscalatedAtUtc { get; set; }
    public DateTime? PositionDueAtUtc { get; set; }
    public DateTime? PositionEscalatedAtUtc { get; set; }
    public required string DocumentJson { get; set; }
    /// <summary>Optimistic concurrency: two countries acting at once never lose an update.</summary>
    public long Version { get; set; }
}

/// <summary>The delivery event feed, as stored snapshots (like the case feed).</summary>
public sealed class DeliveryEventRecord
{
    public long Sequence { get; set; }
    public Guid EventId { get; set; }
    public Guid DeliveryId { get; set; }
    public required string Type { get; set; }
    public required string VisibleTo { get; set; }
    public string PayloadJson { get; set; } = "";
    public DateTime AtUtc { get; set; }
}

internal sealed class DeliveryConfigurations : IEntityTypeConfiguration<DeliveryRecord>, IEntityTypeConfiguration<DeliveryEventRecord>
{
    public void Configure(EntityTypeBuilder<DeliveryRecord> b)
    {
        b.ToTable("Deliveries");
        b.HasKey(d => d.Id);
        b.Property(d => d.InitiatingCountry).HasMaxLength(16);
        b.Property(d => d.RouteCountries).HasMaxLength(200);
        b.Property(d => d.State).HasConversion<string>().HasMaxLength(16);
        b.Property(d => d.Version).IsConcurrencyToken();
        b.HasIndex(d => new { d.State, d.HandoverDueAtUtc });
        b.HasIndex(d => new { d.State, d.PositionDueAtUtc });
    }

    public void Configure(EntityTypeBuilder<DeliveryEventRecord> b)
    {
        b.ToTable("DeliveryEvents");
        b.HasKey(e => e.Sequence);
        b.Property(e => e.Sequence).ValueGeneratedOnAdd();
        b.HasIndex(e => e.EventId).IsUnique();
        b.HasIndex(e => new { e.DeliveryId, e.Sequence });
        b.Property(e => e.Type).HasMaxLength(40);
        b.Property(e => e.VisibleTo).HasMaxLength(200);
    }
}
