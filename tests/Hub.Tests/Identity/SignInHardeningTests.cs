using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hub.Server.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Tests.Identity;

/// <summary>
/// Sign-in as an attacker tried it: the answer never tells a real user from an unknown one, a
/// stranger's failures never lock the real officer out, every failure is audited, no return
/// URL gives a 500 or leaves the site, and a refresh token works exactly once.
/// </summary>
public sealed partial class SignInHardeningTests(SignInHardeningTests.AddressedHub hub) : IClassFixture<SignInHardeningTests.AddressedHub>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_real_user_with_a_wrong_password_and_an_unknown_user_get_the_same_answer()
    {
        using var known = await SignInAsync("liaison.tjk", "wrong-password-1", "10.0.0.1");
        using var unknown = await SignInAsync("nobody.here", "wrong-password-1", "10.0.0.1");
        Assert.Equal(known.StatusCode, unknown.StatusCode);
        Assert.Equal(ErrorOf(await known.Content.ReadAsStringAsync(Ct)), ErrorOf(await unknown.Content.ReadAsStringAsync(Ct)));
        Assert.NotEmpty(ErrorOf(await known.Content.ReadAsStringAsync(Ct)));
    }

    [Fact]
    public async Task A_stranger_cannot_lock_out_a_real_officer_and_is_throttled_himself()
    {
        for (var i = 0; i < SignInThrottle.PerAccountAndAddress + 3; i++)
        {
            using var _ = await SignInAsync("liaison.kgz", "guess-" + i, "203.0.113.7");
        }
        using var real = await SignInAsync("liaison.kgz", DevelopmentAccounts.Password, "10.1.1.1");
        Assert.Equal(HttpStatusCode.Redirect, real.StatusCode);
        using var stranger = await SignInAsync("liaison.kgz", DevelopmentAccounts.Password, "203.0.113.7");
        Assert.Equal(HttpStatusCode.OK, stranger.StatusCode);

        var audited = await hub.WithDbAsync(db => db.AuditTrail.AsNoTracking().Where(e => e.Detail!.Contains("203.0.113.7")).Select(e => e.Action).ToListAsync(Ct));
        Assert.Equal(SignInThrottle.PerAccountAndAddress, audited.Count(a => a == "signin-failed"));
        Assert.Contains("signin-throttled", audited);
    }

    [Theory]
    [InlineData("/\t/evil.example")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example/")]
    [InlineData("/\r\n/evil.example")]
    public async Task A_return_url_off_the_site_falls_back_to_the_console_without_an_error(string returnUrl)
    {
        using var answer = await SignInAsync("liaison.rus", DevelopmentAccounts.Password, "10.2.2.2", returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal("/console/", answer.Headers.Location!.ToString());
    }

    [Fact]
    public async Task A_refresh_token_works_once_and_its_reuse_revokes_the_chain()
    {
        var tokens = await HubAuth.AuthorizationCodeResponseAsync(hub, "liaison.uzb", DevelopmentAccounts.Password);
        var first = tokens.GetProperty("refresh_token").GetString()!;
        using var http = hub.CreateClient();
        var rotated = await RefreshAsync(http, first);
        Assert.True(rotated.IsSuccessStatusCode);
        var second = JsonDocument.Parse(await rotated.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("refresh_token").GetString()!;

        using var reused = await RefreshAsync(http, first);
        Assert.False(reused.IsSuccessStatusCode);
        using var afterReuse = await RefreshAsync(http, second);
        Assert.False(afterReuse.IsSuccessStatusCode);
    }

    [Fact]
    public async Task A_reused_authorization_code_is_refused_and_the_tokens_it_gave_stop_working()
    {
        using var browser = hub.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var grant = await Hub.Testing.TestAuth.AuthorizationCodeGrantAsync(browser, HubAuth.RedirectUri, "liaison.aze", DevelopmentAccounts.Password);
        var (status, body) = await Hub.Testing.TestAuth.RedeemAsync(browser, HubAuth.RedirectUri, grant);
        Assert.Equal(HttpStatusCode.OK, status);
        var tokens = JsonDocument.Parse(body).RootElement;
        var access = tokens.GetProperty("access_token").GetString()!;
        var alerts = hub.CreateAlertsClient(access);
        await alerts.PostAlertAsync(Hub.Client.SampleAlerts.HeroinAtKorday("AZE"), cancellationToken: Ct);

        // Someone who intercepted the code redeems it again: the code is refused, and since it
        // may have been the thief who redeemed first, everything it gave is revoked too.
        var (again, answer) = await Hub.Testing.TestAuth.RedeemAsync(browser, HubAuth.RedirectUri, grant);

        Assert.Equal(HttpStatusCode.BadRequest, again);
        Assert.Equal("invalid_grant", JsonDocument.Parse(answer).RootElement.GetProperty("error").GetString());
        // Every node believes a token's store entry for at most TokenEntries.ValidFor (1 s).
        var refusedWithin = System.Diagnostics.Stopwatch.StartNew();
        Grpc.Core.StatusCode grpcStatus;
        do
        {
            var failure = await Record.ExceptionAsync(async () => await alerts.PostAlertAsync(Hub.Client.SampleAlerts.HeroinAtKorday("AZE"), cancellationToken: Ct));
            grpcStatus = failure is Grpc.Core.RpcException rpc ? rpc.StatusCode : Grpc.Core.StatusCode.OK;
            if (grpcStatus == Grpc.Core.StatusCode.OK)
            {
                await Task.Delay(50, Ct);
            }
        }
        while (grpcStatus == Grpc.Core.StatusCode.OK && refusedWithin.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Equal(Grpc.Core.StatusCode.Unauthenticated, grpcStatus);
        Assert.True(refusedWithin.Elapsed < TokenEntries.ValidFor + TimeSpan.FromSeconds(2), $"refused after {refusedWithin.Elapsed}");
        using var http = hub.CreateClient();
        using var refreshed = await RefreshAsync(http, tokens.GetProperty("refresh_token").GetString()!);
        Assert.False(refreshed.IsSuccessStatusCode);
    }

    private static async Task<HttpResponseMessage> RefreshAsync(HttpClient http, string refreshToken) =>
        await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = DevelopmentAccounts.ConsoleClientId,
            ["refresh_token"] = refreshToken,
        }), Ct);

    private async Task<HttpResponseMessage> SignInAsync(string userName, string password, string address, string returnUrl = "/console/")
    {
        using var browser = hub.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        browser.DefaultRequestHeaders.Add(AddressedHub.Header, address);
        var page = await browser.GetStringAsync(SignInPage.Path, Ct);
        var antiforgery = Antiforgery().Match(page);
        return await browser.PostAsync(SignInPage.Path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [antiforgery.Groups[1].Value] = WebUtility.HtmlDecode(antiforgery.Groups[2].Value),
            ["returnUrl"] = returnUrl,
            ["username"] = userName,
            ["password"] = password,
        }), Ct);
    }

    private static string ErrorOf(string html) => ErrorParagraph().Match(html).Groups[1].Value;

    [GeneratedRegex("<input type=\"hidden\" name=\"(__RequestVerificationToken[^\"]*)\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();

    [GeneratedRegex("<p role=\"alert\" class=\"error\">([^<]*)</p>")]
    private static partial Regex ErrorParagraph();

    /// <summary>The hub seeing each request come from the address a test names, as from different machines.</summary>
    public sealed class AddressedHub : HubFactory
    {
        public const string Header = "X-Test-Client-Address";

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(s => s.AddSingleton<IStartupFilter>(new AddressFilter()));
        }

        private sealed class AddressFilter : IStartupFilter
        {
            public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
            {
                app.Use((context, nextMiddleware) =>
                {
                    if (IPAddress.TryParse(context.Request.Headers[Header].ToString(), out var address))
                    {
                        context.Connection.RemoteIpAddress = address;
                    }
                    return nextMiddleware(context);
                });
                next(app);
            };
        }
    }
}
