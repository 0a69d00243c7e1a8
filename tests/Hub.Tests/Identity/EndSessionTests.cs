using System.Net;
using System.Text.RegularExpressions;
using Hub.Server.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;

namespace Hub.Tests.Identity;

/// <summary>
/// Signing out needs the officer's own click: a GET (a link or an image on another site)
/// only shows the confirmation; the POST needs its antiforgery token.
/// </summary>
public sealed partial class EndSessionTests(HubFactory hub) : IClassFixture<HubFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_get_leaves_the_session_a_post_without_the_token_is_refused_and_the_confirmed_post_signs_out()
    {
        using var browser = hub.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await SignInAsync(browser);
        Assert.True(await SignedInAsync(browser));

        using var confirmation = await browser.GetAsync("/connect/endsession", Ct);
        Assert.Equal(HttpStatusCode.OK, confirmation.StatusCode);
        Assert.True(await SignedInAsync(browser));

        using var forged = await browser.PostAsync("/connect/endsession", new FormUrlEncodedContent([]), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.True(await SignedInAsync(browser));

        var field = Antiforgery().Match(await confirmation.Content.ReadAsStringAsync(Ct));
        using var confirmed = await browser.PostAsync("/connect/endsession", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [field.Groups[1].Value] = WebUtility.HtmlDecode(field.Groups[2].Value),
        }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.False(await SignedInAsync(browser));
    }

    private static async Task SignInAsync(HttpClient browser)
    {
        var page = await browser.GetStringAsync(SignInPage.Path, Ct);
        var field = Antiforgery().Match(page);
        using var signedIn = await browser.PostAsync(SignInPage.Path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [field.Groups[1].Value] = WebUtility.HtmlDecode(field.Groups[2].Value),
            ["returnUrl"] = "/console/",
            ["username"] = "liaison.aze",
            ["password"] = DevelopmentAccounts.Password,
        }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
    }

    // The authorization endpoint sends a signed-in browser on to the console with a code, any other to the sign-in page.
    private static async Task<bool> SignedInAsync(HttpClient browser)
    {
        var authorize = QueryHelpers.AddQueryString("/connect/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = DevelopmentAccounts.ConsoleClientId, ["response_type"] = "code", ["redirect_uri"] = HubAuth.RedirectUri,
            ["scope"] = "openid hub", ["code_challenge"] = TestAuth.Base64Url(new byte[32]), ["code_challenge_method"] = "S256", ["state"] = "s",
        });
        using var answer = await browser.GetAsync(authorize, Ct);
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        return answer.Headers.Location!.ToString().StartsWith(HubAuth.RedirectUri, StringComparison.Ordinal);
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"(__RequestVerificationToken[^\"]*)\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();
}
