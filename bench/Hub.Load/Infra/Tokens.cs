using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace Hub.Load.Infra;

/// <summary>
/// Tokens over plain HTTP, as tests/Shared/TestAuth.cs gets them: client credentials for
/// agency systems, the sign-in page (authorization code + PKCE) for people.
/// </summary>
internal static partial class Tokens
{
    public const string DevelopmentPassword = "Hub-dev-password-1";

    public static async Task<string> AgencyAsync(Uri web, string country)
    {
        using var http = new HttpClient { BaseAddress = web };
        var id = "agency-" + country.ToLowerInvariant();
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = id,
            ["client_secret"] = id + "-dev-secret",
            ["scope"] = "hub",
        });
        using var response = await http.PostAsync(new Uri("/connect/token", UriKind.Relative), content);
        return await AccessTokenOf(response);
    }

    /// <summary>A development person's token (operator, analyst, liaison.kaz, ...) through the sign-in page.</summary>
    public static async Task<string> PersonAsync(Uri web, string userName)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true };
        using var browser = new HttpClient(handler) { BaseAddress = web };
        var redirect = new Uri(web, "/console/callback").ToString();
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var state = Guid.NewGuid().ToString("N");
        var authorize = QueryHelpers.AddQueryString("/connect/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = "hub-console",
            ["response_type"] = "code",
            ["redirect_uri"] = redirect,
            ["scope"] = "openid profile roles offline_access hub",
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
            ["state"] = state,
        });
        using var first = await browser.GetAsync(new Uri(authorize, UriKind.Relative));
        var signInPage = Redirected(first, "authorize without a session");
        using var page = await browser.GetAsync(signInPage);
        var html = await page.Content.ReadAsStringAsync();
        var antiforgery = AntiforgeryField().Match(html);
        var returnUrl = WebUtility.HtmlDecode(ReturnUrlField().Match(html).Groups[1].Value);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [antiforgery.Groups[1].Value] = antiforgery.Groups[2].Value,
            ["returnUrl"] = returnUrl,
            ["username"] = userName,
            ["password"] = DevelopmentPassword,
        });
        using var signedIn = await browser.PostAsync(new Uri("/account/signin", UriKind.Relative), form);
        var resumed = Redirected(signedIn, "signing in as " + userName);
        using var back = await browser.GetAsync(resumed.IsAbsoluteUri ? resumed : new Uri(resumed.ToString(), UriKind.Relative));
        var callback = Redirected(back, "authorize with a session");
        var query = QueryHelpers.ParseQuery(callback.Query);
        using var exchange = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = "hub-console",
            ["code"] = query["code"].ToString(),
            ["redirect_uri"] = redirect,
            ["code_verifier"] = verifier,
        });
        using var token = await browser.PostAsync(new Uri("/connect/token", UriKind.Relative), exchange);
        return await AccessTokenOf(token);
    }

    private static Uri Redirected(HttpResponseMessage response, string step) =>
        response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found && response.Headers.Location is { } location
            ? location
            : throw new InvalidOperationException($"{step}: expected a redirect, got {(int)response.StatusCode}");

    private static async Task<string> AccessTokenOf(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"token endpoint answered {(int)response.StatusCode}: {body}");
        }
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("access_token").GetString()!;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("<input type=\"hidden\" name=\"(__RequestVerificationToken[^\"]*)\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("name=\"returnUrl\" value=\"([^\"]*)\"")]
    private static partial Regex ReturnUrlField();
}
