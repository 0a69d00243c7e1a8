using Google.Protobuf.WellKnownTypes;

namespace Hub.Server.Validation;

/// <summary>
/// A <see cref="Timestamp"/> from the wire may hold any seconds and nanos: Timestamp.ToDateTime
/// throws for seconds outside 0001-01-01..9999-12-31 or nanos outside 0..999,999,999, which
/// would surface as a server fault instead of the client's mistake. Every validator reads
/// timestamp fields through here.
/// </summary>
public static class Timestamps
{
    /// <summary>0001-01-01T00:00:00Z, the first instant a DateTime can hold.</summary>
    public const long MinSeconds = -62_135_596_800;

    /// <summary>9999-12-31T23:59:59Z.</summary>
    public const long MaxSeconds = 253_402_300_799;

    public const int MaxNanos = 999_999_999;

    public static bool IsValid(Timestamp value) =>
        value.Seconds is >= MinSeconds and <= MaxSeconds && value.Nanos is >= 0 and <= MaxNanos;

    /// <summary>Why a timestamp cannot be read, or null when it can.</summary>
    public static string? Problem(Timestamp value) =>
        value.Seconds is < MinSeconds or > MaxSeconds ? $"seconds {value.Seconds} is outside 0001-01-01..9999-12-31"
        : value.Nanos is < 0 or > MaxNanos ? $"nanos {value.Nanos} is outside 0..{MaxNanos}"
        : null;

    /// <summary>
    /// The instant, or null after recording the field's error (also null when the field is
    /// absent and not required). Callers check only what a readable instant can be wrong in.
    /// </summary>
    public static DateTimeOffset? Read(Timestamp? value, string field, FieldErrors errors, bool required = false)
    {
        if (value is null)
        {
            if (required)
            {
                errors.Add(field, "required");
            }
            return null;
        }
        if (Problem(value) is { } problem)
        {
            errors.Add(field, problem);
            return null;
        }
        return value.ToDateTimeOffset();
    }
}
