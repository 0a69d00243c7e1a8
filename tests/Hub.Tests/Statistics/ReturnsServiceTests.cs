using System.Net;
using System.Net.Http.Headers;
using ClosedXML.Excel;
using Grpc.Core;
using Hub.Contracts.V1;

namespace Hub.Tests.Statistics;

/// <summary>
/// The report's returns imported through the API: its consistency as the hub finds it, not
/// reported kept apart from zero, the returns' own release, the report and the export files.
/// </summary>
public sealed class ReturnsServiceTests(HubFactory hub) : IClassFixture<HubFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string ReportFile(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "Hub.Server", "Statistics", "ReportData", name));

    private async Task<Hub.Contracts.V1.Statistics.StatisticsClient> ClientAsync(string person) => new(hub.CreateGrpcChannel(await hub.PersonTokenAsync(person)));

    private async Task ImportReportAsync(Distribution distribution)
    {
        var analyst = await ClientAsync("analyst");
        var imported = await analyst.ImportReturnsAsync(new ImportReturnsRequest
        {
            IdempotencyKey = "report-" + distribution, Csv = ReportFile("seizures-2011-2013.csv"), MoreCsv = { ReportFile("report-words.csv") },
            Distribution = distribution, HandlingCode = HandlingCode.H0, Source = "CARICC annual report 2013", Replace = true,
        }, cancellationToken: Ct);
        Assert.Contains(imported.Returns, r => r.Content.Country == "KAZ" && r.Content.Period == "2012");
    }

    [Fact]
    public async Task The_imported_report_disagrees_with_itself_exactly_where_its_words_and_figures_do()
    {
        await ImportReportAsync(Distribution.MembersAndObservers);
        var findings = (await (await ClientAsync("analyst")).CheckConsistencyAsync(new CheckConsistencyRequest { Countries = { "KAZ", "KGZ", "TKM" } }, cancellationToken: Ct)).Findings;
        var changes = findings.Where(f => f.Check == ConsistencyCheck.StatedChange).ToList();
        Assert.Equal(12, changes.Count);
        Assert.Equal(["TKM Hashish x3.5 x3.4", "TKM Heroin -63% -62%", "TKM Marijuana -4.6% -4.3%", "TKM RawOpium -13.7% -12.1%"],
            changes.Where(f => !f.Agrees).Select(f => $"{f.Country} {f.Substance} {f.StatedText} {f.ComputedText}").Order(StringComparer.Ordinal));
        var kaz2012 = findings.Single(f => f is { Check: ConsistencyCheck.StatedTotal, Country: "KAZ", Period: "2012" });
        Assert.False(kaz2012.Agrees);
        Assert.Equal((28829d, 28673d), (kaz2012.Stated, Math.Round(kaz2012.Computed)));
    }

    [Fact]
    public async Task Returns_keep_not_reported_apart_from_zero_and_compare_as_the_report_does()
    {
        await ImportReportAsync(Distribution.MembersAndObservers);
        var analyst = await ClientAsync("analyst");
        var changes = await analyst.ComparePeriodsAsync(new ComparePeriodsRequest
        {
            Source = StatisticsSource.Returns, BasePeriod = "2011", Period = "2012", GroupBy = { StatisticsDimension.Country, StatisticsDimension.Substance }, Countries = { "KAZ" },
        }, cancellationToken: Ct);
        var opium = changes.Rows.Single(r => r.Substance == Substance.Opium);
        Assert.Equal(16.1, Math.Round(opium.Factor, 1));
        var marijuana = changes.Rows.Single(r => r.Substance == Substance.Marijuana);
        Assert.Equal(2.1, Math.Round(marijuana.ChangePercent, 1));
        // KAZ's 2011 return has no cocaine figure: not reported, not a new category from zero.
        var cocaine = changes.Rows.Single(r => r.Substance == Substance.Cocaine);
        Assert.Equal((ChangeState.NotReported, false, true), (cocaine.State, cocaine.BaseReported, cocaine.Reported));
        Assert.False(cocaine.HasChangePercent);

        var totals = await analyst.GetTotalsAsync(new GetTotalsRequest { Source = StatisticsSource.Returns, From = "2012", To = "2012", GroupBy = { StatisticsDimension.Country } }, cancellationToken: Ct);
        // AZE and RUS sent no return for 2012: not reported, and the year is not complete.
        Assert.True(totals.Rows.Single(r => r.Country == "AZE").NotReported);
        Assert.Equal(["AZE", "RUS"], Assert.Single(totals.Periods).MissingCountries);
        Assert.False(totals.Periods[0].Complete);
        // A year's totals add annual returns only: KGZ's 2012-H1 return is not added to its 2012 one.
        Assert.Equal(242 + 16.5 + 398.5 + 367.5 + 2031.2 + 10171, Math.Round(totals.Rows.Single(r => r.Country == "KGZ" && r.Measure == Measure.MassKg).Quantity, 3));
    }

    [Fact]
    public async Task A_return_released_to_the_originator_only_is_not_counted_for_an_observer_and_a_bad_line_writes_nothing()
    {
        var analyst = await ClientAsync("analyst");
        await analyst.SubmitReturnAsync(new SubmitReturnRequest
        {
            IdempotencyKey = "uzb-1993-return",
            Content = new ReturnContent
            {
                Country = "UZB", Period = "1993", Distribution = Distribution.Originator, HandlingCode = HandlingCode.H1,
                Figures = { new ReturnFigure { Substance = Substance.Heroin, Quantity = 12, Unit = QuantityUnit.Kg }, new ReturnFigure { Substance = Substance.Opium, Quantity = 0, Unit = QuantityUnit.Kg } },
            },
        }, cancellationToken: Ct);
        var request = new GetTotalsRequest { Source = StatisticsSource.Returns, From = "1993", To = "1993", GroupBy = { StatisticsDimension.Country, StatisticsDimension.Substance }, Countries = { "UZB" } };
        var seen = (await analyst.GetTotalsAsync(request, cancellationToken: Ct)).Rows;
        Assert.Equal(12d, seen.Single(r => r.Substance == Substance.Heroin).Quantity);
        // Zero seized is a figure, not "not reported".
        var opium = seen.Single(r => r.Substance == Substance.Opium);
        Assert.Equal((0d, false), (opium.Quantity, opium.NotReported));
        var observer = (await (await ClientAsync("observer.tur")).GetTotalsAsync(request, cancellationToken: Ct)).Rows;
        Assert.True(Assert.Single(observer).NotReported);

        var refused = await Assert.ThrowsAsync<RpcException>(() => analyst.ImportReturnsAsync(new ImportReturnsRequest
        {
            IdempotencyKey = "bad-import-1", Distribution = Distribution.Members, HandlingCode = HandlingCode.H0,
            Csv = "country,period,kind,substance,quantity,unit,source_section\nUZB,1994,item,heroin,5,kg,x\nUZB,1994,item,opium,3,kgs?,x\n",
        }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("line 3", refused.Status.Detail, StringComparison.Ordinal);
        var none = await analyst.ListReturnsAsync(new ListReturnsRequest { Countries = { "UZB" }, FromYear = 1994, ToYear = 1994 }, cancellationToken: Ct);
        Assert.Empty(none.Returns);
    }

    [Fact]
    public async Task The_situation_report_and_the_CSV_and_XLSX_exports_carry_the_same_figures()
    {
        await ImportReportAsync(Distribution.MembersAndObservers);
        var analyst = await ClientAsync("analyst");
        var report = await analyst.GetSituationReportAsync(new GetSituationReportRequest { Period = "2012", Countries = { "TKM" } }, cancellationToken: Ct);
        Assert.Equal("2011", report.BasePeriod);
        var tkm = Assert.Single(report.Sections);
        Assert.Equal(-62.0, Math.Round(tkm.ReturnedSeizures.Single(r => r.Substance == Substance.Heroin).ChangePercent));
        Assert.Contains(tkm.Disagreements, d => d.Substance == Substance.RawOpium);

        using var http = hub.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await hub.PersonTokenAsync("analyst"));
        const string query = "source=STATISTICS_SOURCE_RETURNS&basePeriod=2011&period=2012&groupBy=STATISTICS_DIMENSION_COUNTRY&groupBy=STATISTICS_DIMENSION_SUBSTANCE&countries=KAZ";
        using var csv = await http.GetAsync($"/api/v1/statistics/changes/export?{query}", Ct);
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync(Ct)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("country,substance,measure,2011,2012,change_percent,factor,state", lines[0]);
        Assert.Contains("KAZ,cocaine,kg,not reported,0.291,,,not reported", lines);
        Assert.Contains(lines, l => l.StartsWith("KAZ,marijuana,kg,27380,27957,2.11,1.021,compared", StringComparison.Ordinal));

        using var xlsx = await http.GetAsync($"/api/v1/statistics/changes/export?{query}&format=EXPORT_FORMAT_XLSX", Ct);
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        Assert.Contains("hub-changes.xlsx", xlsx.Content.Headers.ContentDisposition?.ToString() ?? "", StringComparison.Ordinal);
        using var workbook = new XLWorkbook(await xlsx.Content.ReadAsStreamAsync(Ct));
        var sheet = workbook.Worksheet(1);
        var marijuanaRow = sheet.RowsUsed().Single(r => r.Cell(2).GetString() == "marijuana");
        Assert.Equal(27957d, marijuanaRow.Cell(5).GetDouble());

        using var bad = await http.GetAsync("/api/v1/statistics/totals?from=2012&to=2011", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("\"to\"", await bad.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_return_is_refused_naming_each_field_and_stores_nothing()
    {
        var analyst = await ClientAsync("analyst");
        var refused = await Assert.ThrowsAsync<RpcException>(() => analyst.SubmitReturnAsync(new SubmitReturnRequest
        {
            IdempotencyKey = "bad-return-1",
            Content = new ReturnContent
            {
                Country = "TJK", Period = "1992-13", Distribution = Distribution.Members, HandlingCode = HandlingCode.H0,
                Figures = { new ReturnFigure { Substance = Substance.Heroin, Quantity = -1, Unit = QuantityUnit.Kg } },
                StatedChanges = { new StatedChange { BasePeriod = "1991", Stated = "a lot" } },
            },
        }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        foreach (var field in new[] { "content.period", "content.figures[0].quantity", "content.stated_changes[0].stated" })
        {
            Assert.Contains(field + ":", refused.Status.Detail, StringComparison.Ordinal);
        }
        Assert.Empty((await analyst.ListReturnsAsync(new ListReturnsRequest { Countries = { "TJK" }, FromYear = 1992, ToYear = 1992 }, cancellationToken: Ct)).Returns);
    }
}
