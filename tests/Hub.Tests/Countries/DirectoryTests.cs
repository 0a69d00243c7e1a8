using Hub.Server.Countries;
using Microsoft.EntityFrameworkCore;

namespace Hub.Tests.Countries;

public sealed class DirectoryTests(HubFactory hub) : IClassFixture<HubFactory>
{
    [Fact]
    public async Task The_directory_is_seeded_from_the_report()
    {
        var countries = await hub.WithDbAsync(db => db.Countries.AsNoTracking().ToListAsync());

        Assert.Equal(["AZE", "KAZ", "KGZ", "RUS", "TJK", "TKM", "UZB"],
            countries.Where(c => c.Status == CountryStatus.Member).Select(c => c.Code).Order());
        Assert.Equal(["AFG", "AUT", "CAN", "CHN", "DEU", "FIN", "FRA", "GBR", "ITA", "PAK", "ROU", "TUR", "UKR", "USA"],
            countries.Where(c => c is { Status: CountryStatus.Observer, Kind: ParticipantKind.State }).Select(c => c.Code).Order());
        Assert.Equal(["INTERPOL", "SELEC"],
            countries.Where(c => c is { Status: CountryStatus.Observer, Kind: ParticipantKind.Organisation }).Select(c => c.Code).Order());
        Assert.Equal("POL", Assert.Single(countries, c => c.Status == CountryStatus.Applicant).Code);
    }

    [Fact]
    public void Every_seeded_state_has_an_ISO_3166_alpha_3_code()
    {
        Assert.All(DirectorySeed.Participants.Where(p => p.Kind == ParticipantKind.State), p => Assert.True(Iso3166.IsAlpha3(p.Code), p.Code));
        Assert.Equal(249, Iso3166.Alpha3Names.Count);
        Assert.False(Iso3166.IsAlpha3("kaz"));
        Assert.False(Iso3166.IsAlpha3("XKX"));
    }
}
