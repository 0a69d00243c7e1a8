using Hub.Contracts.V1;
using Hub.Server.Statistics;

namespace Hub.Tests.Statistics;

/// <summary>
/// A return's words against its figures: stated totals against the sum of drug figures at the
/// total's own precision, stated changes against the two periods, and what cannot be checked
/// said so rather than counted as zero.
/// </summary>
public sealed class ConsistencyTests
{
    private const string Header = "country,period,kind,substance,quantity,unit,source_section,base_period,stated,words";

    private static IReadOnlyList<ConsistencyFinding> Check(params string[] lines) =>
        Consistency.Check(ReturnsCsv.Parse(string.Join("\n", [Header, .. lines]), "R"));

    [Fact]
    public void A_stated_total_is_the_sum_of_drug_figures_in_its_measure_at_its_own_decimals()
    {
        var findings = Check(
            "TKM,2012,reported_total,all_drugs,752.5,kg,4.1,,,",
            "TKM,2012,item,heroin,14.9,kg,4.1,,,",
            "TKM,2012,item,raw_opium,662600,g,4.1,,,",
            "TKM,2012,item,hashish,39,kg,4.1,,,",
            "TKM,2012,item,marijuana,0.036,t,4.1,,,",
            "TKM,2012,item,precursors,500,kg,4.1,,,",
            "TKM,2012,item,acetic_anhydride,20,kg,4.1,,,",
            "TKM,2012,item,psychotropic_liquid,3,l,4.1,,,",
            "TKM,2012,reported_total,all_drugs,3,l,4.1,,,",
            "KAZ,2012,reported_total,all_drugs,28829,kg,1.1,,,",
            "KAZ,2012,item,marijuana,28672.916,kg,1.1,,,");

        Assert.Equal(
            [
                ("KAZ", Measure.MassKg, "28829 kg", "28673 kg", 28829d, 28673d, false),
                ("TKM", Measure.MassKg, "752.5 kg", "752.5 kg", 752.5, 752.5, true),
                ("TKM", Measure.VolumeL, "3 l", "3 l", 3d, 3d, true),
            ],
            findings.Select(f => (f.Country, f.Measure, f.StatedText, f.ComputedText, f.Stated, f.Computed, f.Agrees)));
        Assert.All(findings, f => Assert.True(f.Checkable && f.Check == ConsistencyCheck.StatedTotal && f.Substance == Substance.Unspecified));
        Assert.Equal("R, 1.1", findings[0].Source);
    }

    [Fact]
    public void A_total_written_in_grams_is_compared_in_grams()
    {
        var f = Assert.Single(Check(
            "TKM,2013-Q1,reported_total,all_drugs,95.15,g,4.1,,,",
            "TKM,2013-Q1,item,heroin,205,g,4.1,,,",
            "TKM,2013-Q1,item,raw_opium,88.282,g,4.1,,,",
            "TKM,2013-Q1,item,marijuana,6.662,g,4.1,,,",
            "TKM,2013-Q1,item,psychotropic_pills,247,pills,4.1,,,"));

        Assert.Equal(("95.15 g", "299.94 g", 0.09515, 0.29994, false, true), (f.StatedText, f.ComputedText, f.Stated, f.Computed, f.Agrees, f.Checkable));
    }

    [Fact]
    public void A_stated_change_is_computed_from_the_same_substance_and_measure_of_the_two_periods()
    {
        var findings = Check(
            "KAZ,2012,item,hashish,225.9,kg,1.1,,,",
            "KAZ,2011,item,hashish,6093,kg,1.1,,,",
            "KAZ,2012,item,psychotropic_pills,50,pills,1.1,,,",
            "KAZ,2011,item,psychotropic_pills,100,pills,1.1,,,",
            "KAZ,2011,item,psychotropic_liquid,1,l,1.1,,,",
            "KAZ,2012,reported_total,all_drugs,28829,kg,1.1,,,",
            "KAZ,2011,reported_total,all_drugs,33998,kg,1.1,,,",
            "KAZ,2012,stated_change,hashish,,,1.1,2011,/27,\"dropped almost by 27 times\"",
            "KAZ,2012,stated_change,psychotropic_pills,,,1.1,2011,-50%,",
            "KAZ,2012,stated_change,all_drugs,,,1.1,2011,-15.3%,");

        var changes = findings.Where(f => f.Check == ConsistencyCheck.StatedChange).ToList();
        Assert.Equal(
            [
                (Substance.Unspecified, Measure.MassKg, "-15.3%", "-15.2%", -15.3, -15.2, false),
                (Substance.Hashish, Measure.MassKg, "/27", "/27", 1d / 27, 1d / 27, true),
                (Substance.Psychotropic, Measure.Pills, "-50%", "-50%", -50d, -50d, true),
            ],
            changes.Select(f => (f.Substance, f.Measure, f.StatedText, f.ComputedText, f.Stated, f.Computed, f.Agrees)));
        Assert.All(changes, f => Assert.Equal(("KAZ", "2012", "2011", true), (f.Country, f.Period, f.BasePeriod, f.Checkable)));
        Assert.Equal("R, 1.1: \"dropped almost by 27 times\"", changes[1].Source);
        Assert.Equal(
            [("2011", ConsistencyCheck.StatedTotal), ("2012", ConsistencyCheck.StatedTotal), ("2012", ConsistencyCheck.StatedChange), ("2012", ConsistencyCheck.StatedChange), ("2012", ConsistencyCheck.StatedChange)],
            findings.Select(f => (f.Period, f.Check)));
    }

