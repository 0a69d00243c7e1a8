using System.Globalization;
using Hub.Contracts.V1;
using Hub.Server.Validation;

namespace Hub.Server.Statistics;

/// <summary>
/// Reads the returns CSV of ImportReturnsRequest.csv (statistics.proto) into one return per
/// country and period. The import is all or nothing, so every line is checked and every error
/// reported at once. Distribution and handling are the import request's, not the file's: they
/// are left unset here.
/// </summary>
public static class ReturnsCsv
{
    public const string RequiredHeader = "country,period,kind,substance,quantity,unit,source_section";
    public const string OptionalHeader = "base_period,stated,words";

    internal const int MaxWords = 1000;
    private static readonly string[] Required = RequiredHeader.Split(',');
    private static readonly string[] Optional = OptionalHeader.Split(',');

    /// <summary>
    /// The returns of <paramref name="csv"/>, by country then period, each with its source
    /// <paramref name="sourcePrefix"/> followed by the sections its lines cite.
    /// </summary>
    /// <exception cref="ReturnsCsvException">Every error found, by line.</exception>
    public static IReadOnlyList<ReturnContent> Parse(string csv, string sourcePrefix) => Parse([csv], sourcePrefix);

    /// <summary>
    /// Several files read as one: a country's period may take its figures from one and its
    /// words from another. Line numbers are each file's own.
    /// </summary>
    public static IReadOnlyList<ReturnContent> Parse(IReadOnlyList<string> documents, string sourcePrefix)
    {
        var errors = new List<ReturnsCsvError>();
        var groups = new ReturnGroups(sourcePrefix, errors);
        foreach (var document in documents)
        {
            Read(document, groups, errors);
        }
        var returns = groups.Build();
        return errors.Count == 0 ? returns : throw new ReturnsCsvException(errors);
    }

    private static void Read(string csv, ReturnGroups groups, List<ReturnsCsvError> errors)
    {
        string[]? columns = null;
        foreach (var record in CsvRecords.Read(csv))
        {
            if (record.Error is null && record.Fields.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }
            if (columns is null)
            {
                columns = Header(record, errors);
                if (columns is null)
                {
                    // Without the header no field can be named: the rest would be noise.
                    return;
                }
                continue;
            }
            if (record.Error is { } syntax)
            {
                var column = syntax.Field < columns.Length ? columns[syntax.Field] : "";
                errors.Add(new ReturnsCsvError(record.Line, column, syntax.Message));
            }
            else if (record.Fields.Count != columns.Length)
            {
                errors.Add(new ReturnsCsvError(record.Line, "", $"{record.Fields.Count} fields where the header has {columns.Length}"));
            }
            else
            {
                new ReturnLine(record.Line, columns, record.Fields, errors).AddTo(groups);
            }
        }
        if (columns is null)
        {
            errors.Add(new ReturnsCsvError(1, "", $"no header: the first line is {RequiredHeader}[,{OptionalHeader}]"));
        }
    }

    private static string[]? Header(CsvRecord record, List<ReturnsCsvError> errors)
    {
        var names = record.Fields.Select(f => f.Trim().ToLowerInvariant()).ToArray();
        var expected = Required.Concat(Optional).ToArray();
        for (var i = 0; i < Math.Max(names.Length, Required.Length); i++)
        {
            if (i >= expected.Length || i >= names.Length || names[i] != expected[i])
            {
                var column = i < expected.Length ? expected[i] : names[i];
                var found = i < names.Length ? $"\"{names[i]}\"" : "missing";
                errors.Add(new ReturnsCsvError(record.Line, column,
                    $"header field {i + 1} is {found}; the header is {RequiredHeader}, optionally followed by {OptionalHeader} in that order"));
                return null;
            }
        }
        if (record.Error is { } syntax)
        {
            errors.Add(new ReturnsCsvError(record.Line, names[Math.Min(syntax.Field, names.Length - 1)], syntax.Message));
            return null;
        }
        return names;
    }
}
