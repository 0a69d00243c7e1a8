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

    public static void Text(string value, string field, int max, FieldErrors errors, bool required = true)
    {
        if (required && string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "required");
        }
        else if (value.Length > max)
        {
            errors.Add(field, $"at most {max} characters (got {value.Length})");
        }
        else if (value.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            errors.Add(field, "contains control characters");
        }
    }

    /// <summary>A client's text quoted back in an error, never more than a few characters of it.</summary>
    public static string Truncate(string text) => text.Length <= 20 ? text : text[..20] + "…";
}
