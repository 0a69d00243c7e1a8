using Hub.Contracts.V1;

namespace Hub.Server.Statistics;

/// <summary>
/// What a quantity measures, and its exact stored form. Sums are kept as whole numbers of a
/// small unit (milligrams, microlitres, thousandths of a piece) so that a correction that
/// takes a quantity out and puts another in leaves the total exactly as if the first had
/// never been there — floating-point sums drift under such add-and-subtract.
/// </summary>
public static class Measures
{
    public static Measure Of(QuantityUnit unit) => unit switch
    {
        QuantityUnit.G or QuantityUnit.Kg or QuantityUnit.T => Measure.MassKg,
        QuantityUnit.Ml or QuantityUnit.L => Measure.VolumeL,
        QuantityUnit.Pills => Measure.Pills,
        QuantityUnit.Ampoules => Measure.Ampoules,
        _ => Measure.Unspecified,
    };

    /// <summary>Stored units per measure unit: milligrams per kilogram, microlitres per litre, thousandths per piece.</summary>
    public static long Scale(Measure measure) => measure is Measure.MassKg or Measure.VolumeL ? 1_000_000 : 1_000;

    /// <summary>A quantity in the measure's unit (kg, l, pieces) as the whole number stored.</summary>
    public static long ToAmount(double quantity, Measure measure) => (long)Math.Round(quantity * Scale(measure), MidpointRounding.AwayFromZero);

    /// <summary>The stored whole number back in the measure's unit.</summary>
    public static double FromAmount(long amount, Measure measure) => (double)amount / Scale(measure);

    /// <summary>A reported quantity in its measure's unit (kg, l, pieces).</summary>
    public static double Normalize(double quantity, QuantityUnit unit) => unit switch
    {
        QuantityUnit.G => quantity / 1_000d,
        QuantityUnit.T => quantity * 1_000d,
        QuantityUnit.Ml => quantity / 1_000d,
        _ => quantity,
    };

    /// <summary>Precursor chemicals are not drugs: a return's "all drugs" total leaves them out.</summary>
    public static bool IsDrug(Substance substance) =>
        substance is not (Substance.AceticAnhydride or Substance.OtherPrecursor or Substance.Precursors or Substance.Unspecified);
}
