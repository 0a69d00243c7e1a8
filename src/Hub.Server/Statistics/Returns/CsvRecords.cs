using System.Text;

namespace Hub.Server.Statistics;

/// <summary>One CSV record: its fields and the line it starts on (a quoted field may span lines).</summary>
internal sealed record CsvRecord(int Line, IReadOnlyList<string> Fields, CsvSyntaxError? Error);

/// <summary>What is wrong with a record's syntax, and in which of its fields.</summary>
internal sealed record CsvSyntaxError(int Field, string Message);

/// <summary>
/// RFC 4180 records. A syntax error is reported on its record and reading goes on at the next
/// line, so that one stray quote does not hide every other error of the file.
/// </summary>
internal static class CsvRecords
{
    public static IEnumerable<CsvRecord> Read(string text)
    {
        var i = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        var line = 1;
        while (i < text.Length)
        {
            var start = line;
            var fields = new List<string>();
            CsvSyntaxError? error = null;
            var field = new StringBuilder();
            while (true)
            {
                field.Clear();
                if (i < text.Length && text[i] == '"')
                {
                    i++;
                    var closed = false;
                    while (i < text.Length)
                    {
                        var c = text[i];
                        if (c == '"')
                        {
                            if (i + 1 < text.Length && text[i + 1] == '"')
                            {
                                field.Append('"');
                                i += 2;
                                continue;
                            }
                            i++;
                            closed = true;
                            break;
                        }
                        if (c == '\n')
                        {
                            line++;
                        }
                        field.Append(c);
                        i++;
                    }
                    if (!closed)
                    {
                        fields.Add(field.ToString());
                        yield return new CsvRecord(start, fields, new CsvSyntaxError(fields.Count - 1, "a quoted field is not closed (a quote inside it is written twice: \"\")"));
                        yield break;
                    }
                    if (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                    {
                        error ??= new CsvSyntaxError(fields.Count, "text after the closing quote (a quote inside a quoted field is written twice: \"\")");
                        while (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                        {
                            i++;
                        }
                    }
                }
                else
                {
                    while (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                    {
                        if (text[i] == '"')
                        {
                            error ??= new CsvSyntaxError(fields.Count, "a quote in an unquoted field (quote the whole field and write the quote twice)");
                        }
                        field.Append(text[i]);
                        i++;
                    }
                }
                fields.Add(field.ToString());
                if (i < text.Length && text[i] == ',')
                {
                    i++;
                    continue;
                }
                break;
            }
            if (i < text.Length && text[i] == '\r')
            {
                i++;
            }
            if (i < text.Length && text[i] == '\n')
            {
                i++;
            }
            line++;
            yield return new CsvRecord(start, fields, error);
        }
    }
}
