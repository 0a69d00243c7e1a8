using System.Buffers;
using System.Collections.Frozen;
using Icu;

namespace Hub.Server.Matching.Names;

/// <summary>
/// Cyrillic names in Latin letters by the schemes passports and national systems use. The
/// BGN/PCGN and Uzbek transforms are CLDR's, run by the machine's libicu through icu.net;
/// where libicu cannot be loaded the hub keeps running on the written ICAO table and says so
/// in <see cref="LoadedSchemes"/> (docs/decisions/0020).
/// </summary>
public static class Transliteration
{
    // CLDR ids as libicu 72 lists them (Transliterator.GetAvailableIds). CLDR has no Tajik
    // BGN/PCGN transform; "Tajik-Latin/BGN" does not exist there.
    private static readonly FrozenDictionary<NameLanguage, string> BgnIds = new Dictionary<NameLanguage, string>
    {
        [NameLanguage.Russian] = "Russian-Latin/BGN",
        [NameLanguage.Kazakh] = "Kazakh-Latin/BGN",
        [NameLanguage.Kyrgyz] = "Kirghiz-Latin/BGN",
        [NameLanguage.Uzbek] = "Uzbek-Latin/BGN",
    }.ToFrozenDictionary();

    private const string UzbekLatinId = "uz_Cyrl-uz_Latn";

    private static readonly SearchValues<char> TajikOnly = SearchValues.Create("ҷӣӯ");
    private static readonly SearchValues<char> UzbekOnly = SearchValues.Create("ўҳ");
    private static readonly SearchValues<char> KazakhOnly = SearchValues.Create("әіұғқһ");
    private static readonly SearchValues<char> KyrgyzOrKazakh = SearchValues.Create("ңөү");

    private static readonly Lazy<FrozenDictionary<string, Transform>> Transforms = new(Load);

    /// <summary>The schemes this process can write: always ICAO 9303, the others when libicu loaded.</summary>
    public static IReadOnlySet<NameScheme> LoadedSchemes => Transforms.Value.Count > 0
        ? new HashSet<NameScheme> { NameScheme.Icao9303, NameScheme.BgnPcgn, NameScheme.NationalLatin }
        : new HashSet<NameScheme> { NameScheme.Icao9303 };

    /// <summary>Why libicu is not used, when it is not; null when it is.</summary>
    public static string? IcuProblem { get; private set; }

    /// <summary>The ICU transform ids in use, for the record (docs, the bench report).</summary>
    public static IReadOnlyCollection<string> IcuTransformIds => Transforms.Value.Keys;

    /// <summary>
    /// <paramref name="text"/> in Latin by <paramref name="scheme"/> for a name in
    /// <paramref name="language"/>; a scheme the language or this machine lacks gives the ICAO form.
    /// </summary>
    public static string ToLatin(string text, NameScheme scheme, NameLanguage language)
    {
        var id = scheme switch
        {
            NameScheme.BgnPcgn => BgnIds.GetValueOrDefault(language),
            NameScheme.NationalLatin when language == NameLanguage.Uzbek => UzbekLatinId,
            _ => null,
        };
        if (scheme == NameScheme.NationalLatin && language == NameLanguage.Kazakh)
        {
            return IcaoTable.ToKazakh2021(text);
        }
        return id is not null && Transforms.Value.TryGetValue(id, out var transform) ? transform.Run(text) : IcaoTable.ToIcao(text);
    }

    /// <summary>The language whose own letters <paramref name="text"/> uses; Russian when none.</summary>
    public static NameLanguage LanguageOf(string text)
    {
        var lower = text.ToLowerInvariant();
        if (lower.AsSpan().IndexOfAny(TajikOnly) >= 0)
        {
            return NameLanguage.Tajik;
        }
        if (lower.AsSpan().IndexOfAny(UzbekOnly) >= 0)
        {
            return NameLanguage.Uzbek;
        }
        if (lower.AsSpan().IndexOfAny(KazakhOnly) >= 0)
        {
            return NameLanguage.Kazakh;
        }
        return lower.AsSpan().IndexOfAny(KyrgyzOrKazakh) >= 0 ? NameLanguage.Kyrgyz : NameLanguage.Russian;
    }

    private static FrozenDictionary<string, Transform> Load()
    {
        try
        {
            Wrapper.Init();
            var available = Transliterator.GetAvailableIds().ToHashSet(StringComparer.Ordinal);
            var wanted = BgnIds.Values.Append(UzbekLatinId).ToList();
            var missing = wanted.Where(id => !available.Contains(id)).ToList();
            if (missing.Count > 0)
            {
                IcuProblem = $"libicu {Wrapper.IcuVersion} lacks {string.Join(", ", missing)}";
                return FrozenDictionary<string, Transform>.Empty;
            }
            return wanted.ToFrozenDictionary(id => id, id => new Transform(Transliterator.CreateInstance(id)), StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException
            or FileLoadException or ArgumentException or InvalidOperationException)
        {
            IcuProblem = $"libicu not loaded: {ex.GetType().Name}: {ex.Message}";
            return FrozenDictionary<string, Transform>.Empty;
        }
    }

    /// <summary>One ICU transliterator; ICU's are not safe to share between threads, hence the lock.</summary>
    private sealed class Transform(Transliterator transliterator)
    {
        private readonly Lock gate = new();

        public string Run(string text)
        {
            lock (gate)
            {
                return transliterator.Transliterate(text);
            }
        }
    }
}
