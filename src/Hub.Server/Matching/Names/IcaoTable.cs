using System.Collections.Frozen;
using System.Text;

namespace Hub.Server.Matching.Names;

/// <summary>
/// Cyrillic to Latin by ICAO Doc 9303 part 3, section 6 (what machine-readable passports
/// print), and the Kazakh 2021 Latin alphabet. Written here rather than taken from ICU so
/// that the blind keys never depend on whether or which libicu a machine has.
/// </summary>
public static class IcaoTable
{
    // ICAO's own table; ъ is "IE" since the 2015 edition, ь is dropped.
    private static readonly FrozenDictionary<char, string> Icao = new Dictionary<char, string>
    {
        ['а'] = "a", ['б'] = "b", ['в'] = "v", ['г'] = "g", ['ґ'] = "g", ['д'] = "d", ['е'] = "e", ['ё'] = "e",
        ['є'] = "ie", ['ж'] = "zh", ['з'] = "z", ['и'] = "i", ['і'] = "i", ['ї'] = "i", ['й'] = "i", ['ј'] = "j",
        ['к'] = "k", ['л'] = "l", ['м'] = "m", ['н'] = "n", ['о'] = "o", ['п'] = "p", ['р'] = "r", ['с'] = "s",
        ['т'] = "t", ['у'] = "u", ['ў'] = "u", ['ф'] = "f", ['х'] = "kh", ['ц'] = "ts", ['ч'] = "ch", ['ш'] = "sh",
        ['щ'] = "shch", ['ъ'] = "ie", ['ы'] = "y", ['ь'] = "", ['э'] = "e", ['ю'] = "iu", ['я'] = "ia",
        // Not in 9303: the letters of Kazakh, Kyrgyz, Uzbek and Tajik as their passport offices write them.
        ['ә'] = "a", ['ғ'] = "gh", ['қ'] = "k", ['ң'] = "n", ['ө'] = "o", ['ұ'] = "u", ['ү'] = "u", ['һ'] = "h",
        ['ҳ'] = "h", ['ҷ'] = "j", ['ӣ'] = "i", ['ӯ'] = "u",
    }.ToFrozenDictionary();

    // Kazakh Latin alphabet of 2021 (decree 637 as amended): one letter per sound, no apostrophes.
    private static readonly FrozenDictionary<char, string> Kazakh2021 = new Dictionary<char, string>
    {
        ['а'] = "a", ['ә'] = "ä", ['б'] = "b", ['в'] = "v", ['г'] = "g", ['ғ'] = "ğ", ['д'] = "d", ['е'] = "e",
        ['ё'] = "io", ['ж'] = "j", ['з'] = "z", ['и'] = "i", ['й'] = "i", ['к'] = "k", ['қ'] = "q", ['л'] = "l",
        ['м'] = "m", ['н'] = "n", ['ң'] = "ñ", ['о'] = "o", ['ө'] = "ö", ['п'] = "p", ['р'] = "r", ['с'] = "s",
        ['т'] = "t", ['у'] = "u", ['ұ'] = "ū", ['ү'] = "ü", ['ф'] = "f", ['х'] = "h", ['һ'] = "h", ['ц'] = "ts",
        ['ч'] = "ç", ['ш'] = "ş", ['щ'] = "şç", ['ъ'] = "", ['ы'] = "ı", ['і'] = "i", ['ь'] = "", ['э'] = "e",
        ['ю'] = "iu", ['я'] = "ia",
    }.ToFrozenDictionary();

    /// <summary><paramref name="text"/> by ICAO 9303; letters outside the table are kept.</summary>
    public static string ToIcao(string text) => Map(text, Icao);

    /// <summary><paramref name="text"/> in the Kazakh 2021 Latin alphabet.</summary>
    public static string ToKazakh2021(string text) => Map(text, Kazakh2021);

    private static string Map(string text, FrozenDictionary<char, string> table)
    {
        var latin = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var lower = char.ToLowerInvariant(c);
            if (!table.TryGetValue(lower, out var mapped))
            {
                latin.Append(c);
                continue;
            }
            if (lower == c || mapped.Length == 0)
            {
                latin.Append(mapped);
            }
            else
            {
                // An upper-case letter in an upper-case word stays all capitals ("ЩУКИН" → "SHCHUKIN").
                var allCaps = i + 1 < text.Length && char.IsUpper(text[i + 1]) || i > 0 && char.IsUpper(text[i - 1]);
                latin.Append(allCaps ? mapped.ToUpperInvariant() : char.ToUpperInvariant(mapped[0]) + mapped[1..]);
            }
        }
        return latin.ToString();
    }
}
