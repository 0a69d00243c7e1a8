using System.Security.Cryptography;
using Hub.Contracts.V1;
using Hub.Server.Statistics;

namespace Hub.Tests.Statistics;

/// <summary>
/// The CARICC annual report 2013 as embedded returns, checked against itself: every change its
/// words state for Kazakhstan, Kyrgyzstan and Turkmenistan recomputed from its figures, and
/// every stated total against the sum of its drug figures. The expected values were worked
/// out by hand from the report's figures (e.g. Turkmenistan heroin 14.9 kg against 39.2 kg is
/// −61.99 %, "−62 %", where the words say 63 %).
/// </summary>
public sealed class ReportDataTests
{
    private static readonly IReadOnlyList<ConsistencyFinding> Findings = Consistency.Check(ReportData.Load());

    [Fact]
    public void The_figures_are_the_shared_data_file_byte_for_byte()
    {
        using var stream = typeof(ReportData).Assembly.GetManifestResourceStream("Hub.Server.Statistics.ReportData.seizures-2011-2013.csv");
        Assert.NotNull(stream);
        Assert.Equal("6c332c5ddae8f1685ba333d2a58f16e6acd068802fb61ec7aaf2affb193f5a0c", Convert.ToHexStringLower(SHA256.HashData(stream)));
    }

    [Fact]
    public void Figures_and_words_load_as_one_return_per_country_and_period()
    {
        var returns = ReportData.Load();

        Assert.Equal(
            [
                ("KAZ", "2011", 5, 1, 0, "CARICC annual report 2013, 1.1"), ("KAZ", "2012", 6, 1, 4, "CARICC annual report 2013, 1.1"),
                ("KGZ", "2011", 6, 1, 0, "CARICC annual report 2013, 2.1"), ("KGZ", "2012", 6, 1, 3, "CARICC annual report 2013, 2.1"),
                ("KGZ", "2012-H1", 5, 1, 0, "CARICC annual report 2013, 2.1"), ("KGZ", "2013-H1", 5, 1, 0, "CARICC annual report 2013, 2.1"),
                ("TJK", "2011", 5, 1, 0, "CARICC annual report 2013, 3.1"), ("TJK", "2012", 5, 1, 0, "CARICC annual report 2013, 3.1"),
                ("TJK", "2013-Q1", 0, 1, 1, "CARICC annual report 2013, 3.1"),
                ("TKM", "2011", 4, 1, 0, "CARICC annual report 2013, 4.1"), ("TKM", "2012", 4, 1, 5, "CARICC annual report 2013, 4.1"),
                ("TKM", "2012-Q1", 6, 1, 0, "CARICC annual report 2013, 4.1"), ("TKM", "2013-Q1", 6, 1, 0, "CARICC annual report 2013, 4.1"),
                ("UZB", "2011", 5, 1, 0, "CARICC annual report 2013, 5.1"), ("UZB", "2012", 5, 1, 0, "CARICC annual report 2013, 5.1"),
            ],
            returns.Select(r => (r.Country, r.Period, r.Figures.Count, r.StatedTotals.Count, r.StatedChanges.Count, r.Source)));
        var kaz2012 = returns[1];
        Assert.Equal(0.291, kaz2012.Figures.Single(f => f.Substance == Substance.Cocaine).NormalizedQuantity, 1e-12);
        Assert.Equal(Measure.Ampoules, returns[12].Figures.Single(f => f.Unit == QuantityUnit.Ampoules).Measure);
        Assert.All(returns.SelectMany(r => r.StatedChanges), c => Assert.NotEmpty(c.Words));
    }

