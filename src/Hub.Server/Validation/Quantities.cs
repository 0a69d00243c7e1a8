using Hub.Contracts.V1;

namespace Hub.Server.Validation;

/// <summary>
/// Converts reported quantities to one unit per dimension (kilograms, litres, counts) so
/// that statistics can add seizures reported in grams, tonnes or millilitres. The reported
/// figure and unit are always kept as well.
/// </summary>
public static class Quantities
{
    public static (double Value, QuantityDimension Dimension) Normalize(double quantity, QuantityUnit unit) => unit switch
    {
        QuantityUnit.G => (quantity / 1_000d, QuantityDimension.MassKg),
        QuantityUnit.Kg => (quantity, QuantityDimension.MassKg),
        QuantityUnit.T => (quantity * 1_000d, QuantityDimension.MassKg),
        QuantityUnit.Ml => (quantity / 1_000d, QuantityDimension.VolumeL),
        QuantityUnit.L => (quantity, QuantityDimension.VolumeL),
        QuantityUnit.Pills or QuantityUnit.Ampoules => (quantity, QuantityDimension.Count),
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "Not a known quantity unit."),
    };

    /// <summary>
    /// Upper bounds per dimension, far above any seizure ever reported (the largest are tens
    /// of tonnes, millions of pills) yet finite: 1e308 g once became a normalised Infinity
    /// that broke every sum. Null when the quantity is plausible, else the error.
    /// </summary>
    public static string? Implausible(double quantity, QuantityUnit unit)
    {
        var (value, dimension) = Normalize(quantity, unit);
        var max = dimension switch
        {
            QuantityDimension.MassKg => 1_000_000d,
            QuantityDimension.VolumeL => 1_000_000d,
            _ => 1_000_000_000d,
        };
        var name = dimension switch
        {
            QuantityDimension.MassKg => "1,000 t",
            QuantityDimension.VolumeL => "1,000,000 l",
            _ => "1,000,000,000 pieces",
        };
        return double.IsFinite(value) && value <= max ? null : $"at most {name} in one item";
    }

    /// <summary>
    /// Reads a unit as reports and spreadsheets write it ("kg", "tons", "tablets", "litres"...).
    /// </summary>
    public static bool TryParseUnit(string? text, out QuantityUnit unit)
    {
        unit = (text ?? "").Trim().ToLowerInvariant().TrimEnd('.') switch
        {
            "g" or "gr" or "gram" or "grams" or "gramme" or "grammes" => QuantityUnit.G,
            "kg" or "kgs" or "kilo" or "kilos" or "kilogram" or "kilograms" => QuantityUnit.Kg,
            "t" or "ton" or "tons" or "tonne" or "tonnes" => QuantityUnit.T,
            "ml" or "millilitre" or "millilitres" or "milliliter" or "milliliters" => QuantityUnit.Ml,
            "l" or "litre" or "litres" or "liter" or "liters" => QuantityUnit.L,
            "pill" or "pills" or "tablet" or "tablets" or "pcs" => QuantityUnit.Pills,
            "ampoule" or "ampoules" or "ampule" or "ampules" => QuantityUnit.Ampoules,
            _ => QuantityUnit.Unspecified,
        };
        return unit != QuantityUnit.Unspecified;
    }
}
