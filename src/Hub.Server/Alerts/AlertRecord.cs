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
public sealed class AlertRecord : IReleasedRow, IRevisableRecord
{
    /// <summary>
    /// The row's key in insert order (lists page on it). Alerts stored before the alert feed
    /// had its own table carry their feed position here, which is also their
    /// <see cref="PostedSequence"/>.
    /// </summary>
    public long Sequence { get; set; }
    public Guid Id { get; set; }
    /// <summary>The id of the AlertPosted event, so that a replay carries the same id as the live event.</summary>
    public Guid PostedEventId { get; set; }
    /// <summary>The feed position of the alert's <c>posted</c> event: the alert's sequence on every channel.</summary>
    public long PostedSequence { get; set; }
    public AlertEventRow? PostedEvent { get; set; }
    public required string ReportingCountry { get; set; }
    public DateTime SeizedAtUtc { get; set; }
    public DateTime ReceivedAtUtc { get; set; }
    public Distribution Distribution { get; set; }
    public HandlingCode HandlingCode { get; set; }
    /// <summary>Comma-separated codes for ADDRESSED distribution, empty otherwise.</summary>
    public string AddressedCountries { get; set; } = "";
    /// <summary>The current version's content; empty once purged.</summary>
    public required string ContentJson { get; set; }
    public List<AlertItemRecord> Items { get; set; } = [];

    public int Version { get; set; } = 1;
    public DateTime? VersionAtUtc { get; set; }
    public string VersionBy { get; set; } = "";
    public string VersionReason { get; set; } = "";
    public WithdrawalCause WithdrawalCause { get; set; }
    public string WithdrawalReason { get; set; } = "";
    public DateTime? WithdrawnAtUtc { get; set; }
    public string WithdrawnBy { get; set; } = "";
    public string WithdrawnByCountry { get; set; } = "";
    public string LegalBasis { get; set; } = "";

    /// <summary>Kept by the centre until then (a review extended it); null: the kind's period from <see cref="ReceivedAtUtc"/>.</summary>
    public DateTime? KeepUntilUtc { get; set; }
    public string KeepReason { get; set; } = "";
}

/// <summary>
/// One event of the alert feed: posted, corrected, released (distribution or addressees
/// changed) or withdrawn. What recipients receive is rendered from the alert as it is when
/// the event is sent; the row keeps only what that cannot tell: the change's reason and,
/// for a release change, the release before it (<see cref="AlertChangeFacts"/>).
/// </summary>
public sealed class AlertEventRow : FeedEventRow
{
    public Guid AlertId { get; set; }
}

/// <summary>What an alert event row keeps of its change, as JSON in <see cref="FeedEventRow.PayloadJson"/>.</summary>
/// <param name="PriorDistribution">For a release change: the distribution before it.</param>
/// <param name="PriorAddressed">For a release change: the addressees before it, comma-separated.</param>
public sealed record AlertChangeFacts(int Version, string Reason, Distribution? PriorDistribution = null, string? PriorAddressed = null)
{
    public static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this, Json);

    public static AlertChangeFacts? From(string json) => json.Length == 0 ? null : System.Text.Json.JsonSerializer.Deserialize<AlertChangeFacts>(json, Json);
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
        // The posted event is inserted first and the alert takes its sequence, in one save.
        builder.HasOne(a => a.PostedEvent).WithOne().HasForeignKey<AlertRecord>(a => a.PostedSequence).OnDelete(DeleteBehavior.Restrict);
        builder.ConfigureRevisions();
        builder.Property(a => a.KeepReason).HasMaxLength(RecordRevisions.MaxReason);
    }
}

internal sealed class AlertEventRowConfiguration : IEntityTypeConfiguration<AlertEventRow>
{
    public void Configure(EntityTypeBuilder<AlertEventRow> builder)
    {
        builder.ToTable("AlertEvents");
        builder.HasKey(e => e.Sequence);
        builder.Property(e => e.Sequence).ValueGeneratedOnAdd();
        builder.HasIndex(e => e.EventId).IsUnique();
        builder.HasIndex(e => e.AlertId);
        builder.Property(e => e.Type).HasMaxLength(24);
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
