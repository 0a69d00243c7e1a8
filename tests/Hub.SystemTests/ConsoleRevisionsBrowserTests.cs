using Hub.Client;
using Hub.Contracts.V1;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Hub.SystemTests;

/// <summary>
/// Corrections, release changes, withdrawals and the retention review in the console, in a
/// real browser: what each country's console shows when an alert changes after it arrived,
/// and the originator changing its own alert through the console's buttons.
/// </summary>
public sealed class ConsoleRevisionsBrowserTests(Broker broker) : IAsyncLifetime
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

    private static SeizureAlerts.SeizureAlertsClient Alerts(HubProcess node, string token) => new(node.CreateChannel(token));

    private static ILocator FeedItem(IPage page, string alertId) => page.Locator($"[data-testid=feed-item][data-alert-id='{alertId}']");

    [Fact]
    public async Task Other_consoles_show_a_correction_a_narrowing_and_a_withdrawal_in_place_and_drop_the_withdrawn_content()
    {
        Browser.Require();
        await using var node = await HubProcess.StartAsync(broker.HubUri);
        var kyrgyz = await Browser.SignInAsync(node, "liaison.kgz");
        var uzbek = await Browser.SignInAsync(node, "liaison.uzb");
        var kazakh = Alerts(node, await node.AgencyTokenAsync("KAZ"));

        var alert = (await kazakh.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct)).Alert;
        var kgzItem = FeedItem(kyrgyz, alert.Id);
        var uzbItem = FeedItem(uzbek, alert.Id);
        await Assertions.Expect(kgzItem).ToContainTextAsync("onions from Bishkek", new() { Timeout = Wait });
        await Assertions.Expect(uzbItem).ToContainTextAsync("onions from Bishkek", new() { Timeout = Wait });
        await Assertions.Expect(kgzItem.Locator("[data-testid=badge-corrected]")).ToHaveCountAsync(0);

        var content = alert.Content.Clone();
        content.Summary = "Heroin found in a hidden compartment of a truck carrying melons from Osh.";
        content.Items[0].Quantity = 14.2;
        var corrected = (await kazakh.CorrectAlertAsync(new CorrectAlertRequest
        {
            AlertId = alert.Id, ExpectedVersion = alert.Version, Reason = "Weighed again at the laboratory", Alert = content,
        }, cancellationToken: Ct)).Alert;
        await Assertions.Expect(kgzItem.Locator("[data-testid=badge-corrected]")).ToContainTextAsync("v2", new() { Timeout = Wait });
        await Assertions.Expect(kgzItem).ToContainTextAsync("melons from Osh");
        await Assertions.Expect(kgzItem).Not.ToContainTextAsync("onions from Bishkek");
        // Replaced in place, not added as a second entry.
        await Assertions.Expect(kgzItem).ToHaveCountAsync(1);

        var narrowed = (await kazakh.ChangeAlertReleaseAsync(new ChangeAlertReleaseRequest
        {
            AlertId = alert.Id, ExpectedVersion = corrected.Version, Reason = "Operational: Kyrgyzstan only",
            Distribution = Distribution.Addressed, AddressedCountries = { "KGZ" },
        }, cancellationToken: Ct)).Alert;
        await Assertions.Expect(kgzItem).ToHaveAttributeAsync("data-distribution", "DISTRIBUTION_ADDRESSED", new() { Timeout = Wait });
        await Assertions.Expect(kgzItem).ToContainTextAsync("melons from Osh");
        await Assertions.Expect(kgzItem.Locator("[data-testid=badge-withdrawn]")).ToHaveCountAsync(0);
        // Uzbekistan received it under MEMBERS and lost it: told so, without the content.
        await Assertions.Expect(uzbItem.Locator("[data-testid=badge-withdrawn]")).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(uzbItem).ToHaveAttributeAsync("data-withdrawn", "WITHDRAWAL_CAUSE_NO_LONGER_RELEASED");
        await Assertions.Expect(uzbItem).ToContainTextAsync("no longer released");
        await Assertions.Expect(uzbek.Locator("body")).Not.ToContainTextAsync("melons from Osh");
        await Assertions.Expect(uzbek.Locator("body")).Not.ToContainTextAsync("onions from Bishkek");

        await kazakh.WithdrawAlertAsync(new WithdrawAlertRequest
        {
            AlertId = alert.Id, Reason = "The source must be protected", ExpectedVersion = narrowed.Version,
        }, cancellationToken: Ct);
        await Assertions.Expect(kgzItem.Locator("[data-testid=badge-withdrawn]")).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(kgzItem).ToHaveAttributeAsync("data-withdrawn", "WITHDRAWAL_CAUSE_ORIGINATOR");
        await Assertions.Expect(kgzItem).ToContainTextAsync("The source must be protected");
        await Assertions.Expect(kyrgyz.Locator("body")).Not.ToContainTextAsync("melons from Osh");
        await kyrgyz.ScreenshotAsync(new() { Path = ConsoleBrowser.ScreenshotPath("feed-withdrawn.png") });
        await kyrgyz.Locator("select#language").SelectOptionAsync("ru");
        await Assertions.Expect(kgzItem.Locator("[data-testid=badge-withdrawn]")).ToHaveTextAsync("отозвано");
        await Assertions.Expect(kgzItem.Locator("[data-testid=badge-corrected]")).ToHaveTextAsync("исправлено (в3)");
        await Assertions.Expect(kgzItem.Locator("[data-testid=withdrawal]")).ToContainTextAsync("Отозвано: отправителем");
        await kyrgyz.Locator("select#language").SelectOptionAsync("en");
        await kyrgyz.Locator("[data-testid=nav-map]").ClickAsync();
        await Assertions.Expect(kyrgyz.Locator($"[data-testid=alert-marker][data-alert-id='{alert.Id}']")).ToHaveCountAsync(0);

        // After a reload the history comes from the list: the withdrawn alert is either left
        // out or listed as withdrawn, never with its content. A later alert marks the end of it.
        var marker = (await kazakh.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct)).Alert;
        await kyrgyz.ReloadAsync();
        await ConsoleBrowser.WaitConnectedAsync(kyrgyz);
        await kyrgyz.Locator("[data-testid=nav-feed]").ClickAsync();
        await Assertions.Expect(FeedItem(kyrgyz, marker.Id)).ToBeVisibleAsync(new() { Timeout = Wait });
        Assert.Equal(await kgzItem.CountAsync(), await kgzItem.Locator("[data-testid=badge-withdrawn]").CountAsync());
        await Assertions.Expect(kyrgyz.Locator("body")).Not.ToContainTextAsync("melons from Osh");
    }

    [Fact]
    public async Task After_a_reconnect_the_console_catches_up_with_corrections_and_withdrawals_it_missed()
    {
        Browser.Require();
        await using var node = await HubProcess.StartAsync(broker.HubUri);
        IWebSocketRoute? feedSocket = null;
        var kyrgyz = await Browser.SignInAsync(node, "liaison.kgz", page => page.RouteWebSocketAsync(new Regex("/hubs/feed"), socket =>
        {
            feedSocket = socket;
            socket.ConnectToServer();
        }));
        var kazakh = Alerts(node, await node.AgencyTokenAsync("KAZ"));
        var corrected = (await kazakh.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct)).Alert;
        var withdrawn = (await kazakh.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct)).Alert;
        await Assertions.Expect(FeedItem(kyrgyz, withdrawn.Id)).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(FeedItem(kyrgyz, corrected.Id)).ToBeVisibleAsync(new() { Timeout = Wait });

        // The live connection drops and cannot come back (every negotiation fails) while the
        // alerts change: only the catch-up after the reconnect can bring the changes.
        await kyrgyz.RouteAsync("**/hubs/feed/negotiate**", route => route.AbortAsync());
        Assert.NotNull(feedSocket);
        await feedSocket.CloseAsync();
        await Assertions.Expect(kyrgyz.Locator("[data-testid=connection]")).Not.ToHaveAttributeAsync("data-state", "connected", new() { Timeout = Wait });
        var content = corrected.Content.Clone();
        content.Summary = "Corrected while the Kyrgyz console was offline.";
        await kazakh.CorrectAlertAsync(new CorrectAlertRequest { AlertId = corrected.Id, ExpectedVersion = corrected.Version, Reason = "Weighed again", Alert = content }, cancellationToken: Ct);
        await kazakh.WithdrawAlertAsync(new WithdrawAlertRequest { AlertId = withdrawn.Id, Reason = "Posted by mistake" }, cancellationToken: Ct);

        await kyrgyz.UnrouteAllAsync();
        await ConsoleBrowser.WaitConnectedAsync(kyrgyz);
        await Assertions.Expect(FeedItem(kyrgyz, corrected.Id).Locator("[data-testid=badge-corrected]")).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(FeedItem(kyrgyz, corrected.Id)).ToContainTextAsync("while the Kyrgyz console was offline");
        await Assertions.Expect(FeedItem(kyrgyz, withdrawn.Id).Locator("[data-testid=badge-withdrawn]")).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(FeedItem(kyrgyz, withdrawn.Id)).ToContainTextAsync("Posted by mistake");
        await Assertions.Expect(FeedItem(kyrgyz, withdrawn.Id).Locator(".item-summary")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_originator_corrects_its_alert_in_the_console_sees_its_history_and_withdraws_it()
    {
        Browser.Require();
        await using var node = await HubProcess.StartAsync(broker.HubUri);
        var officer = await Browser.SignInAsync(node, "liaison.kaz");
        var kazakh = Alerts(node, await node.PersonTokenAsync("liaison.kaz"));
        var alert = (await kazakh.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct)).Alert;

        var item = FeedItem(officer, alert.Id);
        await Assertions.Expect(item).ToBeVisibleAsync(new() { Timeout = Wait });
        await item.Locator("[data-testid=alert-correct]").ClickAsync();
        var form = officer.Locator("form[data-testid=post-alert]");
        await Assertions.Expect(form.Locator("[data-testid=correction]")).ToBeVisibleAsync();
        await Assertions.Expect(form.Locator("[name=summary]")).ToHaveValueAsync(alert.Content.Summary);
        await Assertions.Expect(form.Locator("[name=place]")).ToHaveValueAsync("Korday, Zhambyl region");
        await Assertions.Expect(form.Locator("[name=quantity]")).ToHaveCountAsync(2);
        await form.Locator("[name=quantity]").First.FillAsync("14.2");

        // No reason: the hub refuses, and says so next to the reason field.
        await officer.Locator("[data-testid=post-alert-submit]").ClickAsync();
        await Assertions.Expect(form.Locator("[data-error-for='reason']")).Not.ToBeEmptyAsync(new() { Timeout = Wait });
        await Assertions.Expect(form.Locator("[name=correctionReason]")).ToHaveAttributeAsync("aria-invalid", "true");

        await form.Locator("[name=correctionReason]").FillAsync("Weighed again at the laboratory");
        await officer.Locator("[data-testid=post-alert-submit]").ClickAsync();
        await Assertions.Expect(item.Locator("[data-testid=badge-corrected]")).ToContainTextAsync("v2", new() { Timeout = Wait });
        await Assertions.Expect(item).ToBeVisibleAsync();
        await Assertions.Expect(item).ToContainTextAsync("14.2 kg Heroin");
        await Assertions.Expect(item).ToContainTextAsync("850 g Hashish");

        await item.Locator("[data-testid=alert-history]").ClickAsync();
        var versions = officer.Locator("[data-testid=history-version]");
        await Assertions.Expect(versions).ToHaveCountAsync(2, new() { Timeout = Wait });
        await Assertions.Expect(versions.First).ToHaveAttributeAsync("data-version", "2");
        await Assertions.Expect(versions.First).ToContainTextAsync("Weighed again at the laboratory");
        await Assertions.Expect(versions.First).ToContainTextAsync("14.2 kg Heroin");
        await Assertions.Expect(versions.Last).ToContainTextAsync("12.4 kg Heroin");
        await Assertions.Expect(officer.Locator("[data-testid=history-dialog]")).Not.ToContainTextAsync("null");
        await officer.ScreenshotAsync(new() { Path = ConsoleBrowser.ScreenshotPath("history.png") });
        await officer.Locator("[data-testid=dialog-close]").ClickAsync();

        // A change made from a version someone else has moved on from is refused, visibly.
        await item.Locator("[data-testid=alert-release]").ClickAsync();
        var release = officer.Locator("form[data-testid=release-form]");
        await release.Locator("[name=distribution]").SelectOptionAsync("DISTRIBUTION_ADDRESSED");
        await release.Locator("[name=addressedCountries][value=KGZ]").CheckAsync();
        await release.Locator("[name=reason]").FillAsync("Kyrgyzstan only");
        var current = await kazakh.GetAlertAsync(new GetAlertRequest { Id = alert.Id }, cancellationToken: Ct);
        var content = current.Content.Clone();
        content.Summary = "Corrected meanwhile by a colleague.";
        await kazakh.CorrectAlertAsync(new CorrectAlertRequest { AlertId = alert.Id, ExpectedVersion = current.Version, Reason = "Colleague's correction", Alert = content }, cancellationToken: Ct);
        await release.Locator("[data-testid=release-form-submit]").ClickAsync();
        var errors = release.Locator("[data-testid=form-errors]");
        await Assertions.Expect(errors).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(errors).ToContainTextAsync("version");
        await officer.Locator("[data-testid=dialog-close]").ClickAsync();
        await Assertions.Expect(item.Locator("[data-testid=badge-corrected]")).ToContainTextAsync("v3", new() { Timeout = Wait });

        await item.Locator("[data-testid=alert-withdraw]").ClickAsync();
        var withdraw = officer.Locator("form[data-testid=withdraw-form]");
        await Assertions.Expect(withdraw.Locator("[name=legalBasis]")).ToHaveCountAsync(0);
        await withdraw.Locator("[name=reason]").FillAsync("Posted by mistake");
        await withdraw.Locator("[data-testid=withdraw-form-submit]").ClickAsync();
        await Assertions.Expect(item.Locator("[data-testid=badge-withdrawn]")).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(item).ToContainTextAsync("Posted by mistake");
        await Assertions.Expect(item.Locator("[data-testid=alert-withdraw]")).ToHaveCountAsync(0);
        await Assertions.Expect(item.Locator("[data-testid=alert-correct]")).ToHaveCountAsync(0);
        var after = await kazakh.GetAlertAsync(new GetAlertRequest { Id = alert.Id }, cancellationToken: Ct);
        Assert.Equal(WithdrawalCause.Originator, after.Withdrawal.Cause);
        Assert.Equal("Posted by mistake", after.Withdrawal.Reason);
    }

    [Fact]
    public async Task The_operator_has_a_retention_review_in_English_and_Russian_and_a_liaison_officer_has_none()
    {
        Browser.Require();
        await using var node = await HubProcess.StartAsync(broker.HubUri);
        var operatorPage = await Browser.SignInAsync(node, "operator");
        var officer = await Browser.SignInAsync(node, "liaison.kgz");
        await Assertions.Expect(officer.Locator("[data-testid=nav-retention]")).ToHaveCountAsync(0);

        var nav = operatorPage.Locator("[data-testid=nav-retention]");
        await Assertions.Expect(nav).ToHaveTextAsync("Retention review");
        await nav.ClickAsync();
        var empty = operatorPage.Locator("[data-testid=retention-empty]");
        // A fresh hub has nothing due for review yet.
        await Assertions.Expect(empty).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(empty).ToHaveTextAsync("No records are due for review.");
        await Assertions.Expect(operatorPage.Locator("[data-testid=retention-item]")).ToHaveCountAsync(0);
        await Assertions.Expect(operatorPage.Locator("[data-testid=retention-status]")).ToBeEmptyAsync();

        await operatorPage.Locator("select#language").SelectOptionAsync("ru");
        await Assertions.Expect(nav).ToHaveTextAsync("Сроки хранения");
        await Assertions.Expect(empty).ToHaveTextAsync("Записей для пересмотра нет.");
        await Assertions.Expect(operatorPage.Locator("[data-testid=retention] h1")).ToHaveTextAsync("Сроки хранения");
        await operatorPage.Locator("[data-testid=retention-reload]").ClickAsync();
        await Assertions.Expect(empty).ToHaveTextAsync("Записей для пересмотра нет.", new() { Timeout = Wait });
    }

    [Fact]
    public async Task The_operator_keeps_one_due_alert_longer_and_purges_another_from_the_review_list()
    {
        Browser.Require();
        // Alerts are due for review a second after they arrive; none is purged by the pass.
        var retention = new Dictionary<string, string> { ["Hub__Retention__AlertReview"] = "00:00:01", ["Hub__Retention__Grace"] = "30.00:00:00" };
        await using var node = await HubProcess.StartAsync(broker.HubUri, extra: retention);
        var kazakh = Alerts(node, await node.AgencyTokenAsync("KAZ"));
        var kept = (await kazakh.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct)).Alert;
        var purged = (await kazakh.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct)).Alert;
        await ConsoleLegalHoldBrowserTests.DueAsync(node, purged.Id);

        var operatorPage = await Browser.SignInAsync(node, "operator");
        await operatorPage.Locator("[data-testid=nav-retention]").ClickAsync();
        var keptItem = operatorPage.Locator($"[data-testid=retention-item][data-record-id='{kept.Id}']");
        var purgedItem = operatorPage.Locator($"[data-testid=retention-item][data-record-id='{purged.Id}']");
        await Assertions.Expect(keptItem).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(purgedItem).ToContainTextAsync("KAZ");

        await keptItem.Locator("[data-testid=retention-extend]").ClickAsync();
        await operatorPage.ScreenshotAsync(new() { Path = ConsoleBrowser.ScreenshotPath("retention.png") });
        var extend = keptItem.Locator("form[data-testid=retention-extend-form]");
        await extend.Locator("[name=keepUntil]").FillAsync(DateTime.UtcNow.AddDays(60).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        // No reason: refused, next to the field.
        await extend.Locator("[data-testid=retention-extend-form-submit]").ClickAsync();
        await Assertions.Expect(extend.Locator("[data-error-for='reason']")).Not.ToBeEmptyAsync(new() { Timeout = Wait });
        await extend.Locator("[name=reason]").FillAsync("Linked to an ongoing investigation in Almaty");
        await extend.Locator("[data-testid=retention-extend-form-submit]").ClickAsync();
        await Assertions.Expect(keptItem).ToHaveCountAsync(0, new() { Timeout = Wait });

        await purgedItem.Locator("[data-testid=retention-purge]").ClickAsync();
        var purge = purgedItem.Locator("form[data-testid=retention-purge-form]");
        await purge.Locator("[name=reason]").FillAsync("Review: no further need");
        await purge.Locator("[data-testid=retention-purge-form-submit]").ClickAsync();
        await Assertions.Expect(purgedItem).ToHaveCountAsync(0, new() { Timeout = Wait });

        Assert.Equal(WithdrawalCause.Retention, (await kazakh.GetAlertAsync(new GetAlertRequest { Id = purged.Id }, cancellationToken: Ct)).Withdrawal.Cause);
        var stillThere = await kazakh.GetAlertAsync(new GetAlertRequest { Id = kept.Id }, cancellationToken: Ct);
        Assert.Null(stillThere.Withdrawal);
        Assert.NotNull(stillThere.Content);
    }
}
