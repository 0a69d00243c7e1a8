using Google.Protobuf.WellKnownTypes;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hub.Server.Statistics;

/// <summary>
/// A country's national return for one period, as last submitted; earlier versions are kept
/// in the versions table like every record kind's. Statistics read <see cref="ContentJson"/>
/// (proto3 JSON of <c>ReturnContent</c>, normalised figures filled in): returns are a few per
/// country and year, so they are summed in memory, never pre-aggregated.
/// </summary>
public sealed class ReturnRecord : IReleasedRow
{
    /// <summary>The record type the audit trail and the versions table name returns by.</summary>
    public const string Kind = "return";

    public Guid Id { get; set; }
    public required string ReportingCountry { get; set; }
    /// <summary>The period's label (<c>2012</c>, <c>2012-H1</c>, <c>2013-Q1</c>).</summary>
    public required string Period { get; set; }
    public PeriodGranularity Granularity { get; set; }
    public DateTime PeriodStartUtc { get; set; }
    public DateTime PeriodEndUtc { get; set; }
    public int Version { get; set; } = 1;
    public DateTime ReceivedAtUtc { get; set; }
    public string SubmittedBy { get; set; } = "";
    public Distribution Distribution { get; set; }
    public HandlingCode HandlingCode { get; set; }
    public string AddressedCountries { get; set; } = "";
    public required string ContentJson { get; set; }

    public ReturnContent Content() => ProtoJson.Parser.Parse<ReturnContent>(ContentJson);

    public AnnualReturn ToProto() => new()
    {
        Id = Id.ToString(),
        Version = Version,
        ReceivedAt = Timestamp.FromDateTime(DateTime.SpecifyKind(ReceivedAtUtc, DateTimeKind.Utc)),
        SubmittedBy = SubmittedBy,
        Content = Content(),
    };
}

internal sealed class ReturnRecordConfiguration : IEntityTypeConfiguration<ReturnRecord>
{
    public void Configure(EntityTypeBuilder<ReturnRecord> b)
    {
        b.ToTable("Returns");
        b.HasKey(r => r.Id);
        b.Property(r => r.ReportingCountry).HasMaxLength(16);
        b.Property(r => r.Period).HasMaxLength(16);
        b.HasIndex(r => new { r.ReportingCountry, r.Period }).IsUnique();
        b.HasIndex(r => r.PeriodStartUtc);
        b.Property(r => r.Granularity).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.SubmittedBy).HasMaxLength(200);
        b.Property(r => r.Distribution).HasConversion<string>().HasMaxLength(40);
        b.Property(r => r.HandlingCode).HasConversion<string>().HasMaxLength(8);
        b.Property(r => r.AddressedCountries).HasMaxLength(1000);
    }
}
