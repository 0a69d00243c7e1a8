using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hub.Server.Deliveries;

/// <summary>
/// A controlled delivery. <see cref="DocumentJson"/> is the operation as the API shows it
/// (proto3 JSON of <c>hub.v1.ControlledDelivery</c>); the columns are what the hub filters,
/// and what its deadline timer reads.
/// </summary>
public sealed class DeliveryRecord : IListedRow
{
    public Guid Id { get; set; }
    public required string InitiatingCountry { get; set; }
    /// <summary>The route, ",TJK,KGZ,KAZ,RUS,": delimited so that the policy's filter finds a country with LIKE.</summary>
    public required string ListedCountries { get; set; }
    public DeliveryState State { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime? HandoverDueAtUtc { get; set; }
    public DateTime? HandoverEscalatedAtUtc { get; set; }
    public DateTime? PositionDueAtUtc { get; set; }
    public DateTime? PositionEscalatedAtUtc { get; set; }
    public required string DocumentJson { get; set; }
    /// <summary>Optimistic concurrency: two countries acting at once never lose an update.</summary>
    public long Version { get; set; }
    /// <summary>Kept by the centre until then; null: the retention period from <see cref="CreatedAtUtc"/>.</summary>
    public DateTime? KeepUntilUtc { get; set; }
    public string KeepReason { get; set; } = "";
    /// <summary>When retention purged its details.</summary>
    public DateTime? PurgedAtUtc { get; set; }
}

/// <summary>The delivery event feed: each step as it was sent (proto3 JSON of <c>hub.v1.DeliveryEvent</c>).</summary>
public sealed class DeliveryEventRecord : FeedEventRow
{
    public Guid DeliveryId { get; set; }
}

internal sealed class DeliveryConfigurations : IEntityTypeConfiguration<DeliveryRecord>, IEntityTypeConfiguration<DeliveryEventRecord>
{
    public void Configure(EntityTypeBuilder<DeliveryRecord> b)
    {
        b.ToTable("Deliveries");
        b.HasKey(d => d.Id);
        b.Property(d => d.InitiatingCountry).HasMaxLength(16);
        b.Property(d => d.ListedCountries).HasColumnName("RouteCountries").HasMaxLength(200);
        b.Property(d => d.State).HasConversion<string>().HasMaxLength(16);
        b.Property(d => d.Version).IsConcurrencyToken();
        b.Property(d => d.KeepReason).HasMaxLength(RecordRevisions.MaxReason);
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
    }
}
