using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hub.Server.Countries;

/// <summary>A participant's standing at the centre. Membership changes over time: it is data.</summary>
public enum CountryStatus
{
    Member,
    Observer,
    /// <summary>Has applied (for membership or observer status); no access until granted.</summary>
    Applicant,
}

public enum ParticipantKind
{
    State,
    Organisation,
}

/// <summary>
/// A state (ISO 3166-1 alpha-3 code) or an international organisation (its own code, e.g.
/// INTERPOL) known to the centre.
/// </summary>
public sealed class Country
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public ParticipantKind Kind { get; set; }
    public CountryStatus Status { get; set; }
    /// <summary>What the status is waiting for, for applicants (e.g. "membership").</summary>
    public string? Note { get; set; }
}

internal sealed class CountryConfiguration : IEntityTypeConfiguration<Country>
{
    public void Configure(EntityTypeBuilder<Country> builder)
    {
        builder.HasKey(c => c.Code);
        builder.Property(c => c.Code).HasMaxLength(16);
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Note).HasMaxLength(200);
    }
}
