using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using Grpc.Core;
using Hub.Client;
using Hub.Contracts.V1;
using Hub.Server.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Hub.Tests.Access;

/// <summary>Every way a bad or misused token is refused, on gRPC and HTTP alike.</summary>
public sealed class TokenRefusalTests(HubFactory hub) : IClassFixture<HubFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A token as the hub would issue it for KAZ's agency system, with parts changed.</summary>
    private string Mint(
        string issuer = HubFactory.Issuer,
        string audience = IdentitySetup.Audience,
        DateTime? expires = null,
        SecurityKey? key = null,
        string country = "KAZ")
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = (expires ?? now.AddMinutes(5)).AddMinutes(-10),
            NotBefore = (expires ?? now.AddMinutes(5)).AddMinutes(-10),
            Expires = expires ?? now.AddMinutes(5),
            TokenType = "at+jwt",
            Subject = new ClaimsIdentity([new Claim("sub", "agency-kaz"), new Claim("country", country), new Claim("role", "agency_system"), new Claim("client_id", "agency-kaz")]),
            SigningCredentials = new SigningCredentials(key ?? hub.SigningKey, SecurityAlgorithms.RsaSha256),
        });
    }

    private async Task<StatusCode> PostWith(string? token)
    {
        var client = hub.CreateAlertsClient(token);
        var ex = await Record.ExceptionAsync(() => client.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct).ResponseAsync);
        return ex is RpcException rpc ? rpc.StatusCode : StatusCode.OK;
    }

    [Fact]
    public async Task A_well_formed_token_minted_with_the_hubs_key_is_accepted()
    {
        // The control for the refusals below: they fail for the one thing each changes.
        Assert.Equal(StatusCode.OK, await PostWith(Mint()));
    }

    [Fact]
    public async Task No_token() => Assert.Equal(StatusCode.Unauthenticated, await PostWith(null));

    [Fact]
    public async Task Expired_token() => Assert.Equal(StatusCode.Unauthenticated, await PostWith(Mint(expires: DateTime.UtcNow.AddMinutes(-1))));

    [Fact]
    public async Task Wrong_issuer() => Assert.Equal(StatusCode.Unauthenticated, await PostWith(Mint(issuer: "http://evil.example/")));

    [Fact]
    public async Task Wrong_audience() => Assert.Equal(StatusCode.Unauthenticated, await PostWith(Mint(audience: "some-other-api")));

    [Fact]
    public async Task Bad_signature()
    {
        using var other = System.Security.Cryptography.RSA.Create(2048);
        Assert.Equal(StatusCode.Unauthenticated, await PostWith(Mint(key: new RsaSecurityKey(other))));
    }

    [Fact]
    public async Task Tampered_payload()
    {
        var parts = Mint().Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"KAZ\"", "\"KGZ\"", StringComparison.Ordinal);
        Assert.Equal(StatusCode.Unauthenticated, await PostWith($"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}"));
    }

    [Fact]
    public async Task Alg_none()
    {
        var payload = Mint().Split('.')[1];
        var header = Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"at+jwt\"}");
        Assert.Equal(StatusCode.Unauthenticated, await PostWith($"{header}.{payload}."));
    }

    [Fact]
    public async Task A_liaison_officer_of_KAZ_cannot_post_as_KGZ()
    {
        var client = hub.CreateAlertsClient(await hub.PersonTokenAsync("liaison.kaz"));

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.PostAlertAsync(SampleAlerts.HeroinAtKorday("KGZ"), cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.Contains("KAZ", ex.Status.Detail, StringComparison.Ordinal);
        var own = await client.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct);
        Assert.Equal("KAZ", own.Alert.Content.ReportingCountry);
    }

    [Fact]
    public async Task Operators_and_observers_do_not_post()
    {
        foreach (var person in new[] { "operator", "observer.tur", "admin" })
        {
            var client = hub.CreateAlertsClient(await hub.PersonTokenAsync(person));
            var ex = await Assert.ThrowsAsync<RpcException>(() => client.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct).ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        }
    }

    [Fact]
    public async Task An_observer_cannot_read_a_MEMBERS_alert()
    {
        var posted = await (await hub.AgencyAlertsClientAsync("KAZ")).PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct);
        Assert.Equal(Distribution.Members, posted.Alert.Content.Distribution);
        var observer = hub.CreateAlertsClient(await hub.PersonTokenAsync("observer.tur"));

        var ex = await Assert.ThrowsAsync<RpcException>(() => observer.GetAlertAsync(new GetAlertRequest { Id = posted.Alert.Id }, cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.DoesNotContain((await observer.ListAlertsAsync(new ListAlertsRequest(), cancellationToken: Ct)).Alerts, a => a.Id == posted.Alert.Id);
    }

    [Fact]
    public async Task A_token_in_the_query_string_is_ignored_on_gRPC()
    {
        var token = await hub.AgencyTokenAsync("KAZ");
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(new Uri(hub.Server.BaseAddress, "?access_token=" + token), new Grpc.Net.Client.GrpcChannelOptions
        {
            HttpHandler = new QueryTokenHandler(token) { InnerHandler = hub.Server.CreateHandler() },
        });
        var client = new SeizureAlerts.SeizureAlertsClient(channel);

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
    }

    [Fact]
    public async Task A_token_in_the_query_string_or_form_is_ignored_on_HTTP()
    {
        var token = await hub.PersonTokenAsync("admin");
        using var http = hub.CreateClient();

        using var query = await http.GetAsync(new Uri("/admin/audit/verify?access_token=" + token, UriKind.Relative), Ct);
        using var header = new HttpRequestMessage(HttpMethod.Get, "/admin/audit/verify");
        header.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var withHeader = await http.SendAsync(header, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, query.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withHeader.StatusCode);
    }

    [Fact]
    public async Task A_disabled_client_gets_no_token_and_its_earlier_token_stops_working()
    {
        var earlier = await HubAuth.ClientCredentialsAsync(hub, DevelopmentAccounts.ClientId("TKM"), DevelopmentAccounts.ClientSecret("TKM"));
        Assert.Equal(StatusCode.OK, await PostAs(earlier, "TKM"));
        var admin = new Admin.AdminClient(hub.CreateGrpcChannel(await hub.PersonTokenAsync("admin")));

        var disabled = await admin.DisableAgencyClientAsync(new DisableAgencyClientRequest { ClientId = DevelopmentAccounts.ClientId("TKM") }, cancellationToken: Ct);

        Assert.True(disabled.Disabled);
        var refused = await Assert.ThrowsAsync<TokenRefusedException>(() => HubAuth.ClientCredentialsAsync(hub, DevelopmentAccounts.ClientId("TKM"), DevelopmentAccounts.ClientSecret("TKM")));
        Assert.Contains("invalid_client", refused.Body, StringComparison.Ordinal);
        // Its tokens were revoked with it, and every token is checked against the store.
        Assert.Equal(StatusCode.Unauthenticated, await PostAs(earlier, "TKM"));
    }

    [Fact]
    public async Task A_disabled_person_cannot_sign_in_and_their_earlier_token_stops_working()
    {
        var admin = new Admin.AdminClient(hub.CreateGrpcChannel(await hub.PersonTokenAsync("admin")));
        await Administration.Approved.CreatePersonAsync(hub, new CreatePersonRequest
        {
            UserName = "liaison.aze2", Password = "Azerbaijan-officer-1", DisplayName = "Second AZE officer", Country = "AZE", Roles = { "liaison_officer" },
        }, Ct);
        var earlier = await HubAuth.AuthorizationCodeAsync(hub, "liaison.aze2", "Azerbaijan-officer-1");
        Assert.Equal(StatusCode.OK, await PostAs(earlier, "AZE"));

        await admin.DisablePersonAsync(new DisablePersonRequest { UserName = "liaison.aze2" }, cancellationToken: Ct);

        Assert.Equal(StatusCode.Unauthenticated, await PostAs(earlier, "AZE"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => HubAuth.AuthorizationCodeAsync(hub, "liaison.aze2", "Azerbaijan-officer-1"));
    }

    private async Task<StatusCode> PostAs(string token, string country)
    {
        var ex = await Record.ExceptionAsync(() => hub.CreateAlertsClient(token).PostAlertAsync(SampleAlerts.HeroinAtKorday(country), cancellationToken: Ct).ResponseAsync);
        return ex is RpcException rpc ? rpc.StatusCode : StatusCode.OK;
    }

    private sealed class QueryTokenHandler(string token) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.RequestUri = new Uri(request.RequestUri!.GetLeftPart(UriPartial.Path) + "?access_token=" + token);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
