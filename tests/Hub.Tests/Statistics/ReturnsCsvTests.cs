using Hub.Contracts.V1;
using Hub.Server.Statistics;

namespace Hub.Tests.Statistics;

/// <summary>
/// The returns CSV of ImportReturnsRequest.csv: every unit into its measure, not reported kept
/// apart from zero, one return per country and period, and every error of a file at once,
/// each with its line and column.
/// </summary>
public sealed class ReturnsCsvTests
{
    private const string Header = "country,period,kind,substance,quantity,unit,source_section";
    private const string FullHeader = Header + ",base_period,stated,words";

    private static string Csv(params string[] lines) => string.Join("\n", lines) + "\n";

    public static TheoryData<string, QuantityUnit, double, double, Measure, Substance> Units() => new()
    {
        { "heroin,250,g", QuantityUnit.G, 250, 0.25, Measure.MassKg, Substance.Heroin },
        { "heroin,2.5,kg", QuantityUnit.Kg, 2.5, 2.5, Measure.MassKg, Substance.Heroin },
        { "marijuana,1.5,t", QuantityUnit.T, 1.5, 1500, Measure.MassKg, Substance.Marijuana },
        { "psychotropic_liquid,120,ml", QuantityUnit.Ml, 120, 0.12, Measure.VolumeL, Substance.Psychotropic },
        { "acetic_anhydride,3,l", QuantityUnit.L, 3, 3, Measure.VolumeL, Substance.AceticAnhydride },
        { "psychotropic_pills,247,pills", QuantityUnit.Pills, 247, 247, Measure.Pills, Substance.Psychotropic },
        { "psychotropic_ampoules,10,ampoules", QuantityUnit.Ampoules, 10, 10, Measure.Ampoules, Substance.Psychotropic },
    };

    [Theory]
    [MemberData(nameof(Units))]
    public void Every_unit_becomes_a_figure_in_its_measure(string figure, QuantityUnit unit, double quantity, double normalized, Measure measure, Substance substance)
    {
        var returns = ReturnsCsv.Parse(Csv(Header, $"TKM,2013-Q1,item,{figure},4.1"), "CARICC annual report 2013");

        var r = Assert.Single(returns);
        Assert.Equal(("TKM", "2013-Q1", "CARICC annual report 2013, 4.1"), (r.Country, r.Period, r.Source));
        var f = Assert.Single(r.Figures);
        Assert.Equal((substance, quantity, unit, measure, false), (f.Substance, f.Quantity, f.Unit, f.Measure, f.NotReported));
        Assert.Equal(normalized, f.NormalizedQuantity, 1e-12);
    }

    [Fact]
    public void The_national_psychotropic_forms_are_one_substance_in_three_measures()
    {
        var r = Assert.Single(ReturnsCsv.Parse(Csv(Header,
            "TKM,2013-Q1,item,psychotropic_pills,247,pills,4.1",
            "TKM,2013-Q1,item,psychotropic_ampoules,10,ampoules,4.1",
            "TKM,2013-Q1,item,psychotropic_liquid,0.5,ml,4.1"), "R"));

        Assert.Equal([Measure.Pills, Measure.Ampoules, Measure.VolumeL], r.Figures.Select(f => f.Measure));
        Assert.All(r.Figures, f => Assert.Equal(Substance.Psychotropic, f.Substance));
        Assert.Equal(0.0005, r.Figures[2].NormalizedQuantity, 1e-12);
    }

    [Fact]
    public void Not_reported_is_kept_apart_from_zero()
    {
        var r = Assert.Single(ReturnsCsv.Parse(Csv(Header,
            "UZB,2012,item,cocaine,0,kg,5.1",
            "UZB,2012,not_reported,methamphetamine,,,5.1",
            "UZB,2012,not_reported,psychotropic_pills,,,5.1"), "R"));

        var zero = r.Figures[0];
        Assert.Equal((Substance.Cocaine, false, 0d, QuantityUnit.Kg, Measure.MassKg), (zero.Substance, zero.NotReported, zero.Quantity, zero.Unit, zero.Measure));
        var missing = r.Figures[1];
        Assert.Equal((Substance.Methamphetamine, true, QuantityUnit.Unspecified, Measure.MassKg), (missing.Substance, missing.NotReported, missing.Unit, missing.Measure));
        Assert.Equal((Substance.Psychotropic, true, Measure.Pills), (r.Figures[2].Substance, r.Figures[2].NotReported, r.Figures[2].Measure));
    }

