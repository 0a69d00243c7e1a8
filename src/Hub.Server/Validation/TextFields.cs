using System.Text.RegularExpressions;

namespace Hub.Server.Validation;

/// <summary>The checks every record kind's free text and keys share.</summary>
public static partial class TextFields
{
    [GeneratedRegex("^[A-Za-z0-9._:-]{8,64}$")]
    private static partial Regex IdempotencyKeyPattern();

    /// <summary>A client's idempotency key: required where the call creates a record, optional elsewhere.</summary>
    public static void IdempotencyKey(string key, FieldErrors errors, bool required = true)
    {
        if (key.Length == 0 && !required)
        {
            return;
        }
        if (!IdempotencyKeyPattern().IsMatch(key))
        {
            errors.Add("idempotency_key", key.Length == 0 ? "required" : "must be 8 to 64 characters from A-Z a-z 0-9 . _ : -");
        }
    }

    /// <summary>
    /// The one rule for every free-text field of every record: required unless said, at most
    /// <paramref name="max"/> characters, and nothing that makes text read other than it is
    /// stored (see <see cref="Smuggled"/>). <paramref name="singleLine"/> for names, places and
    /// file names: no line breaks or tabs either.
    /// </summary>
    public static void Text(string value, string field, int max, FieldErrors errors, bool required = true, bool singleLine = false)
    {
        if (required && string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "required");
        }
        else if (value.Length > max)
        {
            errors.Add(field, $"at most {max} characters (got {value.Length})");
        }
        else if (Smuggled(value, singleLine) is { } what)
        {
            errors.Add(field, what);
        }
    }

    /// <summary>
    /// What in <paramref name="value"/> could hide or reorder what a reader sees, or null:
    /// control characters (line breaks and tabs only in multi-line text), bidirectional
    /// overrides, embeddings and isolates ("Customs ‮gnp.exe" reads "Customs exe.png"),
    /// invisible characters (zero-width space, word joiner, BOM), private-use and unassigned
    /// code points, and broken surrogate pairs. The zero-width (non-)joiners stay allowed:
    /// Persian and Tajik names need them.
    /// </summary>
    public static string? Smuggled(string value, bool singleLine = false)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                var category = System.Globalization.CharUnicodeInfo.GetUnicodeCategory(value, i);
                if (category is System.Globalization.UnicodeCategory.PrivateUse or System.Globalization.UnicodeCategory.OtherNotAssigned)
                {
                    return $"contains a private-use or unassigned character at {i}";
                }
                i++;
                continue;
            }
            if (char.IsSurrogate(c))
            {
                return $"contains a broken surrogate pair at {i}";
            }
            if (char.IsControl(c) && (singleLine || c is not ('\n' or '\r' or '\t')))
            {
                return $"contains a control character (U+{(int)c:X4}) at {i}";
            }
            if (c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u200E' or '\u200F' or '\u061C')
            {
                return $"contains a bidirectional control (U+{(int)c:X4}) at {i}";
            }
            if (c is '\u200B' or '\u2060' or '\uFEFF' or '\u00AD' or (>= '\u2061' and <= '\u2064'))
            {
                return $"contains an invisible character (U+{(int)c:X4}) at {i}";
            }
            var kind = char.GetUnicodeCategory(c);
            if (kind is System.Globalization.UnicodeCategory.PrivateUse or System.Globalization.UnicodeCategory.OtherNotAssigned)
            {
                return $"contains a private-use or unassigned character (U+{(int)c:X4}) at {i}";
            }
        }
        return null;
    }

    /// <summary>A client's text quoted back in an error, never more than a few characters of it.</summary>
    public static string Truncate(string text) => text.Length <= 20 ? text : text[..20] + "…";
}
