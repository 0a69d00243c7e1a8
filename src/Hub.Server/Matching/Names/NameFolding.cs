using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Hub.Server.Matching.Names;

/// <summary>
/// A Latin name brought to a skeleton on which the region's ways of writing one Cyrillic name
/// coincide: "Nazarbayev", "NAZARBAEV" and "Назарбаев" (by ICAO) are all "nazarbaev". Vowels
/// stay apart (a, e, i, o, u) so that Marat is not Murat; only the glides and the letters the
/// schemes disagree on are merged.
/// </summary>
public static class NameFolding
{
    // Letters whose diacritic carries a sound the schemes spell with two letters; everything
    // else loses its diacritic (Kazakh á ó ú, BGN's ë ī ū, Azerbaijani ö ü).
    private static readonly FrozenDictionary<char, string> Letters = new Dictionary<char, string>
    {
        ['ş'] = "sh", ['š'] = "sh", ['ç'] = "ch", ['č'] = "ch", ['ž'] = "zh", ['ı'] = "i", ['ə'] = "a", ['ä'] = "a",
        ['ǵ'] = "g", ['ğ'] = "g", ['ġ'] = "g", ['ñ'] = "n", ['ń'] = "n", ['ý'] = "u", ['đ'] = "d", ['ł'] = "l",
        ['ŝ'] = "sh", ['ĉ'] = "ch", ['ẑ'] = "zh", ['ĵ'] = "j",
    }.ToFrozenDictionary();

    // Applied in this order to the lower-case letters; the upper-case ones are placeholders for
    // sounds already settled, so a later rule cannot split them again ("sh" is never s + h).
    private static readonly (string From, string To)[] Digraphs =
    [
        ("shch", "S"), ("sch", "S"), ("shh", "S"), ("sh", "S"), ("dzh", "J"), ("dj", "J"), ("zh", "J"), ("j", "J"),
        ("tch", "C"), ("ch", "C"), ("kh", "H"), ("gh", "G"), ("x", "H"), ("h", "H"), ("ts", "Z"), ("tz", "Z"), ("cz", "Z"),
        ("c", "Z"), ("q", "k"), ("w", "v"), ("ng", "n"),
    ];

    /// <summary>The skeleton of one name word (Latin or Cyrillic); empty when it has no letters.</summary>
    public static string Fold(string word)
    {
        var latin = Latin(HasCyrillic(word) ? IcaoTable.ToIcao(word) : word);
        var text = latin;
        foreach (var (from, to) in Digraphs)
        {
            text = text.Replace(from, to, StringComparison.Ordinal);
        }
        var skeleton = new StringBuilder(text.Length + 4);
        foreach (var c in Glides(text))
        {
            skeleton.Append(c switch { 'S' => "sh", 'C' => "ch", 'J' => "j", 'H' => "h", 'G' => "g", 'Z' => "c", _ => c.ToString() });
        }
        return skeleton.ToString();
    }

    /// <summary>Whether <paramref name="text"/> has a Cyrillic letter.</summary>
    public static bool HasCyrillic(string text) => text.Any(c => c is >= '\u0400' and <= '\u04FF');

    /// <summary>Lower case a–z only: special letters spelled out, diacritics, apostrophes and modifier letters dropped.</summary>
    private static string Latin(string word)
    {
        var spelled = new StringBuilder(word.Length + 4);
        foreach (var c in word.ToLowerInvariant().Normalize(NormalizationForm.FormC))
        {
            spelled.Append(Letters.TryGetValue(c, out var s) ? s : c.ToString());
        }
        var plain = new StringBuilder(spelled.Length);
        foreach (var c in spelled.ToString().Normalize(NormalizationForm.FormD))
        {
            if (c is >= 'a' and <= 'z')
            {
                plain.Append(c);
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.LowercaseLetter && c > '\u007f')
            {
                // A letter of another script or one this table does not know: kept, so the word is not emptied into a false match.
                plain.Append(c);
            }
        }
        return plain.ToString();
    }

    /// <summary>
    /// The glides and doubled letters: i/y before a vowel is "y" (ICAO "ia" and BGN "ya" for я),
    /// "ye"/"yo" are "e" (е and ё after a vowel or at the start), a glide between vowels is dropped
    /// ("Nazarbayev" = "Nazarbaev"), any other i/y is "i" (ы, й, "-iy"/"-ii"/"-yi" endings), and a
    /// letter written twice is one.
    /// </summary>
    private static string Glides(string text)
    {
        var s = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is 'i' or 'y')
            {
                var end = i;
                while (end + 1 < text.Length && text[end + 1] is 'i' or 'y')
                {
                    end++;
                }
                var next = end + 1 < text.Length ? text[end + 1] : '\0';
                var before = s.Length > 0 ? s[^1] : '\0';
                if (IsVowel(next))
                {
                    // A glide before e/o (and between vowels) is how BGN writes е and ё where ICAO writes e.
                    if (next is not ('e' or 'o') && !IsVowel(before))
                    {
                        s.Append('y');
                    }
                    if (next == 'o' && end + 2 <= text.Length)
                    {
                        s.Append('e');
                        i = end + 1;
                        continue;
                    }
                }
                else if (before != 'i')
                {
                    s.Append('i');
                }
                i = end;
                continue;
            }
            if (s.Length > 0 && s[^1] == c)
            {
                continue;
            }
            s.Append(c);
        }
        return s.ToString();
    }

    private static bool IsVowel(char c) => c is 'a' or 'e' or 'o' or 'u';
}
