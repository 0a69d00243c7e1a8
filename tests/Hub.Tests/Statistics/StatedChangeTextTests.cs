using Hub.Server.Statistics;

namespace Hub.Tests.Statistics;

/// <summary>
/// Changes as returns state them: percent or factor, with the decimals written, and a computed
/// change judged at that precision in the same form.
/// </summary>
public sealed class StatedChangeTextTests
{
    [Theory]
    [InlineData("-15.2%", ChangeForm.Percent, "-15.2", 1, "-15.2%")]
    [InlineData("+2.1 %", ChangeForm.Percent, "2.1", 1, "+2.1%")]
    [InlineData("−23.89%", ChangeForm.Percent, "-23.89", 2, "-23.89%")]
    [InlineData(" - 27 % ", ChangeForm.Percent, "-27", 0, "-27%")]
    [InlineData("76%", ChangeForm.Percent, "76", 0, "+76%")]
    [InlineData("0.0%", ChangeForm.Percent, "0", 1, "0.0%")]
    [InlineData("-100%", ChangeForm.Percent, "-100", 0, "-100%")]
    [InlineData("x16", ChangeForm.Times, "16", 0, "x16")]
    [InlineData("X 3.50", ChangeForm.Times, "3.5", 2, "x3.50")]
    [InlineData("×2.8", ChangeForm.Times, "2.8", 1, "x2.8")]
    [InlineData("/27", ChangeForm.Divided, "27", 0, "/27")]
    [InlineData("÷27", ChangeForm.Divided, "27", 0, "/27")]
    public void Reads_percents_and_factors_with_their_decimals(string text, ChangeForm form, string number, int decimals, string written)
    {
        var change = StatedChangeText.Parse(text);

        Assert.NotNull(change);
        Assert.Equal((form, decimal.Parse(number, System.Globalization.CultureInfo.InvariantCulture), decimals), (change.Form, change.Number, change.Decimals));
        Assert.Equal(written, change.Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("15")]
    [InlineData("15.2")]
    [InlineData("%")]
    [InlineData("-%")]
    [InlineData("1,5%")]
    [InlineData("15.%")]
    [InlineData(".5%")]
    [InlineData("-150%")]
    [InlineData("--5%")]
    [InlineData("x")]
    [InlineData("x0")]
    [InlineData("/0.0")]
    [InlineData("x-2")]
    [InlineData("16 times")]
    [InlineData("x1e3")]
    [InlineData("x1.12345678901")]
    public void Refuses_what_is_no_change(string text) => Assert.Null(StatedChangeText.Parse(text));

    [Fact]
    public void The_value_is_the_percent_or_the_factor_quantity_over_base()
    {
        Assert.Equal(-15.2, StatedChangeText.Parse("-15.2%")!.Value);
        Assert.Equal(16, StatedChangeText.Parse("x16")!.Value);
        Assert.Equal(1d / 27, StatedChangeText.Parse("/27")!.Value, 1e-15);
    }

    [Theory]
    // The report's own: Kazakhstan 2012 against 2011.
    [InlineData("-15.2%", "28829", "33998", "-15.2%", true)]
    [InlineData("x16", "183", "11.37", "x16", true)]
    [InlineData("/27", "225.9", "6093", "/27", true)]
    [InlineData("+2.1%", "27957", "27380", "+2.1%", true)]
    [InlineData("−23.89%", "13656", "17942", "-23.89%", true)]
    // Turkmenistan 2012: the words round differently from the figures.
    [InlineData("-63%", "14.9", "39.2", "-62%", false)]
    [InlineData("-13.7%", "662.6", "753.6", "-12.1%", false)]
    [InlineData("x3.5", "39", "11.4", "x3.4", false)]
    // Halves round away from zero, either way.
    [InlineData("-13%", "87.5", "100", "-13%", true)]
    [InlineData("+13%", "112.5", "100", "+13%", true)]
    [InlineData("x3", "5", "2", "x3", true)]
    [InlineData("x2", "5", "2", "x3", false)]
    // The decimals written are kept: 2.02 is "x2.0", not "x2".
    [InlineData("x2.0", "4.04", "2", "x2.0", true)]
    [InlineData("-0.0%", "99.99", "100", "0.0%", true)]
    [InlineData("-100%", "0", "5", "-100%", true)]
    public void A_computed_change_is_written_and_judged_as_stated(string stated, string quantity, string baseQuantity, string computedText, bool agrees)
    {
        var change = StatedChangeText.Parse(stated)!;
        var q = decimal.Parse(quantity, System.Globalization.CultureInfo.InvariantCulture);
        var b = decimal.Parse(baseQuantity, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(computedText, change.Compute(q, b)?.Text);
        Assert.Equal(agrees, change.Agrees(q, b));
    }

    [Fact]
    public void Nothing_in_the_base_period_or_n_times_less_of_nothing_is_no_change()
    {
        Assert.Null(StatedChangeText.Parse("+5%")!.Compute(10, 0));
        Assert.False(StatedChangeText.Parse("+5%")!.Agrees(10, 0));
        Assert.Null(StatedChangeText.Parse("/27")!.Compute(0, 10));
        Assert.Equal("x0", StatedChangeText.Parse("x16")!.Compute(0, 10)?.Text);
    }
}
