using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hub.Server.Alerts;

/// <summary>
/// A stored seizure alert. <see cref="ContentJson"/> is the alert exactly as accepted (proto3
/// JSON of <c>SeizureAlertContent</c>, normalised quantities filled in); the other columns
/// are the parts the hub filters, pages and controls access on.
/// </summary>
public sealed class AlertRecord : IFeedRow, IReleasedRow
{
    Guid IFeedRow.EventId => PostedEventId;

    /// <summary>The feed position; the primary key, so the database assigns it in insert order.</summary>
    public long Sequence { get; set; }
    public Guid Id { get; set; }
    /// <summary>The id of the AlertPosted event, so that a replay carries the same id as the live event.</summary>
    public Guid PostedEventId { get; set; }
    public required string ReportingCountry { get; set; }
    public DateTime SeizedAtUtc { get; set; }
    public DateTime ReceivedAtUtc { get; set; }
    public Distribution Distribution { get; set; }
    public HandlingCode HandlingCode { get; set; }
    /// <summary>Comma-separated codes for ADDRESSED distribution, empty otherwise.</summary>
    public string AddressedCountries { get; set; } = "";
    public required string ContentJson { get; set; }
    public List<AlertItemRecord> Items { get; set; } = [];
}

/// <summary>One seized item, kept as a row so that substance filters and statistics run in SQL.</summary>
public sealed class AlertItemRecord
{
    public long Id { get; set; }
    public long AlertSequence { get; set; }
    public int Position { get; set; }
    public Substance Substance { get; set; }
    public double Quantity { get; set; }
    public QuantityUnit Unit { get; set; }
    public double NormalizedQuantity { get; set; }
    public QuantityDimension NormalizedDimension { get; set; }
}

internal sealed class AlertRecordConfiguration : IEntityTypeConfiguration<AlertRecord>
{
    public void Configure(EntityTypeBuilder<AlertRecord> builder)
    {
        builder.ToTable("Alerts");
        builder.HasKey(a => a.Sequence);
        builder.Property(a => a.Sequence).ValueGeneratedOnAdd();
        builder.HasIndex(a => a.Id).IsUnique();
        builder.Property(a => a.ReportingCountry).HasMaxLength(16);
        builder.HasIndex(a => new { a.ReportingCountry, a.Sequence });
        builder.HasIndex(a => a.SeizedAtUtc);
        builder.Property(a => a.Distribution).HasConversion<string>().HasMaxLength(40);
        builder.Property(a => a.HandlingCode).HasConversion<string>().HasMaxLength(8);
        builder.Property(a => a.AddressedCountries).HasMaxLength(1000);
        builder.HasMany(a => a.Items).WithOne().HasForeignKey(i => i.AlertSequence).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AlertItemRecordConfiguration : IEntityTypeConfiguration<AlertItemRecord>
{
    public void Configure(EntityTypeBuilder<AlertItemRecord> builder)
    {
        builder.ToTable("AlertItems");
        builder.HasKey(i => i.Id);
        builder.HasIndex(i => new { i.Substance, i.AlertSequence });
        builder.Property(i => i.Substance).HasConversion<string>().HasMaxLength(40);
        builder.Property(i => i.Unit).HasConversion<string>().HasMaxLength(16);
        builder.Property(i => i.NormalizedDimension).HasConversion<string>().HasMaxLength(16);
    }
}
