namespace Hub.Server.Matching.Names;

/// <summary>A way of writing a Cyrillic name in Latin letters.</summary>
public enum NameScheme
{
    /// <summary>ICAO Doc 9303 part 3 (machine-readable passports), with the region's extra letters.</summary>
    Icao9303,

    /// <summary>CLDR's BGN/PCGN transform for the name's language, through icu.net (needs libicu).</summary>
    BgnPcgn,

    /// <summary>The national Latin alphabet: Kazakh 2021, Uzbek 1995 (CLDR's uz_Cyrl-uz_Latn, needs libicu).</summary>
    NationalLatin,
}

/// <summary>The language a Cyrillic name is written in, read from the letters only that language has.</summary>
public enum NameLanguage
{
    Russian,
    Kazakh,
    Kyrgyz,
    Uzbek,
    Tajik,
}
