using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hub.Server.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;

namespace Hub.Tests;

/// <summary>
/// Gets tokens the way other-language clients do: plain HTTP against the standard endpoints,
/// no OpenID Connect client library.
/// </summary>
public static partial class TestAuth
{
    public const string RedirectUri = "http://127.0.0.1:5080" + ConsoleClient.CallbackPath;

    public static async Task<string> ClientCredentialsAsync(WebApplicationFactory<Program> hub, string clientId, string secret, string scope = "hub")
    {
        using var http = hub.CreateClient();
        using var response = await http.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
            ["scope"] = scope,
        }));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new TokenRefusedException(response.StatusCode, body);
        }
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>Authorization code + PKCE through the sign-in page, as a browser would; returns the token response.</summary>
    public static async Task<JsonElement> AuthorizationCodeResponseAsync(WebApplicationFactory<Program> hub, string userName, string password)
    {
        using var browser = hub.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var state = Guid.NewGuid().ToString("N");
        var authorize = QueryHelpers.AddQueryString("/connect/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = DevelopmentAccounts.ConsoleClientId,
            ["response_type"] = "code",
            ["redirect_uri"] = RedirectUri,
            ["scope"] = "openid profile roles offline_access hub",
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
            ["state"] = state,
        });

        using var first = await browser.GetAsync(new Uri(authorize, UriKind.Relative));
        Expect(first, HttpStatusCode.Redirect, "authorize without a session redirects to the sign-in page");
        var signInPage = first.Headers.Location!;
        using var page = await browser.GetAsync(signInPage);
        var html = await page.Content.ReadAsStringAsync();
        var antiforgery = AntiforgeryField().Match(html);
        var returnUrl = WebUtility.HtmlDecode(ReturnUrlField().Match(html).Groups[1].Value);

        using var signedIn = await browser.PostAsync(new Uri(SignInPage.Path, UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [antiforgery.Groups[1].Value] = antiforgery.Groups[2].Value,
            ["returnUrl"] = returnUrl,
            ["username"] = userName,
            ["password"] = password,
        }));
        Expect(signedIn, HttpStatusCode.Redirect, $"signing in as {userName}");

        using var back = await browser.GetAsync(signedIn.Headers.Location!);
        Expect(back, HttpStatusCode.Redirect, "authorize with a session redirects to the client with a code");
        var callback = back.Headers.Location!;
        Assert.StartsWith(RedirectUri, callback.ToString(), StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(callback.Query);
        Assert.Equal(state, query["state"].ToString());

        using var token = await browser.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = DevelopmentAccounts.ConsoleClientId,
            ["code"] = query["code"].ToString(),
            ["redirect_uri"] = RedirectUri,
            ["code_verifier"] = verifier,
        }));
        var body = await token.Content.ReadAsStringAsync();
        if (!token.IsSuccessStatusCode)
        {
            throw new TokenRefusedException(token.StatusCode, body);
        }
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<string> AuthorizationCodeAsync(WebApplicationFactory<Program> hub, string userName, string password) =>
        (await AuthorizationCodeResponseAsync(hub, userName, password)).GetProperty("access_token").GetString()!;

    private static void Expect(HttpResponseMessage response, HttpStatusCode status, string step)
    {
        if (response.StatusCode != status && !(status == HttpStatusCode.Redirect && response.StatusCode == HttpStatusCode.Found))
        {
            throw new InvalidOperationException($"{step}: expected {status}, got {(int)response.StatusCode} {response.Headers.Location}");
        }
    }

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("<input type=\"hidden\" name=\"(__RequestVerificationToken[^\"]*)\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("name=\"returnUrl\" value=\"([^\"]*)\"")]
    private static partial Regex ReturnUrlField();
}

public sealed class TokenRefusedException(HttpStatusCode status, string body) : Exception($"token endpoint answered {(int)status}: {body}")
{
    public HttpStatusCode Status { get; } = status;
    public string Body { get; } = body;
}
