using Hub.Client;
using Hub.Contracts.V1;
using Microsoft.Playwright;

namespace Hub.SystemTests;

/// <summary>
/// An operator puts a case under legal hold from the retention review, in a real browser: the
/// alert the case links shows as held on the list, and the hub refuses to purge it.
/// </summary>
public sealed class ConsoleLegalHoldBrowserTests(Broker broker) : IAsyncLifetime
{
    private static readonly float Wait = ConsoleBrowser.Wait;
    private ConsoleBrowser? _browser;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _browser = await ConsoleBrowser.LaunchAsync();

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
    }

    /// <summary>Waits (bounded) until the record is on the centre's review list.</summary>
    internal static async Task DueAsync(HubProcess node, string recordId)
    {
        var retention = new Retention.RetentionClient(node.CreateChannel(await node.PersonTokenAsync("operator")));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await retention.ListDueForReviewAsync(new ListDueForReviewRequest { PageSize = 200 }, cancellationToken: Ct)).Records.Any(r => r.RecordId == recordId))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{recordId} never came due for review");
            await Task.Delay(100, Ct);
        }
    }

    [Fact]
    public async Task The_operator_holds_a_case_and_its_linked_alert_is_shown_held_and_kept_from_purge()
    {
        _browser!.Require();
        var settings = new Dictionary<string, string> { ["Hub__Retention__AlertReview"] = "00:00:01", ["Hub__Retention__Grace"] = "30.00:00:00" };
        await using var node = await HubProcess.StartAsync(broker.HubUri, extra: settings);
        var kazakh = new SeizureAlerts.SeizureAlertsClient(node.CreateChannel(await node.AgencyTokenAsync("KAZ")));
        var alert = (await kazakh.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct)).Alert;
        var cases = new Cases.CasesClient(node.CreateChannel(await node.PersonTokenAsync("liaison.kaz")));
        var linked = await cases.OpenCaseAsync(new OpenCaseRequest
        {
            IdempotencyKey = "hold-" + Guid.NewGuid().ToString("N")[..12], Title = "Korday heroin, prosecution", OwnerCountry = "KAZ", LinkedAlertIds = { alert.Id },
        }, cancellationToken: Ct);
        await DueAsync(node, alert.Id);

        var page = await _browser.SignInAsync(node, "operator");
        await page.Locator("[data-testid=nav-retention]").ClickAsync();
        var item = page.Locator($"[data-testid=retention-item][data-record-id='{alert.Id}']");
        await Assertions.Expect(item).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(item.Locator("[data-badge=held]")).ToHaveCountAsync(0);

        var hold = page.Locator("[data-testid=legal-hold]");
        await hold.Locator("summary").ClickAsync();
        var form = hold.Locator("form[data-testid=legal-hold-form]");
        await form.Locator("[name=caseId]").FillAsync(linked.Id);
        // No reason: refused next to the field, nothing held.
        await form.Locator("[data-testid=legal-hold-form-submit]").ClickAsync();
        await Assertions.Expect(form.Locator("[data-error-for='reason']")).Not.ToBeEmptyAsync(new() { Timeout = Wait });
        await form.Locator("[name=reason]").FillAsync("Prosecution pending in Almaty");
        await form.Locator("[data-testid=legal-hold-form-submit]").ClickAsync();
        await Assertions.Expect(hold.Locator("[data-testid=legal-hold-result]")).ToContainTextAsync(linked.Id, new() { Timeout = Wait });
        await Assertions.Expect(item.Locator("[data-badge=held]")).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(item).ToContainTextAsync(linked.Id);

        // The purge button is still there; the hub refuses it and the form says why.
        await item.Locator("[data-testid=retention-purge]").ClickAsync();
        var purge = item.Locator("form[data-testid=retention-purge-form]");
        await purge.Locator("[name=reason]").FillAsync("Review: no further need");
        await purge.Locator("[data-testid=retention-purge-form-submit]").ClickAsync();
        await Assertions.Expect(purge.Locator("[data-testid=form-errors]")).ToContainTextAsync("legal hold", new() { Timeout = Wait });
        Assert.Null((await kazakh.GetAlertAsync(new GetAlertRequest { Id = alert.Id }, cancellationToken: Ct)).Withdrawal);

        // Russian too.
        await page.Locator("select#language").SelectOptionAsync("ru");
        await Assertions.Expect(hold.Locator("summary")).ToHaveTextAsync("Правовое удержание дела");
    }
}
