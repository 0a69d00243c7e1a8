using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using ClosedXML.Excel;
using Microsoft.Playwright;

namespace Hub.SystemTests;

/// <summary>
/// The Statistics tab in a real browser, on the national returns of the centre's annual report
/// (2011–2013) imported first: the analyst compares Kazakhstan's 2012 with 2011 and sees the
/// chart and the report's changes (hashish "almost 27 times" down, opium 16 times up, marijuana
/// +2.1 %), exports the comparison as CSV and XLSX (the files read back), colours the map by
/// the totals; then the stated totals that disagree with their figures, and the printable
/// situation report in Russian.
/// </summary>
public sealed class ConsoleStatisticsBrowserTests(Broker broker) : IAsyncLifetime
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

    /// <summary>The hub's copy of the report's returns (src/Hub.Server/Statistics/ReportData).</summary>
    private static string ReportData(string file) => File.ReadAllText(Path.Combine(Broker.RepositoryRoot(), "src", "Hub.Server", "Statistics", "ReportData", file));

    private static async Task ImportReturnsAsync(HubProcess node)
    {
        using var http = new HttpClient { BaseAddress = node.WebAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await node.PersonTokenAsync("analyst"));
        using var response = await http.PostAsJsonAsync("/api/v1/statistics/returns/imports", new
        {
            idempotencyKey = "report-2013-" + Guid.NewGuid().ToString("N"),
            // The figures as the report's tables give them, and what only its sentences state
            // (the changes, totals the tables lack), read as one: one return per country and period.
            csv = ReportData("seizures-2011-2013.csv"),
            moreCsv = new[] { ReportData("report-words.csv") },
            distribution = "DISTRIBUTION_MEMBERS_AND_OBSERVERS",
            handlingCode = "HANDLING_CODE_H0",
            source = "CARICC annual report 2013",
            // The hub may hold the report's returns already: this import replaces them.
            replace = true,
        }, Ct);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
    }

    /// <summary>Signs the analyst in and shows Kazakhstan's returns, 2011 against 2012, a line per substance.</summary>
    private async Task<IPage> ShowKazakhstanAsync(HubProcess node)
    {
        await ImportReturnsAsync(node);
        var page = await Browser.SignInAsync(node, "analyst");
        await page.Locator("[data-testid=nav-statistics]").ClickAsync();
        var form = page.Locator("form[data-testid=stats-form]");
        await form.Locator("#st-source").SelectOptionAsync("STATISTICS_SOURCE_RETURNS");
        await form.Locator("#st-from").FillAsync("2011");
        await form.Locator("#st-to").FillAsync("2012");
        await form.Locator("#st-granularity").SelectOptionAsync("PERIOD_GRANULARITY_YEAR");
        await form.Locator("#st-groupBy").SelectOptionAsync("STATISTICS_DIMENSION_SUBSTANCE");
        await form.Locator("#st-country-KAZ").CheckAsync();
        await form.Locator("[data-testid=stats-show]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=change-row]").First).ToBeVisibleAsync(new() { Timeout = Wait });
        return page;
    }

    private static ILocator Change(IPage page, string substance) =>
        page.Locator($"[data-testid=changes-table] [data-testid=change-row][data-country=KAZ][data-substance={substance}][data-measure=MEASURE_MASS_KG]");

    /// <summary>The cells of the first sheet of a workbook, by row and header, as ClosedXML reads them.</summary>
    private static List<Dictionary<string, IXLCell>> SheetRows(string path)
    {
        // Playwright keeps downloads without an extension, which ClosedXML's file constructor refuses.
        using var file = File.OpenRead(path);
        using var workbook = new XLWorkbook(file);
        var sheet = workbook.Worksheets.First();
        var header = sheet.Row(1).CellsUsed().Select(c => c.GetString()).ToList();
        return [.. sheet.RowsUsed().Skip(1).Select(row => header.Select((name, i) => (name, cell: row.Cell(i + 1))).ToDictionary(p => p.name, p => p.cell))];
    }

    [Fact]
    public async Task The_analyst_compares_Kazakhstan_2012_with_2011_sees_the_chart_exports_it_and_maps_it()
    {
        Browser.Require();
        await using var node = await HubProcess.StartAsync(broker.HubUri);
        var page = await ShowKazakhstanAsync(node);

        // The chart: drawn (a canvas), in kilograms, a line per substance through both years.
        var chart = page.Locator("[data-testid=statistics-chart]");
        await Assertions.Expect(chart).ToHaveAttributeAsync("data-measure", "MEASURE_MASS_KG", new() { Timeout = Wait });
        await Assertions.Expect(chart).ToHaveAttributeAsync("data-periods", "2011,2012");
        await Assertions.Expect(chart.Locator("canvas").First).ToBeVisibleAsync();
        var series = (await chart.GetAttributeAsync("data-series"))!.Split(',');
        Assert.Contains("SUBSTANCE_HASHISH", series);
        Assert.Contains("SUBSTANCE_MARIJUANA", series);
        Assert.True(int.Parse(await chart.GetAttributeAsync("data-points") ?? "0", CultureInfo.InvariantCulture) >= 8);
        Assert.True(await chart.Locator("canvas").First.EvaluateAsync<int>("c => c.width") > 200);
        // Its figures as a table: hashish 6,093 kg in 2011, 225.9 kg in 2012.
        var hashishLine = page.Locator("[data-testid=chart-table] tr[data-key=SUBSTANCE_HASHISH]");
        await Assertions.Expect(hashishLine).ToContainTextAsync("6,093");
        await Assertions.Expect(hashishLine).ToContainTextAsync("225.9");

        // The report's changes: "hashish seizures dropped almost by 27 times", "a 16-times
        // increase" of opium, "marihuana seizure levels increased by 2.1%".
        var hashish = Change(page, "SUBSTANCE_HASHISH");
        await Assertions.Expect(hashish).ToHaveAttributeAsync("data-state", "CHANGE_STATE_COMPARED", new() { Timeout = Wait });
        await Assertions.Expect(hashish.Locator("[data-testid=change-base]")).ToHaveTextAsync("6,093 kg");
        await Assertions.Expect(hashish.Locator("[data-testid=change-current]")).ToHaveTextAsync("225.9 kg");
        await Assertions.Expect(hashish.Locator("[data-testid=change-percent]")).ToHaveTextAsync("−96.3 %");
        await Assertions.Expect(hashish.Locator("[data-testid=change-factor]")).ToHaveTextAsync("×0.037 (27.0 times less)");
        await Assertions.Expect(Change(page, "SUBSTANCE_OPIUM").Locator("[data-testid=change-factor]")).ToHaveTextAsync("×16.1");
        await Assertions.Expect(Change(page, "SUBSTANCE_MARIJUANA").Locator("[data-testid=change-percent]")).ToHaveTextAsync("+2.1 %");
        await Assertions.Expect(Change(page, "SUBSTANCE_PRECURSORS").Locator("[data-testid=change-percent]")).ToHaveTextAsync("−78.1 %");
        // Cocaine: 291 g in 2012 and no 2011 figure — new or not reported, in words, never "0".
        var cocaine = Change(page, "SUBSTANCE_COCAINE");
        await Assertions.Expect(cocaine.Locator("[data-testid=change-current]")).ToHaveTextAsync("0.291 kg");
        await Assertions.Expect(cocaine.Locator("[data-testid=change-state]")).ToHaveTextAsync(new Regex("^(New: nothing in 2011|Not reported for 2011)$"));
        await Assertions.Expect(cocaine.Locator("[data-testid=change-base]")).Not.ToHaveTextAsync(new Regex("^0"));
        await Assertions.Expect(cocaine.Locator("[data-testid=change-percent]")).ToHaveTextAsync("—");
        // Each period says whether it is complete.
        await Assertions.Expect(page.Locator("[data-testid=stats-changes] [data-testid=period-statuses] li[data-period='2012']")).ToHaveCountAsync(1);

        await page.ScreenshotAsync(new() { Path = ConsoleBrowser.ScreenshotPath("statistics-kaz-2011-2012.png"), FullPage = true });

        // Exports, with the bearer token, read back: the comparison's rows, "not reported" in words.
        var csv = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid=export-changes-csv]").ClickAsync());
        Assert.EndsWith(".csv", csv.SuggestedFilename, StringComparison.OrdinalIgnoreCase);
        var csvLines = await File.ReadAllLinesAsync((await csv.PathAsync())!, Ct);
        Assert.StartsWith("country,substance,measure,2011,2012,", csvLines[0], StringComparison.Ordinal);
        var hashishCsv = Assert.Single(csvLines, l => l.StartsWith("KAZ,hashish,", StringComparison.Ordinal));
        Assert.Contains(",6093,225.9,", hashishCsv, StringComparison.Ordinal);
        Assert.Contains(csvLines, l => l.StartsWith("KAZ,cocaine,", StringComparison.Ordinal) && l.Contains("not reported", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("[data-testid=export-status]")).ToContainTextAsync("Downloaded");
        var xlsx = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid=export-changes-xlsx]").ClickAsync());
        Assert.EndsWith(".xlsx", xlsx.SuggestedFilename, StringComparison.OrdinalIgnoreCase);
        var sheet = SheetRows((await xlsx.PathAsync())!);
        var hashishRow = Assert.Single(sheet, r => r["country"].GetString() == "KAZ" && r["substance"].GetString() == "hashish");
        Assert.Equal(6093, hashishRow["2011"].GetDouble(), 6);
        Assert.Equal(225.9, hashishRow["2012"].GetDouble(), 6);
        Assert.Equal(-96.29, hashishRow["change_percent"].GetDouble(), 2);
        Assert.Equal("not reported", Assert.Single(sheet, r => r["country"].GetString() == "KAZ" && r["substance"].GetString() == "cocaine")["2011"].GetString());
        var totalsCsv = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid=export-totals-csv]").ClickAsync());
        var totalsLines = await File.ReadAllLinesAsync((await totalsCsv.PathAsync())!, Ct);
        // A line per substance and year (the chart's series): hashish in 2012.
        Assert.Contains(totalsLines, l => l.StartsWith("hashish,2012,", StringComparison.Ordinal) && l.Contains(",225.9,", StringComparison.Ordinal));

        // At a phone's width nothing is cut off: the page does not scroll sideways.
        await page.SetViewportSizeAsync(390, 844);
        await page.WaitForTimeoutAsync(300);
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 390);
        await Assertions.Expect(chart.Locator("canvas").First).ToBeVisibleAsync();
        Assert.True(await chart.Locator("canvas").First.EvaluateAsync<int>("c => c.getBoundingClientRect().width") <= 390);
        await page.ScreenshotAsync(new() { Path = ConsoleBrowser.ScreenshotPath("statistics-390.png"), FullPage = true });
        await page.SetViewportSizeAsync(1366, 768);

        // The choropleth: Kazakhstan coloured by its total, with the table beside the map.
        await page.Locator("[data-testid=stats-show-map]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=nav-map]")).ToHaveAttributeAsync("aria-selected", "true", new() { Timeout = Wait });
        await Assertions.Expect(page.Locator("[data-testid=map-statistics]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=map-stat-table] tr[data-country=KAZ]")).ToContainTextAsync("Kazakhstan");
        await Assertions.Expect(page.Locator("#map path.country[data-country=KAZ]")).ToHaveAttributeAsync("data-value", new Regex(@"^\d"));
        await page.ScreenshotAsync(new() { Path = ConsoleBrowser.ScreenshotPath("statistics-map.png") });

        // An observer has the tab too: it sees the totals of what it may read.
        var observer = await Browser.SignInAsync(node, "observer.tur");
        await Assertions.Expect(observer.Locator("[data-testid=nav-statistics]")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task The_stated_totals_that_disagree_are_listed_and_the_situation_report_prints_in_Russian()
    {
        Browser.Require();
        await using var node = await HubProcess.StartAsync(broker.HubUri);
        var page = await ShowKazakhstanAsync(node);
        var hashish = Change(page, "SUBSTANCE_HASHISH");

        // Kazakhstan's stated total for 2012 is not the sum of its figures: both numbers shown.
        var finding = page.Locator("[data-testid=consistency-findings] [data-testid=consistency-finding][data-country=KAZ][data-period='2012'][data-check=CONSISTENCY_CHECK_STATED_TOTAL]");
        await Assertions.Expect(finding).ToHaveCountAsync(1, new() { Timeout = Wait });
        await Assertions.Expect(finding.Locator("[data-testid=finding-numbers]")).ToContainTextAsync("stated 28,829 kg, computed from the figures");
        await Assertions.Expect(finding).ToContainTextAsync("CARICC annual report 2013");
        // Its stated change, "a 15.2 % decrease", agrees with its stated totals: listed among every check.
        var change = page.Locator("[data-testid=consistency-all] [data-testid=consistency-finding][data-country=KAZ][data-period='2012'][data-check=CONSISTENCY_CHECK_STATED_CHANGE][data-substance=SUBSTANCE_UNSPECIFIED]");
        await Assertions.Expect(change).ToHaveAttributeAsync("data-verdict", "agrees");
        await Assertions.Expect(change.Locator("[data-testid=finding-numbers]")).ToHaveTextAsync(new Regex(@"^stated -15\.2\s?%, computed from the figures -15\.2\s?%$"));
        await Assertions.Expect(page.Locator("[data-testid=consistency-all] [data-testid=consistency-finding][data-country=KAZ][data-check=CONSISTENCY_CHECK_STATED_CHANGE][data-substance=SUBSTANCE_HASHISH]"))
            .ToHaveAttributeAsync("data-verdict", "agrees");

        // The printable report, in Russian, in a window of its own.
        await page.Locator("select#language").SelectOptionAsync("ru");
        await Assertions.Expect(page.Locator("[data-testid=nav-statistics] .tab-label")).ToHaveTextAsync("Статистика");
        await Assertions.Expect(hashish.Locator("[data-testid=change-percent]")).ToHaveTextAsync("−96,3 %");
        var report = await page.RunAndWaitForPopupAsync(() => page.Locator("[data-testid=stats-report]").ClickAsync());
        report.PageError += (_, error) => TestContext.Current.TestOutputHelper?.WriteLine($"[report page error] {error}");
        Assert.Contains("lang=ru", report.Url, StringComparison.Ordinal);
        await Assertions.Expect(report.Locator("[data-testid=report-heading]")).ToHaveTextAsync("Региональный обзор ситуации, 2012", new() { Timeout = Wait });
        var section = report.Locator("[data-testid=report-section][data-country=KAZ]");
        await Assertions.Expect(section.Locator("h2")).ToHaveTextAsync("Казахстан (KAZ)");
        // It opens as the annual report does: "28,829 kg, a 15.2 % decrease in comparison with 2011 (33,998 kg)".
        await Assertions.Expect(section.Locator("[data-testid=report-lead]")).ToHaveTextAsync(
            new Regex(@"^Казахстан \(KAZ\): в 2012 г\. всего изъято наркотиков 28\s829\sкг \(33\s998\sкг в 2011 г\.\), снижение на 15,2\s%\."));
        await Assertions.Expect(section.Locator("h3").First).ToHaveTextAsync("Изъятия по видам наркотиков (национальная отчётность)");
        await Assertions.Expect(section.Locator("h3", new() { HasText = "Контролируемые поставки" })).ToHaveCountAsync(1);
        await Assertions.Expect(section.Locator("h3", new() { HasText = "Уголовные дела" })).ToHaveCountAsync(1);
        await Assertions.Expect(section.Locator("h3", new() { HasText = "Крупнейшие изъятия" })).ToHaveCountAsync(1);
        var reportHashish = section.Locator("[data-testid=report-returned] [data-testid=change-row][data-substance=SUBSTANCE_HASHISH]");
        await Assertions.Expect(reportHashish.Locator("[data-testid=change-percent]")).ToHaveTextAsync("−96,3 %");
        await Assertions.Expect(reportHashish.Locator("[data-testid=change-factor]")).ToHaveTextAsync("×0,037 (в 27,0 раза меньше)");
        await Assertions.Expect(report.Locator("html")).ToHaveAttributeAsync("lang", "ru");
        // Printed, the tools are gone.
        await report.EmulateMediaAsync(new() { Media = Media.Print });
        await Assertions.Expect(report.Locator("[data-testid=report-tools]")).ToBeHiddenAsync();
        await report.ScreenshotAsync(new() { Path = ConsoleBrowser.ScreenshotPath("statistics-report-ru.png"), FullPage = true });
    }
}
