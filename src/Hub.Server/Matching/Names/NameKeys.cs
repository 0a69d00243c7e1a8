namespace Hub.Server.Matching.Names;

/// <summary>
/// The strings the blind index hashes for a person's name: "NAME:" and two of its words'
/// skeletons, sorted so that the order written does not matter ("NAME:nazarbaev|nursultan").
/// One pair per two words, so a name with a second given name still meets the same name
/// without it; a lone word would match every namesake and gives no key.
/// </summary>
public static class NameKeys
{
    public const string Prefix = "NAME:";

    // Four words give six pairs; the longest identify the most.
    private const int MostWords = 4;

    /// <summary>The keys of <paramref name="name"/>, none when it is junk or a single word.</summary>
    public static IReadOnlyList<string> For(string name)
    {
        var words = NameTokens.Parse(name)
            .Select(t => t.Folded)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(w => w.Length)
            .ThenBy(w => w, StringComparer.Ordinal)
            .Take(MostWords)
            .Order(StringComparer.Ordinal)
            .ToList();
        var keys = new List<string>();
        for (var i = 0; i < words.Count; i++)
        {
            for (var j = i + 1; j < words.Count; j++)
            {
                keys.Add(Prefix + words[i] + "|" + words[j]);
            }
        }
        return keys;
    }
}
