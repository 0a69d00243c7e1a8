using System.Globalization;

namespace Hub.Server.Matching.Names;

/// <summary>
/// <c>Hub.Server match-names</c>: CSV <c>a,b</c> on standard input, CSV <c>a,b,score,same</c> on
/// standard output (score to 4 decimals). For checking names by hand or by script; it needs no
/// database or configuration, so Program.cs runs it before the host is built. Exit code 2 on a
/// bad header or record, with the line on standard error.
/// </summary>
public static class MatchNamesCommand
{
    public const string Name = "match-names";

    public static bool Handles(string[] args) => args.Length > 0 && args[0] == Name;

    public static async Task<int> RunAsync(TextReader input, TextWriter output, TextWriter error)
    {
        try
        {
            var header = true;
            await foreach (var (line, fields) in Csv.ReadAsync(input))
            {
                if (header)
                {
                    if (fields is not ["a", "b"])
                    {
                        await error.WriteLineAsync($"line {line}: the header must be 'a,b', not '{string.Join(',', fields)}'");
                        return 2;
                    }
                    await output.WriteLineAsync("a,b,score,same");
                    header = false;
                    continue;
                }
                if (fields.Count != 2)
                {
                    await error.WriteLineAsync($"line {line}: {fields.Count} fields where a,b needs 2 (quote a name that has a comma)");
                    return 2;
                }
                var match = NameComparison.Compare(fields[0], fields[1]);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{Csv.Field(fields[0])},{Csv.Field(fields[1])},{match.Score:0.0000},{(match.Same ? "true" : "false")}"));
            }
            if (header)
            {
                await error.WriteLineAsync("line 1: no header 'a,b' (the input is empty)");
                return 2;
            }
            return 0;
        }
        catch (FormatException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return 2;
        }
    }
}
