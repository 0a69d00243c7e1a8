using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using Hub.Contracts.V1;
using PhoneNumbers;

namespace Hub.Server.Matching;

/// <summary>
/// An identifier as the blind index keys it: its kind and its canonical text, so that the
/// same phone, plate or document written two ways gives one key ("+996555123456",
/// "PLATE:01KG123ABC", "DOC:N12345678").
/// </summary>
public readonly record struct MatchValue(IdentifierKind Kind, string Canonical);

/// <summary>
/// Brings identifiers to one canonical form per kind, or to nothing when a value is junk —
/// too short, a placeholder, a number no numbering plan has — which would only match other
/// junk (MISP's over-correlation: #8304).
/// </summary>
public static class IdentifierKeys
{
    private const int MinimumPlate = 4;
    private const int MinimumDocument = 5;
    private const int MinimumOther = 6;

    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    // Plates are embossed in the Latin letters that look the same in Cyrillic; an officer
    // typing one on a Russian keyboard writes the Cyrillic ones.
    private static readonly FrozenDictionary<char, char> LookAlikes = new Dictionary<char, char>
    {
        ['А'] = 'A', ['В'] = 'B', ['Е'] = 'E', ['Ё'] = 'E', ['К'] = 'K', ['М'] = 'M', ['Н'] = 'H', ['О'] = 'O',
        ['Р'] = 'P', ['С'] = 'C', ['Т'] = 'T', ['Х'] = 'X', ['У'] = 'Y', ['І'] = 'I', ['Ј'] = 'J', ['Ѕ'] = 'S',
    }.ToFrozenDictionary();

    /// <summary>ISO 3166-1 alpha-3 → alpha-2, for the numbering plan of the record's country.</summary>
    private static readonly FrozenDictionary<string, string> Alpha2 = CultureInfo.GetCultures(CultureTypes.SpecificCultures)
        .Select(c => { try { return new RegionInfo(c.Name); } catch (ArgumentException) { return null; } })
        .Where(r => r is { TwoLetterISORegionName.Length: 2 })
        .DistinctBy(r => r!.ThreeLetterISORegionName)
        .ToFrozenDictionary(r => r!.ThreeLetterISORegionName, r => r!.TwoLetterISORegionName, StringComparer.Ordinal);

    /// <summary>
    /// The canonical form of <paramref name="value"/>, read in the context of the country that
    /// holds the record (a national phone number without its country code is that country's),
    /// or null when it is not worth matching.
    /// </summary>
    public static MatchValue? Normalise(IdentifierKind kind, string value, string ownerCountry) => kind switch
    {
        IdentifierKind.PhoneNumber => Phone(value, ownerCountry) is { } e164 ? new MatchValue(kind, e164) : null,
        IdentifierKind.VehiclePlate => Folded(value, MinimumPlate) is { } plate ? new MatchValue(kind, "PLATE:" + plate) : null,
        IdentifierKind.DocumentNumber => Folded(value, MinimumDocument) is { } document ? new MatchValue(kind, "DOC:" + document) : null,
        IdentifierKind.ShipmentNumber => Folded(value, MinimumOther) is { } shipment ? new MatchValue(kind, "SHIP:" + shipment) : null,
        IdentifierKind.Other => Folded(value, MinimumOther) is { } other ? new MatchValue(kind, "OTHER:" + other) : null,
        _ => null,
    };

    /// <summary>E.164, or null when no numbering plan knows the number (placeholders, typos, too short).</summary>
    public static string? Phone(string value, string ownerCountry)
    {
        try
        {
            var region = Alpha2.GetValueOrDefault(ownerCountry, "ZZ");
            var number = Phones.Parse(value, region);
            return Phones.IsValidNumber(number) ? Phones.Format(number, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    /// <summary>
    /// Upper case, Cyrillic look-alikes as the Latin letters they are, separators removed; null
    /// when fewer than <paramref name="minimum"/> letters and digits remain or one character repeats.
    /// </summary>
    public static string? Folded(string value, int minimum)
    {
        var folded = new StringBuilder(value.Length);
        foreach (var c in value.Normalize(NormalizationForm.FormC))
        {
            var upper = char.ToUpperInvariant(c);
            if (LookAlikes.TryGetValue(upper, out var latin))
            {
                folded.Append(latin);
            }
            else if (char.IsLetterOrDigit(upper))
            {
                folded.Append(upper);
            }
        }
        var text = folded.ToString();
        return text.Length < minimum || text.Distinct().Count() == 1 ? null : text;
    }
}