    [Fact]
    public void What_is_missing_or_not_reported_on_either_side_cannot_be_checked()
    {
        var findings = Check(
            "UZB,2012,item,heroin,261.5,kg,5.1,,,",
            "UZB,2011,item,heroin,622.2,kg,5.1,,,",
            "UZB,2012,item,opium,770,kg,5.1,,,",
            "UZB,2011,not_reported,opium,,,5.1,,,",
            "UZB,2011,not_reported,psychotropic_pills,,,5.1,,,",
            "UZB,2011,item,methamphetamine,2,pills,5.1,,,",
            "UZB,2011,reported_total,all_drugs,10,pills,5.1,,,",
            "UZB,2012,item,cocaine,1,kg,5.1,,,",
            "UZB,2012,reported_total,all_drugs,3043,kg,5.1,,,",
            "UZB,2012,stated_change,opium,,,5.1,2011,-20%,",
            "UZB,2012,stated_change,cocaine,,,5.1,2011,+5%,",
            "UZB,2012,stated_change,heroin,,,5.1,2010,-5%,",
            "UZB,2012,stated_change,all_drugs,,,5.1,2011,-44%,",
            "UZB,2012,stated_change,heroin,,,5.1,2011,-58%,",
            "TJK,2013-Q1,reported_total,all_drugs,2061,kg,3.1,,,",
            "TJK,2013-Q1,stated_change,all_drugs,,,3.1,2012-Q1,+76%,");

        Assert.Equal(
            [
                ("TJK", "2013-Q1", ConsistencyCheck.StatedTotal, Substance.Unspecified, "2061 kg", false),
                ("TJK", "2013-Q1", ConsistencyCheck.StatedChange, Substance.Unspecified, "+76%", false),
                ("UZB", "2011", ConsistencyCheck.StatedTotal, Substance.Unspecified, "10 pills", false),
                ("UZB", "2012", ConsistencyCheck.StatedTotal, Substance.Unspecified, "3043 kg", true),
                ("UZB", "2012", ConsistencyCheck.StatedChange, Substance.Unspecified, "-44%", false),
                ("UZB", "2012", ConsistencyCheck.StatedChange, Substance.Heroin, "-5%", false),
                ("UZB", "2012", ConsistencyCheck.StatedChange, Substance.Heroin, "-58%", true),
                ("UZB", "2012", ConsistencyCheck.StatedChange, Substance.Opium, "-20%", false),
                ("UZB", "2012", ConsistencyCheck.StatedChange, Substance.Cocaine, "+5%", false),
            ],
            findings.Select(f => (f.Country, f.Period, f.Check, f.Substance, f.StatedText, f.Checkable)));
        Assert.All(findings.Where(f => !f.Checkable), f => Assert.Equal((0d, "", false), (f.Computed, f.ComputedText, f.Agrees)));
        var heroin = findings.Single(f => f.Substance == Substance.Heroin && f.Checkable);
        Assert.Equal(("-58%", -58d, true), (heroin.ComputedText, heroin.Computed, heroin.Agrees));
    }

    [Fact]
    public void Two_returns_for_the_same_country_and_period_are_refused()
    {
        var r = new ReturnContent { Country = "KAZ", Period = "2012" };
        Assert.Throws<ArgumentException>(() => Consistency.Check([r, r.Clone()]));
    }
}