    [Fact]
    public void Lines_are_grouped_into_one_return_per_country_and_period_in_order()
    {
        var returns = ReturnsCsv.Parse("\uFEFF" + Csv(FullHeader,
            "TKM,2012,item,heroin,14.9,kg,4.1,,,",
            "",
            "KAZ,2012,reported_total,all_drugs,28829,kg,1.1,,,",
            "   ",
            "KAZ,2011,item,heroin,306.7,kg,1.1,,,",
            ",,,,,,,,,",
            "KAZ,2012,item,heroin,306.725,kg,1.3,,,",
            "KAZ,2012,stated_change,opium,,,1.1,2011,x16,\"Opium seizures, indeed, are \"\"equaled\"\"\nto 183 kg\"",
            "KAZ,2012,stated_change,all_drugs,,,,2011,−15.2%,").Replace("\n", "\r\n", StringComparison.Ordinal), "CARICC annual report 2013");

        Assert.Equal(["KAZ 2011", "KAZ 2012", "TKM 2012"], returns.Select(r => $"{r.Country} {r.Period}"));
        var kaz = returns[1];
        Assert.Equal("CARICC annual report 2013, 1.1, 1.3", kaz.Source);
        Assert.Equal("CARICC annual report 2013, 4.1", returns[2].Source);
        var total = Assert.Single(kaz.StatedTotals);
        Assert.Equal((Substance.Unspecified, 28829d, QuantityUnit.Kg, Measure.MassKg), (total.Substance, total.Quantity, total.Unit, total.Measure));
        Assert.Equal(306.725, Assert.Single(kaz.Figures).Quantity);
        Assert.Equal(2, kaz.StatedChanges.Count);
        var opium = kaz.StatedChanges[0];
        Assert.Equal((Substance.Opium, "2011", "x16", Measure.MassKg), (opium.Substance, opium.BasePeriod, opium.Stated, opium.Measure));
        Assert.Equal("Opium seizures, indeed, are \"equaled\"\r\nto 183 kg", opium.Words);
        Assert.Equal((Substance.Unspecified, "−15.2%", ""), (kaz.StatedChanges[1].Substance, kaz.StatedChanges[1].Stated, kaz.StatedChanges[1].Words));
        Assert.All(returns, r => Assert.Equal((Distribution.Unspecified, HandlingCode.Unspecified), (r.Distribution, r.HandlingCode)));
    }

    [Fact]
    public void The_source_is_the_prefix_or_the_section_alone_when_only_one_is_given()
    {
        var returns = ReturnsCsv.Parse(Csv(Header, "KAZ,2012,item,heroin,1,kg,1.1", "KGZ,2012,item,heroin,1,kg,"), "");
        Assert.Equal(["1.1", ""], returns.Select(r => r.Source));
        Assert.Equal("Report", ReturnsCsv.Parse(Csv(Header, "KGZ,2012,item,heroin,1,kg,"), " Report ")[0].Source);
    }

