using System.Text;

namespace Hub.Server.Matching.Names;

/// <summary>RFC 4180 records: fields separated by commas, quoted when they hold a comma, a quote or a line break.</summary>
public static class Csv
{
    /// <summary>
    /// The records of <paramref name="input"/> with the line each starts on; a malformed record
    /// (a stray quote) throws <see cref="FormatException"/> naming its line.
    /// </summary>
    public static async IAsyncEnumerable<(int Line, IReadOnlyList<string> Fields)> ReadAsync(TextReader input)
    {
        var line = 0;
        while (await input.ReadLineAsync() is { } text)
        {
            line++;
            var start = line;
            var fields = new List<string>();
            var field = new StringBuilder();
            var quoted = false;
            var i = 0;
            while (true)
            {
                if (i == text.Length)
                {
                    if (!quoted)
                    {
                        break;
                    }
                    // A line break inside quotes belongs to the field.
                    text = await input.ReadLineAsync() ?? throw new FormatException($"line {start}: a quoted field is not closed");
                    line++;
                    field.Append('\n');
                    i = 0;
                    continue;
                }
                var c = text[i++];
                if (quoted)
                {
                    if (c != '"')
                    {
                        field.Append(c);
                    }
                    else if (i < text.Length && text[i] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else if (i == text.Length || text[i] == ',')
                    {
                        quoted = false;
                    }
                    else
                    {
                        throw new FormatException($"line {start}: text after a closing quote");
                    }
                }
                else if (c == ',')
                {
                    fields.Add(field.ToString());
                    field.Clear();
                }
                else if (c == '"' && field.Length == 0)
                {
                    quoted = true;
                }
                else if (c == '"')
                {
                    throw new FormatException($"line {start}: a quote inside an unquoted field");
                }
                else
                {
                    field.Append(c);
                }
            }
            fields.Add(field.ToString());
            yield return (start, fields);
        }
    }

    /// <summary><paramref name="value"/> as one field, quoted only when it must be.</summary>
    public static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
