using Microsoft.Playwright;

namespace Hub.SystemTests;

/// <summary>
/// Debian's headless Chromium driven by Playwright, and people signed in to the console
/// through the hub's own sign-in page: what a browser test class needs, in one place.
/// </summary>
public sealed class ConsoleBrowser : IAsyncDisposable
{
    public static readonly float Wait = 30_000;
    private readonly IPlaywright? _playwright;
    private readonly IBrowser? _browser;

    private ConsoleBrowser(IPlaywright? playwright, IBrowser? browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    /// <summary>A browser, or none when Chromium is not installed (then <see cref="Require"/> skips the test).</summary>
    public static async Task<ConsoleBrowser> LaunchAsync()
    {
        if (!File.Exists(ConsoleBrowserTests.ChromiumPath))
        {
            return new ConsoleBrowser(null, null);
        }
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ConsoleBrowserTests.ChromiumPath,
            Headless = true,
            // No sandbox as root, and no calls out of this closed network.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        return new ConsoleBrowser(playwright, browser);
    }

    /// <summary>Skips the test without Chromium, except under CI, where its absence is a failure.</summary>
    public IBrowser Require()
    {
        if (_browser is not null)
        {
            return _browser;
        }
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail($"{ConsoleBrowserTests.ChromiumPath} is missing under CI: .ci/run should have installed Debian's chromium.");
        }
        Assert.Skip($"{ConsoleBrowserTests.ChromiumPath} is missing: `apt-get install chromium` (or run `bash .ci/run`) to run the browser tests.");
        return null!;
    }

    /// <summary>
    /// A person's console in a fresh browser context, signed in and connected to the live feed;
    /// <paramref name="prepare"/> runs before the console is opened (to route its traffic).
    /// </summary>
    public async Task<IPage> SignInAsync(HubProcess node, string userName, Func<IPage, Task>? prepare = null)
    {
        var context = await Require().NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 768 }, Locale = "en-GB", TimezoneId = "Asia/Almaty" });
        var page = await context.NewPageAsync();
        // The browser's own console, in the test output: the first place to look when a step fails.
        page.Console += (_, message) => TestContext.Current.TestOutputHelper?.WriteLine($"[{userName} console] {message.Type}: {message.Text}");
        page.PageError += (_, error) => TestContext.Current.TestOutputHelper?.WriteLine($"[{userName} page error] {error}");
        if (prepare is not null)
        {
            await prepare(page);
        }
        await page.GotoAsync(new Uri(node.WebAddress, "/console/").ToString());
        await page.Locator("#username").FillAsync(userName);
        await page.Locator("#password").FillAsync(TestAuth.DevelopmentPassword);
        await page.Locator("button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=whoami]")).ToBeVisibleAsync(new() { Timeout = Wait });
        await WaitConnectedAsync(page);
        return page;
    }

    public static Task WaitConnectedAsync(IPage page) =>
        Assertions.Expect(page.Locator("[data-testid=connection]")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = Wait });

    public static string ScreenshotPath(string name)
    {
        var directory = Path.Combine(Broker.RepositoryRoot(), "TestResults", "screenshots");
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }
}
