using System.Net;
using System.Text.Json;
using Hub.Server.Admin;
using Hub.Server.Identity;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace Hub.Tests.Hosting;

/// <summary>
/// Outside Development the hub never holds an account with a known secret, whatever its
/// database: an attacker once got a token for agency-kaz with the README's secret from a
/// Production hub on SQLite. Its first admin comes from `bootstrap-admin`.
/// </summary>
public sealed class ProductionPostureTests(ProductionHub hub) : IClassFixture<ProductionHub>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Production_on_sqlite_creates_no_development_account_and_refuses_their_secrets()
    {
        var people = await hub.WithDbAsync(db => db.Users.Select(u => u.UserName).ToListAsync(Ct));
        Assert.DoesNotContain(people, p => DevelopmentAccounts.People().Any(d => d.UserName == p));

        using var http = hub.CreateHttpsClient();
        using var answer = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = DevelopmentAccounts.ClientId("KAZ"),
            ["client_secret"] = DevelopmentAccounts.ClientSecret("KAZ"),
            ["scope"] = "hub",
        }), Ct);
        Assert.False(answer.IsSuccessStatusCode);
        var error = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("error").GetString();
        Assert.Equal("invalid_client", error);
    }

    [Fact]
    public async Task The_web_console_client_exists_in_production_too()
    {
        var console = await hub.WithDbAsync(db => db.Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication>()
            .AnyAsync(a => a.ClientId == DevelopmentAccounts.ConsoleClientId, Ct));
        Assert.True(console);
    }

    [Fact]
    public async Task Bootstrap_admin_makes_two_admins_with_passwords_shown_once_audited_and_refuses_a_third()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, await BootstrapAdmin.RunAsync(hub.Services, ["chief.admin"], output, error));
        var password = output.ToString().Trim().Split(' ')[^1];
        Assert.StartsWith("Hub-", password);

        using var browser = hub.CreateHttpsClient(cookies: true);
        var tokens = await TestAuth.AuthorizationCodeResponseAsync(browser, HubAuth.RedirectUri, "chief.admin", password);
        Assert.False(string.IsNullOrEmpty(tokens.GetProperty("access_token").GetString()));

        var audited = await hub.WithDbAsync(db => db.AuditTrail.AsNoTracking()
            .Where(e => e.Action == "person.create" && e.Actor == "bootstrap-admin" && e.Outcome == "allowed").CountAsync(Ct));
        Assert.Equal(1, audited);
        Assert.DoesNotContain(password, await hub.WithDbAsync(db => db.AuditTrail.AsNoTracking().Select(e => e.Detail ?? "").ToListAsync(Ct)));

        // Four eyes need a second admin, and what one admin asks for the other approves: the
        // console makes the second too, and no third.
        Assert.Equal(0, await BootstrapAdmin.RunAsync(hub.Services, ["deputy.admin"], new StringWriter(), new StringWriter()));
        var third = new StringWriter();
        Assert.Equal(1, await BootstrapAdmin.RunAsync(hub.Services, ["third.admin"], new StringWriter(), third));
        Assert.Contains("2 admins exist already", third.ToString());
        Assert.Equal(0, await hub.WithDbAsync(db => db.Users.CountAsync(u => u.UserName == "third.admin", Ct)));
    }

    [Fact]
    public async Task Cookies_are_secure_and_hsts_is_sent_over_https()
    {
        using var http = hub.CreateHttpsClient();
        using var page = await http.GetAsync(SignInPage.Path + "?returnUrl=%2Fconsole%2F", Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var cookies = page.Headers.GetValues("Set-Cookie").ToList();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
        Assert.Contains("max-age=31536000", page.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Theory]
    [InlineData(true, "Hub:Identity:SigningKey")]
    [InlineData(false, "Hub:Identity:SeedDevelopmentAccounts")]
    public void Production_refuses_to_start_without_keys_or_with_development_accounts(bool withoutKeys, string named)
    {
        using var misconfigured = new MisconfiguredHub(withoutKeys);
        var failure = Assert.ThrowsAny<Exception>(() => misconfigured.CreateClient());
        Assert.Contains(named, Flatten(failure));
    }

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " / " + Flatten(e.InnerException);

    private sealed class MisconfiguredHub(bool withoutKeys) : ProductionHub
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            if (withoutKeys)
            {
                builder.UseSetting(IdentityKeys.SigningKeyKey, "");
                builder.UseSetting(IdentityKeys.EncryptionKeyKey, "");
            }
            else
            {
                builder.UseSetting(DevelopmentAccounts.SeedKey, "true");
            }
        }
    }
}
