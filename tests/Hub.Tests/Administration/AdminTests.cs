using Grpc.Core;
using Hub.Client;
using Hub.Contracts.V1;

namespace Hub.Tests.Administration;

public sealed class AdminTests(HubFactory hub) : IClassFixture<HubFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<Admin.AdminClient> AsAsync(string person) =>
        new(hub.CreateGrpcChannel(await hub.PersonTokenAsync(person)));

    [Theory]
    [InlineData("operator")]
    [InlineData("liaison.kaz")]
    [InlineData("observer.tur")]
    public async Task Only_admins_administer(string person)
    {
        var client = await AsAsync(person);

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.ListCountriesAsync(new ListCountriesRequest(), cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        var agency = new Admin.AdminClient(hub.CreateGrpcChannel(await hub.AgencyTokenAsync("KAZ")));
        var ex2 = await Assert.ThrowsAsync<RpcException>(() => agency.CreateAgencyClientAsync(
            new CreateAgencyClientRequest { ClientId = "x-kaz", DisplayName = "x", Country = "KAZ" }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, ex2.StatusCode);
    }

    public static TheoryData<string, string> BadPeople => new()
    {
        { "user_name", "Bad Name" },
        { "password", "short" },
        { "country", "XYZ" },
        { "roles", "none" },
        { "roles[0]", "agency_system" },
        { "roles[0]", "operator-in-a-country" },
        { "roles[0]", "liaison-at-the-centre" },
        { "display_name", "" },
    };

    [Theory]
    [MemberData(nameof(BadPeople))]
    public async Task Refuses_a_bad_person_naming_the_field(string field, string how)
    {
        var request = new CreatePersonRequest { UserName = "new.person", Password = "A-good-password-1", DisplayName = "New person", Country = "KAZ", Roles = { "liaison_officer" } };
        switch (how)
        {
            case "Bad Name": request.UserName = how; break;
            case "short": request.Password = how; break;
            case "XYZ": request.Country = how; break;
            case "none": request.Roles.Clear(); break;
            case "agency_system": request.Roles[0] = how; break;
            case "operator-in-a-country": request.Roles[0] = "operator"; break;
            case "liaison-at-the-centre": request.Country = "CARICC"; break;
            case "": request.DisplayName = ""; break;
        }

        var admin = await AsAsync("admin");

        var ex = await Assert.ThrowsAsync<RpcException>(() => admin.CreatePersonAsync(request, cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.StartsWith(field + ": ", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Null(await hub.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(db.Users, u => u.UserName == "new.person")));
    }

    [Fact]
    public async Task A_created_person_signs_in_with_their_country_and_role()
    {
        var admin = await AsAsync("admin");

        var person = await Approved.CreatePersonAsync(hub, new CreatePersonRequest
        {
            UserName = "liaison.rus2", Password = "Russia-officer-pass-1", DisplayName = "Second RUS officer", Country = "RUS", Roles = { "liaison_officer" },
        }, Ct);
        var token = await HubAuth.AuthorizationCodeAsync(hub, "liaison.rus2", "Russia-officer-pass-1");

        Assert.Equal("RUS", person.Country);
        var posted = await hub.CreateAlertsClient(token).PostAlertAsync(SampleAlerts.HeroinAtKorday("RUS"), cancellationToken: Ct);
        Assert.Equal("RUS", posted.Alert.Content.ReportingCountry);
        var again = await Assert.ThrowsAsync<RpcException>(() => admin.CreatePersonAsync(new CreatePersonRequest
        {
            UserName = "liaison.rus2", Password = "Russia-officer-pass-1", DisplayName = "dup", Country = "RUS", Roles = { "liaison_officer" },
        }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, again.StatusCode);
    }

    [Fact]
    public async Task A_new_agency_client_gets_its_secret_once_and_posts_for_its_country_only()
    {
        var created = await Approved.CreateAgencyClientAsync(hub, new CreateAgencyClientRequest
        {
            ClientId = "kgz-drug-control", DisplayName = "Drug Control Service of Kyrgyzstan", Country = "KGZ",
        }, Ct);
        var token = await HubAuth.ClientCredentialsAsync(hub, "kgz-drug-control", created.ClientSecret);
        var client = hub.CreateAlertsClient(token);

        Assert.True(created.ClientSecret.Length >= 40);
        Assert.Equal("KGZ", (await client.PostAlertAsync(SampleAlerts.HeroinAtKorday("KGZ"), cancellationToken: Ct)).Alert.Content.ReportingCountry);
        var ex = await Assert.ThrowsAsync<RpcException>(() => client.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
    }

    [Theory]
    [InlineData("TUR", "country")]
    [InlineData("POL", "country")]
    [InlineData("Bad Id", "client_id")]
    public async Task Agency_clients_are_for_member_states_only(string countryOrId, string field)
    {
        var request = field == "client_id"
            ? new CreateAgencyClientRequest { ClientId = countryOrId, DisplayName = "x", Country = "KAZ" }
            : new CreateAgencyClientRequest { ClientId = "agency-x-" + countryOrId.ToLowerInvariant(), DisplayName = "x", Country = countryOrId };

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await (await AsAsync("admin")).CreateAgencyClientAsync(request, cancellationToken: Ct));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.StartsWith(field + ": ", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_status_change_applies_to_access_at_once()
    {
        using var isolated = new HubFactory();
        var admin = new Admin.AdminClient(isolated.CreateGrpcChannel(await isolated.PersonTokenAsync("admin")));
        var posted = await (await isolated.AgencyAlertsClientAsync("KAZ")).PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct);
        var turkish = isolated.CreateAlertsClient(await isolated.PersonTokenAsync("observer.tur"));
        await Assert.ThrowsAsync<RpcException>(() => turkish.GetAlertAsync(new GetAlertRequest { Id = posted.Alert.Id }, cancellationToken: Ct).ResponseAsync);

        var changed = await admin.SetCountryStatusAsync(new SetCountryStatusRequest { Code = "TUR", Status = ParticipantStatus.Member, Note = "accession approved" }, cancellationToken: Ct);

        Assert.Equal(ParticipantStatus.Member, changed.Status);
        Assert.Equal(posted.Alert.Id, (await turkish.GetAlertAsync(new GetAlertRequest { Id = posted.Alert.Id }, cancellationToken: Ct)).Id);
        var countries = await admin.ListCountriesAsync(new ListCountriesRequest(), cancellationToken: Ct);
        Assert.Equal(ParticipantStatus.Member, countries.Countries.Single(c => c.Code == "TUR").Status);

        var unknown = await Assert.ThrowsAsync<RpcException>(() => admin.SetCountryStatusAsync(new SetCountryStatusRequest { Code = "XYZ", Status = ParticipantStatus.Member }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        var bad = await Assert.ThrowsAsync<RpcException>(() => admin.SetCountryStatusAsync(new SetCountryStatusRequest { Code = "TUR" }, cancellationToken: Ct).ResponseAsync);
        Assert.StartsWith("status: ", bad.Status.Detail, StringComparison.Ordinal);
    }
}
