using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Hub.SystemTests;

/// <summary>
/// The national returns panel of the Statistics tab in a real browser: Kazakhstan's liaison
/// officer enters a return for 2009 (a figure, a figure not reported, a stated total), sees the
/// hub's field error for a bad quantity first, then the return in the list and in the returns'
/// totals, and replaces it; the analyst imports the centre's annual report (its two CSV files,
/// through the file input) and sees Kazakhstan's 2012, after a broken file was refused whole.
/// </summary>
public sealed class ConsoleReturnsBrowserTests(Broker broker) : IAsyncLifetime
{
    private static readonly float Wait = ConsoleBrowser.Wait;
    private ConsoleBrowser? _browser;

    private ConsoleBrowser Browser => _browser!;

    public async ValueTask InitializeAsync() => _browser = await ConsoleBrowser.LaunchAsync();

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
    }

    private static string ReportFile(string file) => Path.Combine(Broker.RepositoryRoot(), "src", "Hub.Server", "Statistics", "ReportData", file);

    private static async Task<ILocator> OpenPanelAsync(IPage page)
    {
        await page.Locator("[data-testid=nav-statistics]").ClickAsync();
        var panel = page.Locator("[data-testid=returns-panel]");
        await Assertions.Expect(panel.Locator("[data-testid=returns-status]")).ToHaveTextAsync(new Regex(@"^\d+ returns\.$"), new() { Timeout = Wait });
        return panel;
    }

    private static ILocator Row(ILocator panel, string country, string period) =>
        panel.Locator($"[data-testid=returns-table] [data-testid=return-row][data-country={country}][data-period='{period}']");

    private static ILocator Figure(ILocator scope, string testid, string substance) =>
        scope.Locator($"[data-testid={testid}] [data-testid=return-figure][data-substance={substance}] [data-testid=figure-quantity]");

    [Fact]
    public async Task A_liaison_officer_enters_a_return_for_Kazakhstan_sees_the_hubs_error_then_the_return_in_the_list_and_the_totals()
    {
        Browser.Require();
        await using var node = await HubProcess.StartAsync(broker.HubUri);
        var page = await Browser.SignInAsync(node, "liaison.kaz");
        var panel = await OpenPanelAsync(page);
        await panel.Locator("[data-testid=returns-enter]").ClickAsync();
        var form = page.Locator("form[data-testid=return-form]");
        await Assertions.Expect(form).ToBeVisibleAsync();

        // A liaison officer's own country, fixed.
        await Assertions.Expect(form.Locator("#rf-country option")).ToHaveCountAsync(1);
        await Assertions.Expect(form.Locator("#rf-country")).ToHaveValueAsync("KAZ");
        // The period is checked as it is typed.
        await form.Locator("#rf-period").FillAsync("2009-13");
        await Assertions.Expect(form.Locator("#rf-period-error")).ToContainTextAsync("Write a year, half-year, quarter or month");
        await Assertions.Expect(form.Locator("#rf-period")).ToHaveAttributeAsync("aria-invalid", "true");
        await form.Locator("#rf-period").FillAsync("2009");
        await Assertions.Expect(form.Locator("#rf-period-error")).ToHaveTextAsync("");

        // Heroin with a quantity the hub refuses; opium not reported; a stated total; a stated change.
        await form.Locator("#rf-figures-substance-0").SelectOptionAsync("SUBSTANCE_HEROIN");
        await form.Locator("#rf-figures-quantity-0").FillAsync("-12.5");
        await form.Locator("#rf-figures-unit-0").SelectOptionAsync("QUANTITY_UNIT_KG");
        await form.Locator("#rf-add-figure").ClickAsync();
        await form.Locator("#rf-figures-substance-1").SelectOptionAsync("SUBSTANCE_OPIUM");
        await form.Locator("#rf-figures-notReported-1").CheckAsync();
        await Assertions.Expect(form.Locator("#rf-figures-quantity-1")).ToBeDisabledAsync();
        await Assertions.Expect(form.Locator("#rf-figures-unit-1")).ToBeDisabledAsync();
        await form.Locator("#rf-statedTotals-quantity-0").FillAsync("12.5");
        await form.Locator("#rf-add-change").ClickAsync();
        await form.Locator("#rf-statedChanges-basePeriod-0").FillAsync("2008");
        await form.Locator("#rf-statedChanges-stated-0").FillAsync("+4.2%");
        await form.Locator("#rf-statedChanges-words-0").FillAsync("Heroin seizures increased by 4.2 %.");
        await form.Locator("#rf-source").FillAsync("National return of Kazakhstan 2009");
        await form.Locator("[data-testid=return-submit]").ClickAsync();

        // The hub's problem document: its error next to the quantity it names, and in the box.
        await Assertions.Expect(form.Locator("#rf-figures-quantity-0-error")).ToContainTextAsync("zero or more", new() { Timeout = Wait });
        await Assertions.Expect(form.Locator("#rf-figures-quantity-0")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(form.Locator("[data-testid=form-errors]")).ToBeVisibleAsync();
        await Assertions.Expect(panel.Locator("[data-testid=return-row]")).ToHaveCountAsync(0);

        await form.Locator("#rf-figures-quantity-0").FillAsync("12.5");
        await form.Locator("[data-testid=return-submit]").ClickAsync();
        await Assertions.Expect(form.Locator("[data-testid=return-result]")).ToHaveTextAsync("Stored the return of KAZ for 2009, version 1.", new() { Timeout = Wait });
        await Assertions.Expect(form.Locator("[data-testid=form-errors]")).ToBeHiddenAsync();

        // In the list, openable: "not reported" in words, never 0.
        var row = Row(panel, "KAZ", "2009");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-version", "1", new() { Timeout = Wait });
        await Assertions.Expect(row.Locator("[data-testid=return-figures-count]")).ToHaveTextAsync("2");
        await Assertions.Expect(row.Locator("[data-testid=return-by]")).Not.ToBeEmptyAsync();
        await Assertions.Expect(row).ToContainTextAsync("National return of Kazakhstan 2009");
        await row.Locator("[data-testid=return-open]").ClickAsync();
        var detail = page.Locator("[data-testid=return-detail]");
        await Assertions.Expect(detail).ToBeFocusedAsync();
        await Assertions.Expect(Figure(detail, "return-figures-table", "SUBSTANCE_HEROIN")).ToHaveTextAsync("12.5 kg");
        await Assertions.Expect(Figure(detail, "return-figures-table", "SUBSTANCE_OPIUM")).ToHaveTextAsync("not reported");
        await Assertions.Expect(Figure(detail, "return-stated-totals", "SUBSTANCE_UNSPECIFIED")).ToHaveTextAsync("12.5 kg");
        await Assertions.Expect(detail.Locator("[data-testid=return-change][data-substance=SUBSTANCE_UNSPECIFIED]")).ToContainTextAsync("+4.2%");

        // A new return for the same period is offered as the stored one's next version.
        await form.Locator("#rf-period").FillAsync("2009");
        await Assertions.Expect(form.Locator("[data-testid=return-exists]")).ToContainTextAsync("version 1: a new one replaces it");
        await Assertions.Expect(form.Locator("[data-testid=return-exists-replace]")).ToHaveTextAsync("Send what is typed here as version 2");

        // Replacing it: the form filled from it, sent with its version; the hub stores version 2.
        await row.Locator("[data-testid=return-replace]").ClickAsync();
        await Assertions.Expect(form.Locator("[data-testid=return-replacing]")).ToContainTextAsync("version 1");
        await Assertions.Expect(form.Locator("#rf-period")).ToHaveValueAsync("2009");
        await Assertions.Expect(form.Locator("[data-testid=return-exists]")).ToBeHiddenAsync();
        await Assertions.Expect(form.Locator("#rf-figures-quantity-0")).ToHaveValueAsync("12.5");
        await Assertions.Expect(form.Locator("#rf-figures-notReported-1")).ToBeCheckedAsync();
        await Assertions.Expect(form.Locator("#rf-statedChanges-stated-0")).ToHaveValueAsync("+4.2%");
        await form.Locator("#rf-figures-quantity-0").FillAsync("13");
        await form.Locator("#rf-statedTotals-quantity-0").FillAsync("13");
        await form.Locator("[data-testid=return-submit]").ClickAsync();
        await Assertions.Expect(form.Locator("[data-testid=return-result]")).ToHaveTextAsync("Stored the return of KAZ for 2009, version 2.", new() { Timeout = Wait });
        await Assertions.Expect(row).ToHaveAttributeAsync("data-version", "2", new() { Timeout = Wait });
        await Assertions.Expect(Figure(detail, "return-figures-table", "SUBSTANCE_HEROIN")).ToHaveTextAsync("13 kg");

        // The returns' totals count it: heroin 13 kg, opium not reported (never 0).
        var stats = page.Locator("form[data-testid=stats-form]");
        await stats.Locator("#st-source").SelectOptionAsync("STATISTICS_SOURCE_RETURNS");
        await stats.Locator("#st-from").FillAsync("2009");
        await stats.Locator("#st-to").FillAsync("2009");
        await stats.Locator("#st-groupBy").SelectOptionAsync("STATISTICS_DIMENSION_SUBSTANCE");
        await stats.Locator("#st-country-KAZ").CheckAsync();
        await stats.Locator("[data-testid=stats-show]").ClickAsync();
        var table = page.Locator("[data-testid=chart-table]");
        await Assertions.Expect(table.Locator("tr[data-key=SUBSTANCE_HEROIN]")).ToContainTextAsync("13", new() { Timeout = Wait });
        // A figure not reported has no measure to chart: the comparison says so in words.
        var opium = page.Locator("[data-testid=changes-table] [data-testid=change-row][data-country=KAZ][data-substance=SUBSTANCE_OPIUM]");
        await Assertions.Expect(opium.Locator("[data-testid=change-current]")).ToHaveTextAsync("not reported");
        await Assertions.Expect(opium.Locator("[data-testid=change-state]")).ToContainTextAsync("Not reported");

        // At a phone's width, with the form open, nothing is cut off.
        await page.SetViewportSizeAsync(390, 844);
        await page.WaitForTimeoutAsync(300);
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 390);
        await page.ScreenshotAsync(new() { Path = ConsoleBrowser.ScreenshotPath("returns-form-390.png"), FullPage = true });
        await page.SetViewportSizeAsync(1366, 768);

        // In Russian: the panel, the form and the figures.
        await page.Locator("select#language").SelectOptionAsync("ru");
        await Assertions.Expect(panel.Locator("#returns-heading")).ToHaveTextAsync("Национальная отчётность");
        await Assertions.Expect(form.Locator("label[for=rf-figures-notReported-0]")).ToContainTextAsync("Нет данных");
        await Assertions.Expect(Figure(detail, "return-figures-table", "SUBSTANCE_OPIUM")).ToHaveTextAsync("нет данных");
    }

    [Fact]
    public async Task The_analyst_imports_the_reports_two_files_and_sees_Kazakhstan_2012_after_a_broken_file_stored_nothing()
    {
        Browser.Require();
        await using var node = await HubProcess.StartAsync(broker.HubUri);
        var page = await Browser.SignInAsync(node, "analyst");
        var panel = await OpenPanelAsync(page);
        await Assertions.Expect(panel.Locator("[data-testid=returns-status]")).ToHaveTextAsync("0 returns.");
        await panel.Locator("[data-testid=returns-import-open]").ClickAsync();
        var form = page.Locator("form[data-testid=returns-import]");
        await Assertions.Expect(form).ToBeVisibleAsync();

        // A broken file: every line error listed, nothing stored.
        var broken = Path.Combine(Path.GetTempPath(), $"broken-returns-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(broken, "country,period,kind,substance,quantity,unit,source_section\nKAZ,2012,item,heroin,12.5,kg,1.1\nKAZ,2012,item,opium,lots,kg,1.1\n", TestContext.Current.CancellationToken);
        try
        {
            await form.Locator("[data-testid=import-files]").SetInputFilesAsync(broken);
            await form.Locator("[data-testid=import-submit]").ClickAsync();
            var error = form.Locator("[data-testid=import-errors] [data-testid=import-error]");
            await Assertions.Expect(error.First).ToContainTextAsync("Line 3", new() { Timeout = Wait });
            await Assertions.Expect(form.Locator("[data-testid=form-errors]")).ToContainTextAsync("nothing was stored");
            await Assertions.Expect(form.Locator("[data-testid=import-result]")).ToHaveTextAsync("");
            await panel.Locator("[data-testid=returns-reload]").ClickAsync();
            await Assertions.Expect(panel.Locator("[data-testid=returns-status]")).ToHaveTextAsync("0 returns.", new() { Timeout = Wait });
        }
        finally
        {
            File.Delete(broken);
        }

        // The report's two files, the figures first: one return per country and period.
        var files = new[] { ReportFile("seizures-2011-2013.csv"), ReportFile("report-words.csv") };
        var expected = files.SelectMany(f => File.ReadLines(f).Skip(1)).Where(l => l.Length > 0)
            .Select(l => string.Join(',', l.Split(',').Take(2))).Distinct(StringComparer.Ordinal).Count();
        await form.Locator("[data-testid=import-files]").SetInputFilesAsync(files);
        await Assertions.Expect(form.Locator("[data-testid=import-chosen] [data-testid=import-file]")).ToHaveCountAsync(2);
        await Assertions.Expect(form.Locator("[data-testid=import-errors] [data-testid=import-error]")).ToHaveCountAsync(0);
        await form.Locator("#ri-source").FillAsync("CARICC annual report 2013");
        await form.Locator("#ri-distribution").SelectOptionAsync("DISTRIBUTION_MEMBERS_AND_OBSERVERS");
        await form.Locator("#ri-handlingCode").SelectOptionAsync("HANDLING_CODE_H0");
        await form.Locator("[data-testid=import-submit]").ClickAsync();
        await Assertions.Expect(form.Locator("[data-testid=import-result]")).ToHaveTextAsync($"Stored {expected} returns.", new() { Timeout = Wait });
        await Assertions.Expect(panel.Locator("[data-testid=returns-status]")).ToHaveTextAsync($"{expected} returns.", new() { Timeout = Wait });

        // Kazakhstan's 2012: its figures, the stated total of the report's words, its changes.
        var row = Row(panel, "KAZ", "2012");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-version", "1");
        await Assertions.Expect(row).ToContainTextAsync("CARICC annual report 2013");
        await row.Locator("[data-testid=return-open]").ClickAsync();
        var detail = page.Locator("[data-testid=return-detail]");
        await Assertions.Expect(Figure(detail, "return-figures-table", "SUBSTANCE_HASHISH")).ToHaveTextAsync("225.9 kg");
        await Assertions.Expect(Figure(detail, "return-stated-totals", "SUBSTANCE_UNSPECIFIED")).ToHaveTextAsync("28,829 kg");
        await Assertions.Expect(detail.Locator("[data-testid=return-change][data-substance=SUBSTANCE_UNSPECIFIED]")).ToContainTextAsync("-15.2%");
        await Assertions.Expect(detail.Locator("[data-testid=return-change][data-substance=SUBSTANCE_OPIUM]")).ToContainTextAsync("16-times increase");
        await page.ScreenshotAsync(new() { Path = ConsoleBrowser.ScreenshotPath("returns-imported.png"), FullPage = true });

        // The same files again, replacing what is stored: each return gets its version 2.
        await form.Locator("[data-testid=import-files]").SetInputFilesAsync(files);
        await form.Locator("[data-testid=import-replace]").CheckAsync();
        await form.Locator("[data-testid=import-submit]").ClickAsync();
        await Assertions.Expect(form.Locator("[data-testid=import-result]")).ToHaveTextAsync($"Stored {expected} returns.", new() { Timeout = Wait });
        await Assertions.Expect(row).ToHaveAttributeAsync("data-version", "2", new() { Timeout = Wait });

        // An observer reads the returns released to observers, and has neither the form nor the import.
        var observer = await Browser.SignInAsync(node, "observer.tur");
        var observerPanel = await OpenPanelAsync(observer);
        await Assertions.Expect(Row(observerPanel, "KAZ", "2012")).ToHaveCountAsync(1);
        await Assertions.Expect(observer.Locator("[data-testid=returns-enter]")).ToHaveCountAsync(0);
        await Assertions.Expect(observer.Locator("[data-testid=returns-import]")).ToHaveCountAsync(0);
    }
}
