using Hub.Contracts.V1;
using Hub.Server.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hub.Server.Statistics;

/// <summary>
/// What one seized item of a counted alert adds to the statistics, or takes out of them
/// (<see cref="Items"/> −1): written in the same commit as the alert's post, correction,
/// release change, withdrawal or purge, and folded into <see cref="SeizureCellRow"/> later.
/// Appending is all a write does: it never reads or locks a total another write changes.
/// </summary>
public sealed class SeizureTallyRow : IReleasedRow
{
    public long Id { get; set; }
    /// <summary>The UTC day of the seizure.</summary>
    public DateTime Day { get; set; }
    public required string ReportingCountry { get; set; }
    public Distribution Distribution { get; set; }
    public string AddressedCountries { get; set; } = "";
    public Substance Substance { get; set; }
    public Measure Measure { get; set; }
    /// <summary>The quantity as a whole number of the measure's small unit (<see cref="Measures.ToAmount"/>), negative when taken out.</summary>
    public long Amount { get; set; }
    /// <summary>+1 for an item counted, −1 for one taken out.</summary>
    public int Items { get; set; }
    public TransportMode Transport { get; set; }
    public ConcealmentMethod Concealment { get; set; }
    public string Origin { get; set; } = "";
    public string Destination { get; set; } = "";
    /// <summary>The transit countries as ",TJK,KGZ," (empty when none).</summary>
    public string Transit { get; set; } = "";
}

/// <summary>
/// One pre-aggregated total: the sum of the tallies of one cut, period, reporting country,
/// release, substance, measure and facet. A release (distribution and addressees) is part of
/// the key so that the access policy's filter runs on totals exactly as on alerts.
/// </summary>
public sealed class SeizureCellRow : IReleasedRow
{
    public long Id { get; set; }
    /// <summary>Which build of the cells the row belongs to (<see cref="StatisticsStateRow.Generation"/>): a rebuild writes the next one beside the current and switches in one row.</summary>
    public int Generation { get; set; }
    public SeizureCut Cut { get; set; }
    /// <summary>The first day of the cell's day, month or year (UTC).</summary>
    public DateTime PeriodStart { get; set; }
    public required string ReportingCountry { get; set; }
    public Distribution Distribution { get; set; }
    public string AddressedCountries { get; set; } = "";
    public Substance Substance { get; set; }
    public Measure Measure { get; set; }
    /// <summary>The cut's facet: a transport mode's or concealment's enum name, a route country; empty for the day and month cuts.</summary>
    public string Facet { get; set; } = "";
    public long Amount { get; set; }
    public long Items { get; set; }
}

/// <summary>
/// The ways totals are pre-aggregated. Each facet has a cut of its own so that none
/// multiplies another's rows; a query uses the one cut that serves it.
/// </summary>
public enum SeizureCut
{
    Day = 1,
    Month = 2,
    Transport = 3,
    Concealment = 4,
    Origin = 5,
    Transit = 6,
    Destination = 7,
    /// <summary>Whole years: a yearly table reads a twelfth of the month cut's cells.</summary>
    Year = 8,
}

/// <summary>Which definition of the cells the database holds; another one is rebuilt from the alerts at start-up.</summary>
public sealed class StatisticsStateRow
{
    public int Id { get; set; }
    public int CellsVersion { get; set; }
    /// <summary>The generation of cells queries read.</summary>
    public int Generation { get; set; }
    public DateTime BuiltAtUtc { get; set; }
}

internal sealed class SeizureTallyRowConfiguration : IEntityTypeConfiguration<SeizureTallyRow>
{
    public void Configure(EntityTypeBuilder<SeizureTallyRow> b)
    {
        b.ToTable("SeizureTallies");
        b.HasKey(t => t.Id);
        b.HasIndex(t => t.Day);
        b.Property(t => t.ReportingCountry).HasMaxLength(16);
        b.Property(t => t.Distribution).HasConversion<string>().HasMaxLength(40);
        b.Property(t => t.AddressedCountries).HasMaxLength(1000);
        b.Property(t => t.Substance).HasConversion<string>().HasMaxLength(40);
        b.Property(t => t.Measure).HasConversion<string>().HasMaxLength(16);
        b.Property(t => t.Transport).HasConversion<string>().HasMaxLength(24);
        b.Property(t => t.Concealment).HasConversion<string>().HasMaxLength(32);
        b.Property(t => t.Origin).HasMaxLength(16);
        b.Property(t => t.Destination).HasMaxLength(16);
        b.Property(t => t.Transit).HasMaxLength(400);
    }
}

internal sealed class SeizureCellRowConfiguration : IEntityTypeConfiguration<SeizureCellRow>
{
    public void Configure(EntityTypeBuilder<SeizureCellRow> b)
    {
        b.ToTable("SeizureCells");
        b.HasKey(c => c.Id);
        // Not unique: two nodes folding at once may each add a cell of the same key; sums
        // over both stay right, and the fold's delete-count check keeps a tally from being
        // folded twice.
        b.HasIndex(c => new { c.Generation, c.Cut, c.PeriodStart, c.ReportingCountry });
        b.Property(c => c.Cut).HasConversion<int>();
        b.Property(c => c.ReportingCountry).HasMaxLength(16);
        b.Property(c => c.Distribution).HasConversion<string>().HasMaxLength(40);
        b.Property(c => c.AddressedCountries).HasMaxLength(1000);
        b.Property(c => c.Substance).HasConversion<string>().HasMaxLength(40);
        b.Property(c => c.Measure).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.Facet).HasMaxLength(40);
    }
}

internal sealed class StatisticsStateRowConfiguration : IEntityTypeConfiguration<StatisticsStateRow>
{
    public void Configure(EntityTypeBuilder<StatisticsStateRow> b)
    {
        b.ToTable("StatisticsState");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).ValueGeneratedNever();
    }
}
