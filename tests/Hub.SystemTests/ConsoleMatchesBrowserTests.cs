using System.Security.Cryptography;
using Hub.Client;
using Hub.Contracts.V1;
using Microsoft.Playwright;

namespace Hub.SystemTests;

/// <summary>
/// The Matches tab in a real browser: Kazakhstan checks a phone number that only a Kyrgyz
/// alert (distribution ORIGINATOR) holds and learns only hit, owner and a pending reference;
/// Kyrgyzstan's console hears of the check live, and its liaison officer releases the record
/// with a reason; Kazakhstan's console turns the match released and opens the alert.
/// </summary>
public sealed class ConsoleMatchesBrowserTests(Broker broker) : IAsyncLifetime
{
    private static readonly float Wait = ConsoleBrowser.Wait;
    private ConsoleBrowser? _browser;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ConsoleBrowser Browser => _browser!;

    public async ValueTask InitializeAsync() => _browser = await ConsoleBrowser.LaunchAsync();

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
    }

    private static ILocator MatchItem(IPage page, string matchId) => page.Locator($"[data-testid=match-item][data-match-id='{matchId}']");

    [Fact]
    public async Task A_check_hits_a_Kyrgyz_alert_the_owner_releases_it_live_and_the_asker_opens_it()
    {
        Browser.Require();
        await using var node = await HubProcess.StartAsync(broker.HubUri);
        // A Kyrgyz mobile number, posted in national form, checked in international form.
        var national = "555" + RandomNumberGenerator.GetInt32(100_000, 999_999);
        var request = SampleAlerts.HeroinAtKorday("KGZ");
        request.Alert.Distribution = Distribution.Originator;
        request.Alert.AddressedCountries.Clear();
        request.Alert.Identifiers.Clear();
        request.Alert.Identifiers.Add(new Identifier { Kind = IdentifierKind.PhoneNumber, Value = $"0{national[..3]} {national[3..]}" });
        var alert = (await node.CreateAlertsClient(await node.AgencyTokenAsync("KGZ")).PostAlertAsync(request, cancellationToken: Ct)).Alert;

        var kyrgyz = await Browser.SignInAsync(node, "liaison.kgz");
        var kazakh = await Browser.SignInAsync(node, "liaison.kaz");
        // Kyrgyzstan's list is loaded, and empty, before the check: its count can only come live.
        await kyrgyz.WaitForFunctionAsync("() => document.querySelector('#matches-empty')?.hidden === false", null, new() { Timeout = Wait });
        var pending = kyrgyz.Locator("[data-testid=nav-matches] [data-testid=pending-count]");
        await Assertions.Expect(pending).ToHaveCountAsync(0);

        await kazakh.Locator("[data-testid=nav-matches]").ClickAsync();
        var check = kazakh.Locator("form[data-testid=match-check]");
        await check.Locator("#mc-id-value-0").FillAsync($"+996 {national[..3]} {national[3..6]} {national[6..]}");
        // No purpose: refused next to the field, nothing checked.
        await check.Locator("[data-testid=match-check-submit]").ClickAsync();
        await Assertions.Expect(check.Locator("[data-error-for=purpose]")).Not.ToBeEmptyAsync(new() { Timeout = Wait });
        await Assertions.Expect(check.Locator("#mc-purpose")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(kazakh.Locator("[data-testid=match-result]")).ToHaveCountAsync(0);

        await check.Locator("#mc-purpose").FillAsync("Case KZ-2026-114");
        await check.Locator("[data-testid=match-check-submit]").ClickAsync();
        var result = kazakh.Locator("[data-testid=match-result][data-item='identifiers[0]']");
        await Assertions.Expect(result).ToHaveAttributeAsync("data-hit", "true", new() { Timeout = Wait });
        await Assertions.Expect(check.Locator("[data-error-for=purpose]")).ToBeEmptyAsync();
        await Assertions.Expect(result.Locator("[data-testid=result-hit]")).ToHaveTextAsync("Hit");
        await Assertions.Expect(result.Locator("[data-testid=record-count]")).ToHaveTextAsync("Matching records: 1");
        await Assertions.Expect(result.Locator("[data-testid=owner-countries]")).ToContainTextAsync("Kyrgyzstan");
        var hit = result.Locator("[data-testid=match-hit]");
        await Assertions.Expect(hit).ToHaveCountAsync(1);
        await Assertions.Expect(hit).ToHaveAttributeAsync("data-state", "MATCH_STATE_PENDING");
        await Assertions.Expect(hit.Locator("[data-testid=match-state]")).ToHaveTextAsync("Pending owner’s decision");
        // Nothing to open while the owner has not decided.
        await Assertions.Expect(hit.Locator("[data-testid=open-record]")).ToHaveCountAsync(0);
        var matchId = await hit.GetAttributeAsync("data-match-id");
        Assert.True(Guid.TryParse(matchId, out _), matchId);
        await Assertions.Expect(hit.Locator("[data-testid=match-ref]")).ToHaveAttributeAsync("title", matchId!);
        await kazakh.ScreenshotAsync(new() { Path = ConsoleBrowser.ScreenshotPath("matches-pending.png"), FullPage = true });
        // The asker's own list has it, without decision buttons: Kazakhstan does not own it.
        var asked = MatchItem(kazakh, matchId!);
        await Assertions.Expect(asked).ToHaveAttributeAsync("data-state", "MATCH_STATE_PENDING", new() { Timeout = Wait });
        await Assertions.Expect(asked.Locator("[data-testid=match-release]")).ToHaveCountAsync(0);

        // Russian: the tab and the state.
        await kazakh.Locator("select#language").SelectOptionAsync("ru");
        await Assertions.Expect(kazakh.Locator("[data-testid=nav-matches] .tab-label")).ToHaveTextAsync("Совпадения");
        await Assertions.Expect(hit.Locator("[data-testid=match-state]")).ToHaveTextAsync("Ожидает решения владельца");
        await Assertions.Expect(result.Locator("[data-testid=result-hit]")).ToHaveTextAsync("Есть совпадение");
        await kazakh.Locator("select#language").SelectOptionAsync("en");

        // The owner's console counts it live, and its liaison officer releases it with a reason.
        await Assertions.Expect(pending).ToHaveTextAsync("1", new() { Timeout = Wait });
        await kyrgyz.Locator("[data-testid=nav-matches]").ClickAsync();
        var owned = MatchItem(kyrgyz, matchId!);
        await Assertions.Expect(owned).ToContainTextAsync("Kazakhstan", new() { Timeout = Wait });
        await Assertions.Expect(owned).ToContainTextAsync("Case KZ-2026-114");
        await owned.Locator("[data-testid=match-release]").ClickAsync();
        var release = owned.Locator("form[data-testid=match-release-form]");
        await release.Locator("[data-testid=match-release-form-submit]").ClickAsync();
        await Assertions.Expect(release.Locator("[data-error-for=reason]")).Not.ToBeEmptyAsync(new() { Timeout = Wait });
        await release.Locator("[name=reason]").FillAsync("Joint investigation with Almaty");
        await release.Locator("[data-testid=match-release-form-submit]").ClickAsync();
        await Assertions.Expect(owned).ToHaveAttributeAsync("data-state", "MATCH_STATE_RELEASED", new() { Timeout = Wait });
        await Assertions.Expect(owned.Locator("[data-testid=match-release]")).ToHaveCountAsync(0);
        await Assertions.Expect(owned.Locator("[data-testid=match-decision]")).ToContainTextAsync("Joint investigation with Almaty");
        await Assertions.Expect(pending).ToHaveCountAsync(0);

        // The asker hears of the release: its row and its hit turn released, and the alert opens.
        await Assertions.Expect(asked).ToHaveAttributeAsync("data-state", "MATCH_STATE_RELEASED", new() { Timeout = Wait });
        await Assertions.Expect(asked.Locator("[data-testid=match-state]")).ToHaveTextAsync("Released");
        await Assertions.Expect(hit).ToHaveAttributeAsync("data-state", "MATCH_STATE_RELEASED", new() { Timeout = Wait });
        await hit.Locator("[data-testid=open-record]").ClickAsync();
        await Assertions.Expect(kazakh.Locator("[data-testid=nav-feed]")).ToHaveAttributeAsync("aria-selected", "true", new() { Timeout = Wait });
        var opened = kazakh.Locator($"[data-testid=feed-item][data-alert-id='{alert.Id}']");
        await Assertions.Expect(opened).ToBeFocusedAsync(new() { Timeout = Wait });
        await Assertions.Expect(opened).ToContainTextAsync("onions from Bishkek");
        await kazakh.ScreenshotAsync(new() { Path = ConsoleBrowser.ScreenshotPath("matches-released.png") });

        // The centre sees every match, read-only: it owns none, so it decides none.
        var centre = await Browser.SignInAsync(node, "operator");
        await centre.Locator("[data-testid=nav-matches]").ClickAsync();
        var seen = MatchItem(centre, matchId!);
        await Assertions.Expect(seen).ToHaveAttributeAsync("data-state", "MATCH_STATE_RELEASED", new() { Timeout = Wait });
        await Assertions.Expect(seen).ToContainTextAsync("Kazakhstan");
        await Assertions.Expect(seen).ToContainTextAsync("Kyrgyzstan");
        await Assertions.Expect(seen.Locator("[data-testid=match-release], [data-testid=match-refuse]")).ToHaveCountAsync(0);
    }
}
