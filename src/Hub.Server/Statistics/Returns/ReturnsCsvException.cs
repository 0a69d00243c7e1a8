namespace Hub.Server.Statistics;

/// <summary>
/// One thing wrong in a returns CSV. <paramref name="Line"/> is the line the record starts on
/// (1 is the header); <paramref name="Column"/> is the header's name for the field, or empty
/// when the record as a whole is wrong (its number of fields).
/// </summary>
public sealed record ReturnsCsvError(int Line, string Column, string Message)
{
    public override string ToString() => Column.Length == 0 ? $"line {Line}: {Message}" : $"line {Line}, {Column}: {Message}";
}

/// <summary>
/// A returns CSV refused. It carries every error found, so that whoever fixes the file fixes
/// it in one round instead of one error per import attempt.
/// </summary>
public sealed class ReturnsCsvException : Exception
{
    public ReturnsCsvException(IReadOnlyList<ReturnsCsvError> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<ReturnsCsvError> Errors { get; }

    private static string Describe(IReadOnlyList<ReturnsCsvError> errors) =>
        errors.Count == 1 ? $"returns CSV: {errors[0]}" : $"returns CSV: {errors.Count} errors: {string.Join("; ", errors)}";
}
