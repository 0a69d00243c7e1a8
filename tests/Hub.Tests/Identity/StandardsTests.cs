using System.Net;
using System.Text;
using System.Text.Json;
using Hub.Server.Identity;

namespace Hub.Tests.Identity;

/// <summary>
/// What a member agency writing its client in Java, Python or Go relies on: discovery, JWKS
/// and the token endpoint behave as RFC 8414, RFC 7517 and RFC 6749 say, over plain HTTP.
/// </summary>
public sealed class StandardsTests(HubFactory hub) : IClassFixture<HubFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonElement Payload(string jwt) =>
        JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(jwt.Split('.')[1])).RootElement;

    [Fact]
    public async Task Discovery_describes_the_endpoints_flows_and_keys()
    {
        using var http = hub.CreateClient();

        var discovery = JsonDocument.Parse(await http.GetStringAsync(new Uri("/.well-known/openid-configuration", UriKind.Relative), Ct)).RootElement;

        Assert.Equal(HubFactory.Issuer, discovery.GetProperty("issuer").GetString());
        Assert.EndsWith("/connect/token", discovery.GetProperty("token_endpoint").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("/connect/authorize", discovery.GetProperty("authorization_endpoint").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("/connect/endsession", discovery.GetProperty("end_session_endpoint").GetString(), StringComparison.Ordinal);
        var grants = discovery.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString()).ToList();
        Assert.Contains("client_credentials", grants);
        Assert.Contains("authorization_code", grants);
        Assert.Contains("refresh_token", grants);
        Assert.Equal(["S256"], discovery.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(m => m.GetString()));

        var jwksUri = new Uri(discovery.GetProperty("jwks_uri").GetString()!);
        var jwks = JsonDocument.Parse(await http.GetStringAsync(new Uri(jwksUri.PathAndQuery, UriKind.Relative), Ct)).RootElement;
        var key = Assert.Single(jwks.GetProperty("keys").EnumerateArray());
        Assert.Equal("RSA", key.GetProperty("kty").GetString());
        Assert.False(key.TryGetProperty("d", out _), "the JWKS must not publish the private key");
    }

    [Fact]
    public async Task Client_credentials_over_plain_HTTP_give_an_agency_token_bound_to_its_country()
    {
        using var http = hub.CreateClient();
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{DevelopmentAccounts.ClientId("UZB")}:{DevelopmentAccounts.ClientSecret("UZB")}"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "hub" }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", basic);

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.True(body.GetProperty("expires_in").GetInt32() > 0);
        var claims = Payload(body.GetProperty("access_token").GetString()!);
        Assert.Equal("UZB", claims.GetProperty("country").GetString());
        Assert.Equal("hub", claims.GetProperty("aud").GetString());
        Assert.Equal(HubFactory.Issuer, claims.GetProperty("iss").GetString());
        Assert.Contains("agency_system", claims.GetProperty("role").ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("agency-kaz", "wrong-secret", "invalid_client")]
    [InlineData("no-such-client", "x", "invalid_client")]
    public async Task Bad_client_credentials_get_a_standard_error(string clientId, string secret, string error)
    {
        var refused = await Assert.ThrowsAsync<TokenRefusedException>(() => HubAuth.ClientCredentialsAsync(hub, clientId, secret));

        Assert.Contains(refused.Status, new[] { HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized });
        Assert.Equal(error, JsonDocument.Parse(refused.Body).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task People_sign_in_with_code_and_PKCE_and_refresh()
    {
        var tokens = await HubAuth.AuthorizationCodeResponseAsync(hub, "liaison.kgz", DevelopmentAccounts.Password);

        var access = Payload(tokens.GetProperty("access_token").GetString()!);
        Assert.Equal("KGZ", access.GetProperty("country").GetString());
        Assert.Contains("liaison_officer", access.GetProperty("role").ToString(), StringComparison.Ordinal);
        Assert.Equal("KGZ", Payload(tokens.GetProperty("id_token").GetString()!).GetProperty("country").GetString());

        using var http = hub.CreateClient();
        using var refreshed = await http.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = DevelopmentAccounts.ConsoleClientId,
            ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()!,
        }), Ct);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var renewed = JsonDocument.Parse(await refreshed.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal("KGZ", Payload(renewed.GetProperty("access_token").GetString()!).GetProperty("country").GetString());
    }

    [Fact]
    public async Task A_wrong_password_is_refused_without_saying_which_part_was_wrong()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => HubAuth.AuthorizationCodeAsync(hub, "liaison.kgz", "not-the-password"));

        Assert.Contains("signing in as liaison.kgz", ex.Message, StringComparison.Ordinal);
    }
}
