using System.Diagnostics;
using Hub.Server.Matching.Names;

namespace Hub.Tests.Matching;

/// <summary><c>Hub.Server match-names</c>: CSV in, CSV out, exit code 2 with the line on a bad header or record.</summary>
public sealed class MatchNamesCommandTests
{
    private const string Input = "a,b\n\"Назарбаев, Нурсултан Абишевич\",NAZARBAYEV NURSULTAN\nMarat Aliev,\"Aliev, Murat\"\n";
    private const string Expected = "a,b,score,same\n\"Назарбаев, Нурсултан Абишевич\",NAZARBAYEV NURSULTAN,1.0000,true\nMarat Aliev,\"Aliev, Murat\",0.9333,false\n";

    private static async Task<(int Code, string Output, string Error)> RunAsync(string input)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter();
        var code = await MatchNamesCommand.RunAsync(new StringReader(input), output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Quoted_names_with_commas_are_compared_and_written_back_quoted() =>
        Assert.Equal((0, Expected, ""), await RunAsync(Input));

    [Theory]
    [InlineData("x,y\nA B,C D\n", "line 1")]
    [InlineData("a,b\nA B,C D\nA B,C D,E F\n", "line 3")]
    [InlineData("a,b\n\"A B\"x,C D\n", "line 2")]
    [InlineData("", "line 1")]
    public async Task A_bad_header_or_record_is_exit_code_2_naming_its_line(string input, string line)
    {
        var (code, _, error) = await RunAsync(input);
        Assert.Equal(2, code);
        Assert.Contains(line, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_built_server_runs_it_as_a_process_without_a_database()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Hub.Server.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "match-names"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(Input);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, process.ExitCode);
        Assert.Equal(Expected, output.ReplaceLineEndings("\n"));
    }
}
