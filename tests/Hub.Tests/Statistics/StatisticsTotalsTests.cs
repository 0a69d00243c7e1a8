using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Hub.Client;
using Hub.Contracts.V1;
using Hub.Server.Statistics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Tests.Statistics;

/// <summary>
/// Alert totals as each reader may see them, exact through corrections, withdrawals and the
/// fold, with measures never added together. Each test seizes in a year of its own: the hub
/// is shared by the class.
/// </summary>
public sealed class StatisticsTotalsTests(HubFactory hub) : IClassFixture<HubFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<Hub.Contracts.V1.Statistics.StatisticsClient> StatisticsAsync(string? person = null, string? agency = null) =>
        new(hub.CreateGrpcChannel(person is not null ? await hub.PersonTokenAsync(person) : await hub.AgencyTokenAsync(agency!)));

    private async Task<SeizureAlert> PostAsync(string country, int year, Distribution distribution, params SeizedItem[] items)
    {
        var request = SampleAlerts.HeroinAtKorday(country);
        var a = request.Alert;
        a.SeizedAt = Timestamp.FromDateTime(new DateTime(year, 6, 15, 10, 0, 0, DateTimeKind.Utc));
        a.Distribution = distribution;
        a.Identifiers.Clear();
        a.Items.Clear();
        a.Items.AddRange(items);
        if (distribution == Distribution.Addressed)
        {
            a.AddressedCountries.Add("TUR");
        }
        return (await (await hub.AgencyAlertsClientAsync(country)).PostAlertAsync(request, cancellationToken: Ct)).Alert;
    }

    private static SeizedItem Item(Substance substance, double quantity, QuantityUnit unit) => new() { Substance = substance, Quantity = quantity, Unit = unit };

    private static GetTotalsRequest ByCountryAndSubstance(int year) => new()
    {
        GroupBy = { StatisticsDimension.Country, StatisticsDimension.Substance },
        From = year.ToString(System.Globalization.CultureInfo.InvariantCulture),
        To = year.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static Dictionary<string, double> Table(Totals totals) =>
        totals.Rows.ToDictionary(r => $"{r.Country} {r.Substance} {r.Measure}", r => Math.Round(r.Quantity, 9));

    [Fact]
    public async Task Each_reader_counts_what_it_may_read_and_totals_stay_exact_through_corrections_withdrawals_and_the_fold()
    {
        const int year = 1995;
        var open = await PostAsync("KAZ", year, Distribution.MembersAndObservers, Item(Substance.Heroin, 2, QuantityUnit.Kg), Item(Substance.Heroin, 500, QuantityUnit.G));
        var members = await PostAsync("KAZ", year, Distribution.Members, Item(Substance.Hashish, 1.5, QuantityUnit.T));
        await PostAsync("KAZ", year, Distribution.Originator, Item(Substance.Heroin, 3, QuantityUnit.Kg));
        await PostAsync("KGZ", year, Distribution.Addressed, Item(Substance.Opium, 250, QuantityUnit.G));

        var analyst = await StatisticsAsync(person: "analyst");
        Assert.Equal(new Dictionary<string, double>
        {
            ["KAZ Heroin MassKg"] = 5.5, ["KAZ Hashish MassKg"] = 1500, ["KGZ Opium MassKg"] = 0.25,
        }, Table(await analyst.GetTotalsAsync(ByCountryAndSubstance(year), cancellationToken: Ct)));
        Assert.Equal(3, (await analyst.GetTotalsAsync(ByCountryAndSubstance(year), cancellationToken: Ct)).Rows.Single(r => r.Substance == Substance.Heroin).Items);

        // The observer: what is released to observers and what is addressed to it, nothing else.
        var observer = await StatisticsAsync(person: "observer.tur");
        Assert.Equal(new Dictionary<string, double> { ["KAZ Heroin MassKg"] = 2.5, ["KGZ Opium MassKg"] = 0.25 },
            Table(await observer.GetTotalsAsync(ByCountryAndSubstance(year), cancellationToken: Ct)));
        // Another member: members' and observers' releases, not KAZ's own-eyes alert, not what is addressed to TUR.
        var kgz = await StatisticsAsync(agency: "KGZ");
        Assert.Equal(new Dictionary<string, double> { ["KAZ Heroin MassKg"] = 2.5, ["KAZ Hashish MassKg"] = 1500, ["KGZ Opium MassKg"] = 0.25 },
            Table(await kgz.GetTotalsAsync(ByCountryAndSubstance(year), cancellationToken: Ct)));

        var kazAlerts = await hub.AgencyAlertsClientAsync("KAZ");
        var corrected = open.Content.Clone();
        corrected.Items[0].Quantity = 4;
        await kazAlerts.CorrectAlertAsync(new CorrectAlertRequest { AlertId = open.Id, ExpectedVersion = 1, Reason = "weighed again", Alert = corrected }, cancellationToken: Ct);
        await kazAlerts.WithdrawAlertAsync(new WithdrawAlertRequest { AlertId = members.Id, Reason = "posted twice" }, cancellationToken: Ct);
        var expected = new Dictionary<string, double> { ["KAZ Heroin MassKg"] = 7.5, ["KGZ Opium MassKg"] = 0.25 };
        Assert.Equal(expected, Table(await analyst.GetTotalsAsync(ByCountryAndSubstance(year), cancellationToken: Ct)));
        Assert.Equal(new Dictionary<string, double> { ["KAZ Heroin MassKg"] = 4.5, ["KGZ Opium MassKg"] = 0.25 },
            Table(await observer.GetTotalsAsync(ByCountryAndSubstance(year), cancellationToken: Ct)));

        var fold = hub.Services.GetRequiredService<SeizureFoldPass>();
        while (await fold.FoldAsync(Ct))
        {
        }
        Assert.Equal(0, await hub.WithDbAsync(db => Task.FromResult(db.Set<SeizureTallyRow>().Count())));
        Assert.Equal(expected, Table(await analyst.GetTotalsAsync(ByCountryAndSubstance(year), cancellationToken: Ct)));
        // The cells are exactly what the alerts add up to, read afresh from the alerts.
        var fromAlerts = await hub.WithDbAsync(db => SeizureCells.SumOfAlertsAsync(db, Ct));
        var cells = await hub.WithDbAsync(db => Task.FromResult(db.Set<SeizureCellRow>().ToList()));
        Assert.Equal(fromAlerts.Where(s => s.Value != default).OrderBy(s => s.Key.ToString(), StringComparer.Ordinal).Select(s => (s.Key, s.Value)),
            cells.GroupBy(CellKey.Of).Select(g => (g.Key, (g.Sum(c => c.Amount), g.Sum(c => c.Items)))).OrderBy(s => s.Key.ToString(), StringComparer.Ordinal));
    }

    [Fact]
    public async Task Kilograms_litres_pills_and_ampoules_are_never_added_and_litres_convert_only_when_asked()
    {
        const int year = 1996;
        await PostAsync("TJK", year, Distribution.Members, Item(Substance.Psychotropic, 120, QuantityUnit.Pills), Item(Substance.Psychotropic, 10, QuantityUnit.Ampoules),
            Item(Substance.Psychotropic, 500, QuantityUnit.Ml), Item(Substance.Psychotropic, 2, QuantityUnit.L), Item(Substance.Psychotropic, 0.25, QuantityUnit.Kg));
        var analyst = await StatisticsAsync(person: "analyst");
        var request = ByCountryAndSubstance(year);
        Assert.Equal(new Dictionary<string, double>
        {
            ["TJK Psychotropic MassKg"] = 0.25, ["TJK Psychotropic VolumeL"] = 2.5, ["TJK Psychotropic Pills"] = 120, ["TJK Psychotropic Ampoules"] = 10,
        }, Table(await analyst.GetTotalsAsync(request, cancellationToken: Ct)));

        request.MassEquivalent = true;
        var converted = await analyst.GetTotalsAsync(request, cancellationToken: Ct);
        // Litres count as kilograms (UNODC); pills and ampoules have no documented mass here: they stay counts.
        Assert.Equal(new Dictionary<string, double> { ["TJK Psychotropic MassKg"] = 2.75, ["TJK Psychotropic Pills"] = 120, ["TJK Psychotropic Ampoules"] = 10 }, Table(converted));
        var conversion = Assert.Single(converted.Conversions);
        Assert.Equal((Measure.VolumeL, 1d), (conversion.From, conversion.KilogramsPerUnit));
    }

    [Fact]
    public async Task Periods_group_by_month_and_quarter_and_say_whether_they_are_complete()
    {
        const int year = 1997;
        await PostAsync("UZB", year, Distribution.Members, Item(Substance.Opium, 7, QuantityUnit.Kg));
        var analyst = await StatisticsAsync(person: "analyst");
        var totals = await analyst.GetTotalsAsync(new GetTotalsRequest
        {
            GroupBy = { StatisticsDimension.Period }, Granularity = PeriodGranularity.Quarter, From = $"{year}", To = $"{year}", Countries = { "UZB" },
        }, cancellationToken: Ct);
        var row = Assert.Single(totals.Rows);
        Assert.Equal(($"{year}-Q2", 7d), (row.Period, row.Quantity));
        Assert.Equal([$"{year}-Q1", $"{year}-Q2", $"{year}-Q3", $"{year}-Q4"], totals.Periods.Select(p => p.Period));
        Assert.All(totals.Periods, p => Assert.True(p.Complete));

        var thisYear = DateTime.UtcNow.Year.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var open = await analyst.GetTotalsAsync(new GetTotalsRequest { From = thisYear, To = thisYear }, cancellationToken: Ct);
        Assert.False(Assert.Single(open.Periods).Complete);
    }

    [Fact]
    public async Task Comparisons_give_percent_and_factor_and_call_a_category_new_when_the_base_has_none()
    {
        await PostAsync("TKM", 1998, Distribution.Members, Item(Substance.Heroin, 39.2, QuantityUnit.Kg), Item(Substance.Hashish, 11.4, QuantityUnit.Kg));
        await PostAsync("TKM", 1999, Distribution.Members, Item(Substance.Heroin, 14.9, QuantityUnit.Kg), Item(Substance.Hashish, 39, QuantityUnit.Kg), Item(Substance.Cocaine, 5, QuantityUnit.G));
        var analyst = await StatisticsAsync(person: "analyst");
        var changes = await analyst.ComparePeriodsAsync(new ComparePeriodsRequest
        {
            BasePeriod = "1998", Period = "1999", GroupBy = { StatisticsDimension.Substance }, Countries = { "TKM" },
        }, cancellationToken: Ct);
        var heroin = changes.Rows.Single(r => r.Substance == Substance.Heroin);
        Assert.Equal((ChangeState.Compared, -62.0), (heroin.State, Math.Round(heroin.ChangePercent, 1)));
        Assert.Equal(3.42, Math.Round(changes.Rows.Single(r => r.Substance == Substance.Hashish).Factor, 2));
        var cocaine = changes.Rows.Single(r => r.Substance == Substance.Cocaine);
        Assert.Equal(ChangeState.New, cocaine.State);
        Assert.False(cocaine.HasChangePercent);
    }

    [Theory]
    [InlineData("from", "", "required")]
    [InlineData("from", "12", "is not a period")]
    [InlineData("to", "1989", "is not a period")]
    public async Task A_bad_period_is_refused_naming_its_field(string field, string value, string message)
    {
        var request = new GetTotalsRequest { From = "2012", To = "2012" };
        if (field == "from")
        {
            request.From = value;
        }
        else
        {
            request.To = value;
        }
        var analyst = await StatisticsAsync(person: "analyst");
        var refused = await Assert.ThrowsAsync<RpcException>(() => analyst.GetTotalsAsync(request, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith(field + ":", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(message, refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_facets_at_once_and_days_with_a_facet_are_refused_and_an_admin_reads_no_statistics()
    {
        var analyst = await StatisticsAsync(person: "analyst");
        var twoFacets = await Assert.ThrowsAsync<RpcException>(() => analyst.GetTotalsAsync(new GetTotalsRequest
        {
            From = "2012", To = "2012", GroupBy = { StatisticsDimension.TransportMode }, OriginCountries = { "AFG" },
        }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, twoFacets.StatusCode);
        Assert.StartsWith("group_by:", twoFacets.Status.Detail, StringComparison.Ordinal);
        var days = await Assert.ThrowsAsync<RpcException>(() => analyst.GetTotalsAsync(new GetTotalsRequest
        {
            From = "2012", To = "2012", GroupBy = { StatisticsDimension.Period, StatisticsDimension.Concealment }, Granularity = PeriodGranularity.Day,
        }, cancellationToken: Ct).ResponseAsync);
        Assert.StartsWith("granularity:", days.Status.Detail, StringComparison.Ordinal);

        var admin = await StatisticsAsync(person: "admin");
        var denied = await Assert.ThrowsAsync<RpcException>(() => admin.GetTotalsAsync(new GetTotalsRequest { From = "2012", To = "2012" }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
    }

    [Fact]
    public async Task Route_transport_and_concealment_totals_come_from_their_own_cuts()
    {
        const int year = 2000;
        await PostAsync("KAZ", year, Distribution.Members, Item(Substance.Heroin, 10, QuantityUnit.Kg));
        var analyst = await StatisticsAsync(person: "analyst");
        var transit = await analyst.GetTotalsAsync(new GetTotalsRequest { From = $"{year}", To = $"{year}", GroupBy = { StatisticsDimension.TransitCountry } }, cancellationToken: Ct);
        // The sample's route crosses TJK and KGZ: the seizure counts once for each.
        Assert.Equal([("KGZ", 10d), ("TJK", 10d)], transit.Rows.Select(r => (r.RouteCountry, r.Quantity)));
        var road = await analyst.GetTotalsAsync(new GetTotalsRequest { From = $"{year}", To = $"{year}", TransportModes = { TransportMode.Road } }, cancellationToken: Ct);
        Assert.Equal(10d, Assert.Single(road.Rows).Quantity);
        var air = await analyst.GetTotalsAsync(new GetTotalsRequest { From = $"{year}", To = $"{year}", TransportModes = { TransportMode.Air } }, cancellationToken: Ct);
        Assert.Empty(air.Rows);
    }

    [Fact]
    public async Task The_year_cut_and_the_month_and_day_cuts_give_the_same_totals()
    {
        // A whole year reads the year cut; January to November the month cut; from 2 January the day cut.
        const int year = 2001;
        await PostAsync("AZE", year, Distribution.Members, Item(Substance.Heroin, 1.25, QuantityUnit.Kg), Item(Substance.Opium, 300, QuantityUnit.G));
        var analyst = await StatisticsAsync(person: "analyst");
        var yearly = await analyst.GetTotalsAsync(new GetTotalsRequest { From = $"{year}", To = $"{year}", Countries = { "AZE" }, GroupBy = { StatisticsDimension.Substance } }, cancellationToken: Ct);
        var monthly = await analyst.GetTotalsAsync(new GetTotalsRequest { From = $"{year}-01", To = $"{year}-11", Countries = { "AZE" }, GroupBy = { StatisticsDimension.Substance } }, cancellationToken: Ct);
        var daily = await analyst.GetTotalsAsync(new GetTotalsRequest { From = $"{year}-01-02", To = $"{year}-12-31", Countries = { "AZE" }, GroupBy = { StatisticsDimension.Substance } }, cancellationToken: Ct);
        Assert.Equal(new Dictionary<string, double> { [" Heroin MassKg"] = 1.25, [" Opium MassKg"] = 0.3 }, Table(yearly));
        Assert.Equal(Table(yearly), Table(monthly));
        Assert.Equal(Table(yearly), Table(daily));
    }

    [Fact]
    public async Task A_rebuild_writes_the_next_generation_beside_the_current_and_switches_with_the_same_totals()
    {
        const int year = 2002;
        await PostAsync("RUS", year, Distribution.Members, Item(Substance.Cocaine, 3.5, QuantityUnit.Kg));
        var analyst = await StatisticsAsync(person: "analyst");
        var request = ByCountryAndSubstance(year);
        var before = Table(await analyst.GetTotalsAsync(request, cancellationToken: Ct));
        Assert.Equal(new Dictionary<string, double> { ["RUS Cocaine MassKg"] = 3.5 }, before);

        // As after an upgrade: the state names an older version of the cells.
        var cells = hub.Services.GetRequiredService<StatisticsCells>();
        var generation = cells.Generation!.Value;
        await hub.WithDbAsync(db => db.Set<StatisticsStateRow>().ExecuteUpdateAsync(u => u.SetProperty(s => s.CellsVersion, 0), Ct));
        await hub.Services.GetRequiredService<SeizureCellsBuilder>().BuildAsync(Ct);

        Assert.Equal(generation + 1, cells.Generation);
        Assert.Equal(before, Table(await analyst.GetTotalsAsync(request, cancellationToken: Ct)));
        var generations = await hub.WithDbAsync(db => db.Set<SeizureCellRow>().Select(c => c.Generation).Distinct().ToListAsync(Ct));
        Assert.Equal([generation + 1], generations);
        Assert.Equal(SeizureCells.Version, await hub.WithDbAsync(db => db.Set<StatisticsStateRow>().Select(s => s.CellsVersion).SingleAsync(Ct)));

        // A second build finds the state current: it switches nothing and leaves the cells as they are.
        await hub.Services.GetRequiredService<SeizureCellsBuilder>().BuildAsync(Ct);
        Assert.Equal(generation + 1, cells.Generation);
        Assert.Equal(before, Table(await analyst.GetTotalsAsync(request, cancellationToken: Ct)));
    }

    [Fact]
    public void Cells_not_built_yet_answer_unavailable()
    {
        var refused = Assert.Throws<Hub.Server.ErrorHandling.HubException>(() => new StatisticsCells().Require());
        Assert.Equal(StatusCode.Unavailable, refused.Code);
    }
}
