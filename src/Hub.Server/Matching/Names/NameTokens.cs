using System.Collections.Frozen;

namespace Hub.Server.Matching.Names;

/// <summary>One word of a name: as written and as its skeleton (<see cref="NameFolding"/>).</summary>
public sealed record NameToken(string Written, string Folded);

/// <summary>
/// A name as the words that identify the person: split on spaces, hyphens and commas, with the
/// patronymic left out (national systems write it, passports do not), in the order written.
/// </summary>
public static class NameTokens
{
    private const int MinimumLetters = 2;

    // Patronymic endings, on skeletons: Russian -ович/-евич/-овна/-евна/-ична, Kazakh -ұлы/-қызы
    // written as one word, and their Latin spellings (which fold the same).
    private static readonly string[] PatronymicEndings = ["ovich", "evich", "ovna", "evna", "ichna", "uli", "kizi", "ogli"];

    // The words that make the word before them a father's name ("Гейдар оглы", "Нурлан уулу"),
    // as skeletons, to the one form a fused token uses.
    private static readonly FrozenDictionary<string, string> Markers = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ogli"] = "ogli", ["oglu"] = "ogli", ["ugli"] = "ogli", ["kizi"] = "kizi", ["gizi"] = "kizi",
        ["ulu"] = "uli", ["uli"] = "uli",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly char[] Separators = [' ', '\t', '-', ',', '.', ';', '/', '\u2010', '\u2011', '\u2013', '\u00A0'];

    /// <summary>
    /// The identifying words of <paramref name="name"/>, or none when it is junk (a digit, or no
    /// word of two letters). Words shorter than two letters (initials) are left out.
    /// </summary>
    public static IReadOnlyList<NameToken> Parse(string name)
    {
        if (name.Any(char.IsDigit))
        {
            return [];
        }
        var words = name.Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => new NameToken(w, NameFolding.Fold(w)))
            .Where(t => t.Folded.Length >= MinimumLetters)
            .ToList();
        Fathers(words);
        // A word with a patronymic ending is a patronymic only beside a surname and a given
        // name: "Abramovich Roman" keeps its surname.
        for (var i = words.Count - 1; i >= 0 && words.Count > 2; i--)
        {
            if (PatronymicEndings.Any(e => words[i].Folded.Length > e.Length + 1 && words[i].Folded.EndsWith(e, StringComparison.Ordinal)))
            {
                words.RemoveAt(i);
            }
        }
        return words;
    }

    /// <summary>
    /// "X оглы": dropped beside a surname and a given name; otherwise the pair is the surname
    /// (Kyrgyz "Нурлан уулу Бакыт" has no other) and stays as one word.
    /// </summary>
    private static void Fathers(List<NameToken> words)
    {
        for (var i = words.Count - 1; i >= 1; i--)
        {
            if (!Markers.TryGetValue(words[i].Folded, out var marker))
            {
                continue;
            }
            var father = words[i - 1];
            var written = father.Written + " " + words[i].Written;
            words.RemoveRange(i - 1, 2);
            if (words.Count < 2)
            {
                words.Insert(i - 1, new NameToken(written, father.Folded + marker));
            }
            i--;
        }
    }
}
