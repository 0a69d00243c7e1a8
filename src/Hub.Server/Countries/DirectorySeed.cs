using Hub.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Countries;

/// <summary>
/// The centre's participants as the 2013 Dublin Group regional report lists them
/// (../shared/seed): the seven parties to the CARICC Agreement, fourteen observer states,
/// two observer organisations, and Poland's pending observer application. Turkey is an
/// observer that has applied for membership.
/// </summary>
public static class DirectorySeed
{
    public static IReadOnlyList<Country> Participants { get; } =
    [
        State("AZE", "Azerbaijan", CountryStatus.Member),
        State("KAZ", "Kazakhstan", CountryStatus.Member),
        State("KGZ", "Kyrgyzstan", CountryStatus.Member),
        State("RUS", "Russian Federation", CountryStatus.Member),
        State("TJK", "Tajikistan", CountryStatus.Member),
        State("TKM", "Turkmenistan", CountryStatus.Member),
        State("UZB", "Uzbekistan", CountryStatus.Member),
        State("AFG", "Afghanistan", CountryStatus.Observer),
        State("AUT", "Austria", CountryStatus.Observer),
        State("CAN", "Canada", CountryStatus.Observer),
        State("CHN", "China", CountryStatus.Observer),
        State("FIN", "Finland", CountryStatus.Observer),
        State("FRA", "France", CountryStatus.Observer),
        State("DEU", "Germany", CountryStatus.Observer),
        State("ITA", "Italy", CountryStatus.Observer),
        State("PAK", "Pakistan", CountryStatus.Observer),
        State("ROU", "Romania", CountryStatus.Observer),
        State("TUR", "Türkiye", CountryStatus.Observer, "applied for membership (2013)"),
        State("GBR", "United Kingdom", CountryStatus.Observer),
        State("UKR", "Ukraine", CountryStatus.Observer),
        State("USA", "United States", CountryStatus.Observer),
        new Country { Code = "INTERPOL", Name = "International Criminal Police Organization", Kind = ParticipantKind.Organisation, Status = CountryStatus.Observer },
        new Country { Code = "SELEC", Name = "Southeast European Law Enforcement Center", Kind = ParticipantKind.Organisation, Status = CountryStatus.Observer },
        State("POL", "Poland", CountryStatus.Applicant, "applied for observer status (2013)"),
    ];

    private static Country State(string code, string name, CountryStatus status, string? note = null) =>
        new() { Code = code, Name = name, Kind = ParticipantKind.State, Status = status, Note = note };

    /// <summary>
    /// Adds the participants that are missing and leaves existing rows alone, so that status
    /// changes made later by an admin survive restarts.
    /// </summary>
    public static async Task SeedAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        var existing = await db.Countries.Select(c => c.Code).ToListAsync(cancellationToken);
        var missing = Participants.Where(p => !existing.Contains(p.Code)).ToList();
        if (missing.Count == 0)
        {
            return;
        }
        db.Countries.AddRange(missing.Select(p => new Country { Code = p.Code, Name = p.Name, Kind = p.Kind, Status = p.Status, Note = p.Note }));
        await db.SaveChangesAsync(cancellationToken);
    }
}