    [Fact]
    public void Every_error_of_the_file_is_reported_with_its_line_and_column()
    {
        var csv = Csv(FullHeader,
            "KAZ,2012,item,heroin,306.725,kg,1.1,,,",
            "KAZ,2012,item,heroin,306.7,kg,1.1,,,",
            "KAZ,2012,item,opium,-3,kg,1.1,,,",
            "KAZ,2012-05-17,item,opium,3,kg,1.1,,,",
            "kaz,2012,item,opium,3,stone,1.1,,,",
            "KAZ,2012,item,opium,\"1,5\",kg,1.1,,,",
            "KAZ,2012,seized,opium,3,kg,1.1,,,",
            "KAZ,2012,item,all_drugs,3,kg,1.1,,,",
            "KAZ,2012,not_reported,opium,0,kg,1.1,,,",
            "KAZ,2012,stated_change,opium,,,1.1,,16 times,\"words, \"\"quoted\"\"\"",
            "KAZ,2012,item,hashish,2e9,kg,1.1,,,",
            "KAZ,2012,item,hashish,NaN,kg,1.1,,,",
            "KAZ,2012,item,hashish,1,kg,1.1",
            "KAZ,2012,item,hashish,1,kg,1.1,\"x\"y,,",
            "KAZ,2012,item,hash\"ish,1,kg,1.1,,,",
            "KAZ,2012,reported_total,heroin,1,kg,1.1,2011,,",
            "KAZ,2012,reported_total,all_drugs,1,kg,1.1,,,",
            "KAZ,2012,reported_total,all_drugs,2,t,1.1,,,",
            "KAZ,2012,stated_change,all_drugs,,,1.1,2012,x2,",
            "KAZ,2013,item,heroin,1,kg,1.1,,,\"never closed");

        var errors = Assert.Throws<ReturnsCsvException>(() => ReturnsCsv.Parse(csv, "R")).Errors;

        Assert.Equal(
            [
                (3, "substance"), (4, "quantity"), (5, "period"), (6, "country"), (6, "unit"), (7, "quantity"), (8, "kind"),
                (9, "substance"), (10, "quantity"), (10, "unit"), (11, "base_period"), (11, "stated"), (12, "quantity"), (13, "quantity"),
                (14, ""), (15, "base_period"), (16, "substance"), (17, "substance"), (17, "base_period"), (19, "substance"), (20, "base_period"),
                (21, "words"),
            ],
            errors.Select(e => (e.Line, e.Column)));
        Assert.Equal("heroin in kg is already given on line 2 for KAZ 2012", errors[0].Message);
        Assert.Equal("\"-3\": zero or more, finite", errors[1].Message);
        Assert.StartsWith("\"2012-05-17\" is not valid: a year, half, quarter or month", errors[2].Message, StringComparison.Ordinal);
        Assert.StartsWith("\"stone\" is not valid: one of g, kg, t, ml, l, pills, ampoules", errors[4].Message, StringComparison.Ordinal);
        Assert.Equal("must be empty on a not_reported line", errors[8].Message);
        Assert.Equal("\"16 times\" is not a change: a percent (-15.2%, +2.1%) or a factor (x16, /27)", errors[11].Message);
        Assert.Equal("at most 1,000 t in one item", errors[12].Message);
        Assert.Equal("7 fields where the header has 10", errors[14].Message);
        Assert.Equal("a stated total in kg is already given on line 18 for KAZ 2012", errors[19].Message);
        Assert.Equal("the period itself: a change is stated against another period", errors[20].Message);
        Assert.StartsWith("a quoted field is not closed", errors[21].Message, StringComparison.Ordinal);
        Assert.Contains("line 3, substance: heroin in kg is already given on line 2", Assert.Throws<ReturnsCsvException>(() => ReturnsCsv.Parse(csv, "R")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stated_change_in_a_file_without_the_optional_columns_says_to_add_them()
    {
        var errors = Assert.Throws<ReturnsCsvException>(() => ReturnsCsv.Parse(Csv(Header, "KAZ,2012,stated_change,opium,,,1.1"), "R")).Errors;
        Assert.Equal([(2, "base_period"), (2, "stated")], errors.Select(e => (e.Line, e.Column)));
        Assert.Equal("required for stated_change: add base_period,stated,words to the header", errors[0].Message);
    }

    [Theory]
    [InlineData("country,period,kind,substance,quantity,unit", "source_section")]
    [InlineData("country,period,kind,substance,quantity,unit,source_section,stated", "base_period")]
    [InlineData("country,period,kind,substance,amount,unit,source_section", "quantity")]
    [InlineData("country,period,kind,substance,quantity,unit,source_section,base_period,stated,words,notes", "notes")]
    public void A_wrong_header_is_the_one_error(string header, string column)
    {
        var error = Assert.Single(Assert.Throws<ReturnsCsvException>(() => ReturnsCsv.Parse(Csv(header, "KAZ,2012,item,heroin,1,kg,1.1,,,,"), "R")).Errors);
        Assert.Equal((1, column), (error.Line, error.Column));
    }

    [Fact]
    public void An_empty_file_has_no_header()
    {
        var error = Assert.Single(Assert.Throws<ReturnsCsvException>(() => ReturnsCsv.Parse("\n\n", "R")).Errors);
        Assert.Equal((1, ""), (error.Line, error.Column));
    }

    [Fact]
    public void A_header_alone_is_no_return()
    {
        Assert.Empty(ReturnsCsv.Parse(Header, "R"));
    }
}
