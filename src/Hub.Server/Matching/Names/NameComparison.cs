using System.Globalization;

namespace Hub.Server.Matching.Names;

/// <summary>How one word of the first name met one of the second (either is null when unmatched).</summary>
public sealed record TokenMatch(string? A, string? B, string Rule, double Score);

/// <summary>The verdict on two names, with the word-by-word reasons.</summary>
public sealed record NameMatch(double Score, bool Same, IReadOnlyList<TokenMatch> Explanation);

/// <summary>
/// The fine comparison of two names, run only where the caller may read both: words paired
/// in the best order, each pair scored by Jaro-Winkler on skeletons, weighted by length.
/// </summary>
public static class NameComparison
{
    /// <summary>The score from which two names are taken for one person.</summary>
    public const double SameThreshold = 0.93;

    /// <summary>
    /// The weakest a paired word may be in names taken for one person: Marat/Murat (0.88) and a
    /// sibling's given name fall below it, a doubtful vowel in a long word (Rustam/Rustem, 0.93) does not.
    /// </summary>
    public const double WordThreshold = 0.90;

    // An extra word (a second given name one side has) counts against, at half its length.
    private const double UnmatchedWeight = 0.5;
    private const int MostWords = 5;
    private const double EditCost = 0.05;

    /// <summary>The comparison of <paramref name="a"/> and <paramref name="b"/>, symmetric and order-insensitive.</summary>
    public static NameMatch Compare(string a, string b)
    {
        var left = NameTokens.Parse(a).Take(MostWords).Select(Forms).ToArray();
        var right = NameTokens.Parse(b).Take(MostWords).Select(Forms).ToArray();
        if (left.Length == 0 || right.Length == 0)
        {
            return new NameMatch(0, false, [.. left.Select(l => Unmatched(l, null)), .. right.Select(r => Unmatched(null, r))]);
        }
        var swap = left.Length > right.Length;
        var (small, large) = swap ? (right, left) : (left, right);
        var scores = new TokenMatch[small.Length, large.Length];
        for (var i = 0; i < small.Length; i++)
        {
            for (var j = 0; j < large.Length; j++)
            {
                scores[i, j] = swap ? Pair(large[j], small[i]) : Pair(small[i], large[j]);
            }
        }
        var best = Best(small.Length, large.Length, scores);
        var explanation = new List<TokenMatch>();
        double sum = 0, weight = 0, weakest = 1;
        for (var i = 0; i < small.Length; i++)
        {
            var match = scores[i, best[i]];
            var w = Math.Max(small[i].Token.Folded.Length, large[best[i]].Token.Folded.Length);
            sum += w * match.Score;
            weight += w;
            weakest = Math.Min(weakest, match.Score);
            explanation.Add(match);
        }
        for (var j = 0; j < large.Length; j++)
        {
            if (!best.Contains(j))
            {
                weight += UnmatchedWeight * large[j].Token.Folded.Length;
                explanation.Add(swap ? Unmatched(large[j], null) : Unmatched(null, large[j]));
            }
        }
        var score = Math.Round(sum / weight, 4);
        var same = small.Length >= 2 && score >= SameThreshold && weakest >= WordThreshold;
        return new NameMatch(score, same, explanation);
    }

    private sealed record Candidate(NameToken Token, bool Cyrillic, string[] Skeletons);

    /// <summary>A word's skeletons: by the written ICAO table, and by BGN/PCGN for its language where ICU is loaded.</summary>
    private static Candidate Forms(NameToken token)
    {
        if (!NameFolding.HasCyrillic(token.Written) || !Transliteration.LoadedSchemes.Contains(NameScheme.BgnPcgn))
        {
            return new Candidate(token, NameFolding.HasCyrillic(token.Written), [token.Folded]);
        }
        var bgn = NameFolding.Fold(Transliteration.ToLatin(token.Written, NameScheme.BgnPcgn, Transliteration.LanguageOf(token.Written)));
        return new Candidate(token, true, bgn == token.Folded || bgn.Length < 2 ? [token.Folded] : [token.Folded, bgn]);
    }

    private static TokenMatch Pair(Candidate a, Candidate b)
    {
        if (string.Equals(a.Token.Written, b.Token.Written, StringComparison.OrdinalIgnoreCase))
        {
            return new TokenMatch(a.Token.Written, b.Token.Written, "exact", 1);
        }
        double best = 0;
        var rule = "";
        foreach (var x in a.Skeletons)
        {
            foreach (var y in b.Skeletons)
            {
                // Jaro-Winkler's prefix bonus carries a long shared beginning past the threshold
                // (Nazarov/Nazarbaev 0.92): each edit beyond the first costs EditCost.
                var jw = JaroWinkler.Similarity(x, y);
                var edits = Edits(x, y);
                var score = jw - EditCost * Math.Max(0, edits - 1);
                if (score > best || rule.Length == 0)
                {
                    best = Math.Max(0, score);
                    rule = edits <= 1 ? "jaro-winkler " + jw.ToString("0.00", CultureInfo.InvariantCulture)
                        : string.Create(CultureInfo.InvariantCulture, $"jaro-winkler {jw:0.00}, {edits} edits");
                }
            }
        }
        if (best >= 1)
        {
            rule = a.Cyrillic != b.Cyrillic ? "transliteration" : "variant-folded";
        }
        return new TokenMatch(a.Token.Written, b.Token.Written, rule, Math.Round(best, 4));
    }

    /// <summary>Levenshtein distance.</summary>
    private static int Edits(string a, string b)
    {
        Span<int> row = b.Length < 256 ? stackalloc int[b.Length + 1] : new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            row[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }

    private static TokenMatch Unmatched(Candidate? a, Candidate? b) => new(a?.Token.Written, b?.Token.Written, "unmatched", 0);

    /// <summary>The pairing of each small word with a distinct large word that scores most (at most 5 × 5: 120 orders).</summary>
    private static int[] Best(int small, int large, TokenMatch[,] scores)
    {
        var best = Array.Empty<int>();
        var bestSum = -1.0;
        var current = new int[small];
        var used = new bool[large];
        void Search(int i, double sum)
        {
            if (i == small)
            {
                if (sum > bestSum)
                {
                    bestSum = sum;
                    best = (int[])current.Clone();
                }
                return;
            }
            for (var j = 0; j < large; j++)
            {
                if (!used[j])
                {
                    used[j] = true;
                    current[i] = j;
                    Search(i + 1, sum + scores[i, j].Score);
                    used[j] = false;
                }
            }
        }
        Search(0, 0);
        return best;
    }
}
