using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Xunit;

namespace Hub.Testing;

/// <summary>
/// Gets tokens the way other-language clients do: plain HTTP against the standard endpoints,
/// no OpenID Connect client library. Shared by the in-process and the system tests.
/// </summary>
public static partial class TestAuth
{
    public const string ConsoleClientId = "hub-console";
    public const string DevelopmentPassword = "Hub-dev-password-1";
    public const string SignInPath = "/account/signin";

    public static async Task<string> ClientCredentialsAsync(HttpClient http, string clientId, string secret, string scope = "hub")
    {
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
    /// <param name="browser">A client that keeps cookies and does not follow redirects.</param>
    /// <param name="redirectUri">The console client's registered redirect URI.</param>
    public static async Task<JsonElement> AuthorizationCodeResponseAsync(HttpClient browser, string redirectUri, string userName, string password)
    {
        var grant = await AuthorizationCodeGrantAsync(browser, redirectUri, userName, password);
        var (status, body) = await RedeemAsync(browser, redirectUri, grant);
        if (status != HttpStatusCode.OK)
        {
            throw new TokenRefusedException(status, body);
        }
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>An authorization code as the client receives it, with the PKCE verifier that redeems it.</summary>
    public sealed record CodeGrant(string Code, string Verifier);

    /// <summary>Signs in through the sign-in page and stops at the redirect that carries the code.</summary>
    public static async Task<CodeGrant> AuthorizationCodeGrantAsync(HttpClient browser, string redirectUri, string userName, string password)
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var state = Guid.NewGuid().ToString("N");
        var authorize = QueryHelpers.AddQueryString("/connect/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = ConsoleClientId,
            ["response_type"] = "code",
            ["redirect_uri"] = redirectUri,
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

        using var signedIn = await browser.PostAsync(new Uri(SignInPath, UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [antiforgery.Groups[1].Value] = antiforgery.Groups[2].Value,
            ["returnUrl"] = returnUrl,
            ["username"] = userName,
            ["password"] = password,
        }));
        Expect(signedIn, HttpStatusCode.Redirect, $"signing in as {userName}");

        var resumed = signedIn.Headers.Location!;
        using var back = await browser.GetAsync(resumed.IsAbsoluteUri ? resumed : new Uri(resumed.ToString(), UriKind.Relative));
        Expect(back, HttpStatusCode.Redirect, "authorize with a session redirects to the client with a code");
        var callback = back.Headers.Location!;
        Assert.StartsWith(redirectUri, callback.ToString(), StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(callback.Query);
        Assert.Equal(state, query["state"].ToString());
        return new CodeGrant(query["code"].ToString(), verifier);
    }

    /// <summary>Redeems a code at the token endpoint; the status and body as they came.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> RedeemAsync(HttpClient browser, string redirectUri, CodeGrant grant)
    {
        using var token = await browser.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = ConsoleClientId,
            ["code"] = grant.Code,
            ["redirect_uri"] = redirectUri,
            ["code_verifier"] = grant.Verifier,
        }));
        return (token.StatusCode, await token.Content.ReadAsStringAsync());
    }

    public static async Task<string> AuthorizationCodeAsync(HttpClient browser, string redirectUri, string userName, string password) =>
        (await AuthorizationCodeResponseAsync(browser, redirectUri, userName, password)).GetProperty("access_token").GetString()!;

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
