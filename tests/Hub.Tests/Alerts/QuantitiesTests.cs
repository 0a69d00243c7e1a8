using Hub.Server.Validation;
using System.Globalization;
using Hub.Contracts.V1;
using Hub.Server.Alerts;

namespace Hub.Tests.Alerts;

public class QuantitiesTests
{
    [Theory]
    [InlineData(QuantityUnit.G, 291, 0.291, QuantityDimension.MassKg)]
    [InlineData(QuantityUnit.Kg, 306.725, 306.725, QuantityDimension.MassKg)]
    [InlineData(QuantityUnit.T, 1.5, 1500, QuantityDimension.MassKg)]
    [InlineData(QuantityUnit.Ml, 250, 0.25, QuantityDimension.VolumeL)]
    [InlineData(QuantityUnit.L, 3, 3, QuantityDimension.VolumeL)]
    [InlineData(QuantityUnit.Pills, 1200, 1200, QuantityDimension.Count)]
    [InlineData(QuantityUnit.Ampoules, 40, 40, QuantityDimension.Count)]
    public void Normalises_each_unit_to_its_dimension(QuantityUnit unit, double quantity, double expected, QuantityDimension dimension)
    {
        var (value, actualDimension) = Quantities.Normalize(quantity, unit);

        Assert.Equal(expected, value, 9);
        Assert.Equal(dimension, actualDimension);
    }

    [Fact]
    public void Refuses_an_unspecified_unit()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Quantities.Normalize(1, QuantityUnit.Unspecified));
        Assert.Throws<ArgumentOutOfRangeException>(() => Quantities.Normalize(1, (QuantityUnit)99));
    }

    [Theory]
    [InlineData("kg", QuantityUnit.Kg)]
    [InlineData(" KG ", QuantityUnit.Kg)]
    [InlineData("tons", QuantityUnit.T)]
    [InlineData("tonnes", QuantityUnit.T)]
    [InlineData("gr.", QuantityUnit.G)]
    [InlineData("litres", QuantityUnit.L)]
    [InlineData("tablets", QuantityUnit.Pills)]
    [InlineData("ampoules", QuantityUnit.Ampoules)]
    [InlineData("ml", QuantityUnit.Ml)]
    public void Reads_units_as_reports_write_them(string text, QuantityUnit expected)
    {
        Assert.True(Quantities.TryParseUnit(text, out var unit));
        Assert.Equal(expected, unit);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("bags")]
    [InlineData("hectares")]
    public void Does_not_guess_unknown_units(string? text)
    {
        Assert.False(Quantities.TryParseUnit(text, out _));
    }

    /// <summary>
    /// Every figure of the report's seizure table (as CSV) reads and normalises; the mixed
    /// units of Kazakhstan's 2012 items add up in kilograms as the report states them.
    /// </summary>
    [Fact]
    public void Normalises_every_figure_of_the_report()
    {
        var rows = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "TestData", "seizures-2011-2013.csv"))
            .Skip(1)
            .Select(line => line.Split(','))
            .Select(f => (Country: f[0], Period: f[1], Kind: f[2], Substance: f[3], Quantity: double.Parse(f[4], CultureInfo.InvariantCulture), Unit: f[5]))
            .ToList();
        Assert.True(rows.Count > 80);

        var normalised = rows.Select(r =>
        {
            Assert.True(Quantities.TryParseUnit(r.Unit, out var unit), $"unit '{r.Unit}' of {r.Country} {r.Period} {r.Substance}");
            return (r, Quantities.Normalize(r.Quantity, unit));
        }).ToList();

        var cocaine = normalised.Single(x => x.r is { Country: "KAZ", Period: "2012", Substance: "cocaine" });
        Assert.Equal(0.291, cocaine.Item2.Value, 9);
        Assert.Equal(QuantityDimension.MassKg, cocaine.Item2.Dimension);

        var kazakhMass2012 = normalised
            .Where(x => x.r is { Country: "KAZ", Period: "2012", Kind: "item" } && x.Item2.Dimension == QuantityDimension.MassKg && x.r.Substance != "precursors")
            .Sum(x => x.Item2.Value);
        // heroin 306.725 + opium 183 + hashish 225.9 + marijuana 27957 + cocaine 0.291
        Assert.Equal(28672.916, kazakhMass2012, 6);

        Assert.Contains(normalised, x => x.Item2.Dimension == QuantityDimension.VolumeL);
        Assert.Contains(normalised, x => x.Item2.Dimension == QuantityDimension.Count);
    }
}
