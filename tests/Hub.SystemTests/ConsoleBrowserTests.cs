using Grpc.Core;
using Grpc.Net.Client;
using Hub.Client;
using Hub.Contracts.V1;
using Microsoft.Playwright;

namespace Hub.SystemTests;

/// <summary>
/// The operator console in a real browser (Debian's headless Chromium driven by Playwright):
/// people sign in through the hub's own OpenID Connect flow, post, and watch each other's
/// alerts arrive — each country seeing only what it may.
/// </summary>
public sealed class ConsoleBrowserTests(Broker broker) : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private static readonly float Wait = 30_000;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            return;
        }
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // As the machine's probe found: no sandbox as root, and no calls out of this closed network.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }

    private IBrowser RequireBrowser()
    {
        if (_browser is not null)
        {
            return _browser;
        }
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail($"{ChromiumPath} is missing under CI: .ci/run should have installed Debian's chromium.");
        }
        Assert.Skip($"{ChromiumPath} is missing: `apt-get install chromium` (or run `bash .ci/run`) to run the browser tests.");
        return null!;
    }

    private static string ScreenshotPath(string name)
    {
        var directory = Path.Combine(Broker.RepositoryRoot(), "TestResults", "screenshots");
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, name);
    }

    /// <summary>A person's console: a fresh browser context, signed in through the hub's sign-in page.</summary>
    private async Task<IPage> SignInAsync(HubProcess node, string userName)
    {
        var context = await RequireBrowser().NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 768 }, Locale = "en-GB", TimezoneId = "Asia/Almaty" });
        var page = await context.NewPageAsync();
        // The browser's own console, in the test output: the first place to look when a step fails.
        page.Console += (_, message) => TestContext.Current.TestOutputHelper?.WriteLine($"[{userName} console] {message.Type}: {message.Text}");
        page.PageError += (_, error) => TestContext.Current.TestOutputHelper?.WriteLine($"[{userName} page error] {error}");
        await page.GotoAsync(new Uri(node.WebAddress, "/console/").ToString());
        await page.Locator("#username").FillAsync(userName);
        await page.Locator("#password").FillAsync(TestAuth.DevelopmentPassword);
        await page.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=whoami]")).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(page.Locator("[data-testid=connection]")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = Wait });
        return page;
    }

    private static SeizureAlerts.SeizureAlertsClient Alerts(HubProcess node, string token) => new(node.CreateChannel(token));

    [Fact]
    public async Task A_Kazakh_officer_posts_an_alert_and_the_operator_sees_it_in_the_feed_and_on_the_map()
    {
        RequireBrowser();
        await using var node = await HubProcess.StartAsync(broker.HubUri);
        var officer = await SignInAsync(node, "liaison.kaz");
        var operatorPage = await SignInAsync(node, "operator");
        await Assertions.Expect(officer.Locator("[data-testid=whoami]")).ToContainTextAsync("KAZ");

        await officer.Locator("[data-testid=nav-post-alert]").ClickAsync();
        var form = officer.Locator("form[data-testid=post-alert]");
        // First with a mistake: the server's field error shows next to the field.
        await form.Locator("[name=reportingAgency]").FillAsync("Border Service of the National Security Committee");
        await form.Locator("[name=place]").FillAsync("Korday, Zhambyl region");
        await form.Locator("[name=latitude]").FillAsync("43.04");
        await form.Locator("[name=longitude]").FillAsync("74.71");
        await form.Locator("[name=substance]").SelectOptionAsync("SUBSTANCE_HEROIN");
        await form.Locator("[name=quantity]").FillAsync("-3");
        await form.Locator("[name=unit]").SelectOptionAsync("QUANTITY_UNIT_KG");
        await form.Locator("[name=distribution]").SelectOptionAsync("DISTRIBUTION_MEMBERS");
        await form.Locator("[name=handlingCode]").SelectOptionAsync("HANDLING_CODE_H1");
        await form.Locator("[name=summary]").FillAsync("Heroin in a hidden compartment of a truck carrying onions.");
        await officer.Locator("[data-testid=post-alert-submit]").ClickAsync();
        await Assertions.Expect(officer.Locator("[data-error-for='alert.items[0].quantity']")).Not.ToBeEmptyAsync(new() { Timeout = Wait });

        await form.Locator("[name=quantity]").FillAsync("12.4");
        await officer.Locator("[data-testid=post-alert-submit]").ClickAsync();
        var result = officer.Locator("[data-testid=post-result]");
        await Assertions.Expect(result).Not.ToBeEmptyAsync(new() { Timeout = Wait });
        var alertId = System.Text.RegularExpressions.Regex.Match(await result.InnerTextAsync(), "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").Value;
        Assert.NotEmpty(alertId);

        await operatorPage.Locator("[data-testid=nav-feed]").ClickAsync();
        var item = operatorPage.Locator($"[data-testid=feed-item][data-alert-id='{alertId}']");
        await Assertions.Expect(item).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(item).ToContainTextAsync("KAZ");
        await Assertions.Expect(item).ToContainTextAsync("H1");
        await operatorPage.ScreenshotAsync(new() { Path = ScreenshotPath("feed.png") });

        await operatorPage.Locator("[data-testid=nav-map]").ClickAsync();
        await Assertions.Expect(operatorPage.Locator($"[data-testid=alert-marker][data-alert-id='{alertId}']")).ToHaveCountAsync(1, new() { Timeout = Wait });
        await operatorPage.ScreenshotAsync(new() { Path = ScreenshotPath("map.png") });

        // Russian, chosen by the person.
        await operatorPage.Locator("select#language").SelectOptionAsync("ru");
        await Assertions.Expect(operatorPage.Locator("[data-testid=nav-feed]")).ToContainTextAsync("Лента");
        Assert.Equal("ru", await operatorPage.Locator("html").GetAttributeAsync("lang"));
    }

    [Fact]
    public async Task An_Uzbek_officer_never_sees_a_Kazakh_ORIGINATOR_alert()
    {
        RequireBrowser();
        await using var node = await HubProcess.StartAsync(broker.HubUri);
        var uzbek = await SignInAsync(node, "liaison.uzb");
        await uzbek.Locator("[data-testid=nav-feed]").ClickAsync();
        var kazakh = Alerts(node, await node.AgencyTokenAsync("KAZ"));

        var secret = SampleAlerts.HeroinAtKorday("KAZ");
        secret.Alert.Distribution = Distribution.Originator;
        var hidden = (await kazakh.PostAlertAsync(secret, cancellationToken: Ct)).Alert;
        var shared = (await kazakh.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct)).Alert;

        // Once the later, shared alert is on the page, the earlier one would be too if it had come.
        await Assertions.Expect(uzbek.Locator($"[data-testid=feed-item][data-alert-id='{shared.Id}']")).ToBeVisibleAsync(new() { Timeout = Wait });
        Assert.Equal(0, await uzbek.Locator($"[data-alert-id='{hidden.Id}']").CountAsync());
        await uzbek.ReloadAsync();
        await Assertions.Expect(uzbek.Locator($"[data-testid=feed-item][data-alert-id='{shared.Id}']")).ToBeVisibleAsync(new() { Timeout = Wait });
        Assert.Equal(0, await uzbek.Locator($"[data-alert-id='{hidden.Id}']").CountAsync());
        await uzbek.Locator("[data-testid=nav-map]").ClickAsync();
        Assert.Equal(0, await uzbek.Locator($"[data-alert-id='{hidden.Id}']").CountAsync());
    }

    [Fact]
    public async Task The_operator_tracks_an_active_controlled_delivery()
    {
        RequireBrowser();
        await using var node = await HubProcess.StartAsync(broker.HubUri);
        var operatorPage = await SignInAsync(node, "operator");
        var clients = new Dictionary<string, ControlledDeliveries.ControlledDeliveriesClient>();
        foreach (var country in new[] { "TJK", "KGZ", "KAZ", "RUS" })
        {
            var token = await node.PersonTokenAsync($"liaison.{country.ToLowerInvariant()}");
            clients[country] = new(node.CreateChannel(token));
        }
        var request = new ProposeDeliveryRequest
        {
            IdempotencyKey = "cd-browser-" + Guid.NewGuid().ToString("N")[..12], InitiatingCountry = "TJK", Title = "Heroin in dried apricots",
            Consignment = { new SeizedItem { Substance = Substance.Heroin, Quantity = 42, Unit = QuantityUnit.Kg } }, HandlingCode = HandlingCode.H2,
            Legs =
            {
                new RouteLeg { Country = "TJK", ExitCrossingPoint = "Karamyk" },
                new RouteLeg { Country = "KGZ", EntryCrossingPoint = "Karamyk", ExitCrossingPoint = "Ak-Zhol" },
                new RouteLeg { Country = "KAZ", EntryCrossingPoint = "Korday", ExitCrossingPoint = "Zhaisan" },
                new RouteLeg { Country = "RUS", EntryCrossingPoint = "Zhaisan" },
            },
        };
        var d = await clients["TJK"].ProposeAsync(request, cancellationToken: Ct);
        foreach (var country in new[] { "KGZ", "KAZ", "RUS" })
        {
            await clients[country].RespondAsync(new RespondRequest { DeliveryId = d.Id, Accept = true }, cancellationToken: Ct);
        }
        await clients["TJK"].StartAsync(new DeliveryRef { DeliveryId = d.Id }, cancellationToken: Ct);
        await clients["TJK"].OfferHandoverAsync(new DeliveryRef { DeliveryId = d.Id }, cancellationToken: Ct);
        await clients["KGZ"].TakeOverAsync(new DeliveryRef { DeliveryId = d.Id }, cancellationToken: Ct);

        await operatorPage.Locator("[data-testid=nav-deliveries]").ClickAsync();
        var tracked = operatorPage.Locator($"[data-testid=delivery][data-delivery-id='{d.Id}']");
        await Assertions.Expect(tracked).ToBeVisibleAsync(new() { Timeout = Wait });
        // Kyrgyzstan took over: the tracker says so as soon as the step arrives.
        await Assertions.Expect(tracked).ToHaveAttributeAsync("data-holder", "KGZ", new() { Timeout = Wait });
        await Assertions.Expect(tracked.Locator("[data-testid=holder]")).ToContainTextAsync("KGZ");
        await operatorPage.ScreenshotAsync(new() { Path = ScreenshotPath("tracker.png") });
        await operatorPage.Locator("[data-testid=nav-map]").ClickAsync();
        await Assertions.Expect(operatorPage.Locator($"[data-testid=delivery-route][data-delivery-id='{d.Id}']")).Not.ToHaveCountAsync(0, new() { Timeout = Wait });
    }
}
