using System.Reflection;
using Google.Protobuf.Reflection;
using Hub.Contracts.V1;

namespace Hub.Server.Statistics;

/// <summary>
/// How returns CSVs (and the errors and findings about them) name substances, measures and
/// units: a substance by its proto enum name without prefix in lower case, so that a value
/// added to the contract is readable at once, plus the forms national returns write.
/// </summary>
internal static class ReturnNames
{
    /// <summary>The substance of the "all drugs" lines: stated totals and changes of the total.</summary>
    public const string AllDrugs = "all_drugs";

    /// <summary>
    /// Substances by name, with the measure a national form implies (psychotropic pills are
    /// counted, liquids measured); unspecified where only the unit can tell.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (Substance Substance, Measure Implied)> Substances = BuildSubstances();

    private static readonly Dictionary<Substance, string> SubstanceNames =
        Substances.Where(s => s.Value.Implied == Measure.Unspecified).ToDictionary(s => s.Value.Substance, s => s.Key);

    public static string Of(Substance substance) =>
        substance == Substance.Unspecified ? AllDrugs : SubstanceNames.GetValueOrDefault(substance, substance.ToString());

    public static string Of(Measure measure) => measure switch
    {
        Measure.MassKg => "kg",
        Measure.VolumeL => "l",
        Measure.Pills => "pills",
        Measure.Ampoules => "ampoules",
        _ => "no measure",
    };

    public static string Of(QuantityUnit unit) => unit switch
    {
        QuantityUnit.G => "g",
        QuantityUnit.Kg => "kg",
        QuantityUnit.T => "t",
        QuantityUnit.Ml => "ml",
        QuantityUnit.L => "l",
        QuantityUnit.Pills => "pills",
        QuantityUnit.Ampoules => "ampoules",
        _ => "",
    };

    private static Dictionary<string, (Substance, Measure)> BuildSubstances()
    {
        const string prefix = "SUBSTANCE_";
        var names = new Dictionary<string, (Substance, Measure)>(StringComparer.Ordinal);
        foreach (var field in typeof(Substance).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var substance = (Substance)field.GetValue(null)!;
            var original = field.GetCustomAttribute<OriginalNameAttribute>()?.Name ?? "";
            if (substance != Substance.Unspecified && original.StartsWith(prefix, StringComparison.Ordinal))
            {
                names.Add(original[prefix.Length..].ToLowerInvariant(), (substance, Measure.Unspecified));
            }
        }
        names.Add("psychotropic_pills", (Substance.Psychotropic, Measure.Pills));
        names.Add("psychotropic_ampoules", (Substance.Psychotropic, Measure.Ampoules));
        names.Add("psychotropic_liquid", (Substance.Psychotropic, Measure.VolumeL));
        return names;
    }
}