    [Fact]
    public void Every_change_the_report_states_for_Kazakhstan_Kyrgyzstan_and_Turkmenistan_is_recomputed_from_its_figures()
    {
        var changes = Findings
            .Where(f => f.Check == ConsistencyCheck.StatedChange && f.Country is "KAZ" or "KGZ" or "TKM")
            .Select(f => (f.Country, f.Period, f.BasePeriod, f.Substance, f.StatedText, f.ComputedText, f.Agrees))
            .ToList();

        Assert.Equal(
            [
                ("KAZ", "2012", "2011", Substance.Unspecified, "-15.2%", "-15.2%", true), // 28829 / 33998
                ("KAZ", "2012", "2011", Substance.Opium, "x16", "x16", true), // 183 / 11.37 = 16.09
                ("KAZ", "2012", "2011", Substance.Hashish, "/27", "/27", true), // 6093 / 225.9 = 26.97
                ("KAZ", "2012", "2011", Substance.Marijuana, "+2.1%", "+2.1%", true), // 27957 / 27380
                ("KGZ", "2012", "2011", Substance.Unspecified, "-23.89%", "-23.89%", true), // 13656 / 17942: −23.888
                ("KGZ", "2012", "2011", Substance.Heroin, "-27%", "-27%", true), // 242 / 332: −27.1
                ("KGZ", "2012", "2011", Substance.OpiumPoppy, "x2.8", "x2.8", true), // 398.5 / 140.5 = 2.84
                ("TKM", "2012", "2011", Substance.Unspecified, "-11%", "-11%", true), // 752.5 / 845.3: −10.98
                ("TKM", "2012", "2011", Substance.Heroin, "-63%", "-62%", false), // 14.9 / 39.2: −61.99
                ("TKM", "2012", "2011", Substance.RawOpium, "-13.7%", "-12.1%", false), // 662.6 / 753.6: −12.08
                ("TKM", "2012", "2011", Substance.Hashish, "x3.5", "x3.4", false), // 39 / 11.4 = 3.42
                ("TKM", "2012", "2011", Substance.Marijuana, "-4.6%", "-4.3%", false), // 36 / 37.6: −4.26
            ],
            changes);
        Assert.All(Findings.Where(f => f.Check == ConsistencyCheck.StatedChange && f.Country != "TJK"), f => Assert.True(f.Checkable));
    }

    [Fact]
    public void The_stated_percent_of_a_decrease_is_negative()
    {
        var total = Findings.Single(f => f is { Country: "KAZ", Check: ConsistencyCheck.StatedChange, Substance: Substance.Unspecified });
        Assert.Equal((-15.2, -15.2, Measure.MassKg), (total.Stated, total.Computed, total.Measure));
        Assert.StartsWith("CARICC annual report 2013, 1.1: \"Total number of drugs seized in Kazakhstan over 2012 is 28,829 kg", total.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void The_stated_totals_that_are_not_the_sum_of_their_figures()
    {
        var totals = Findings.Where(f => f.Check == ConsistencyCheck.StatedTotal).ToList();

        Assert.Equal(
            [
                ("KAZ", "2011", "33998 kg", "33791 kg"), // 33791.07
                ("KAZ", "2012", "28829 kg", "28673 kg"), // 28672.916
                ("KGZ", "2011", "17942 kg", "3109 kg"),
                ("KGZ", "2012", "13656 kg", "3056 kg"),
                ("KGZ", "2012-H1", "14156 kg", "1310 kg"),
                ("KGZ", "2013-H1", "3644 kg", "1360 kg"),
                ("TJK", "2011", "4238 kg", "4230 kg"),
                ("TJK", "2012", "5979 kg", "5973 kg"),
                ("TKM", "2011", "845.3 kg", "841.8 kg"),
                ("TKM", "2012-Q1", "329.935 kg", "329.810 kg"),
                ("TKM", "2013-Q1", "95.15 g", "299.94 g"), // 0.299944 kg, where the words say 0.09515 kg
                ("UZB", "2011", "5404 kg", "5467 kg"), // 5467.3
            ],
            totals.Where(f => f.Checkable && !f.Agrees).Select(f => (f.Country, f.Period, f.StatedText, f.ComputedText)));
        Assert.Equal(
            [("TKM", "2012", "752.5 kg"), ("UZB", "2012", "3043 kg")], // 3043.2 at the kilogram
            totals.Where(f => f.Agrees).Select(f => (f.Country, f.Period, f.ComputedText)));
        Assert.Equal([("TJK", "2013-Q1")], totals.Where(f => !f.Checkable).Select(f => (f.Country, f.Period)));
        var tkm = totals.Single(f => f is { Country: "TKM", Period: "2013-Q1" });
        Assert.Equal((0.09515, 0.29994), (tkm.Stated, tkm.Computed));
    }
}
