using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Hub.Load.Infra;

/// <summary>
/// A private RabbitMQ node for the run: deploy/rabbitmq/local-node.sh start (its own node name,
/// loopback ports and data folder), stopped and deleted with local-node.sh stop at the end.
/// </summary>
internal sealed partial class LocalBroker : IAsyncDisposable
{
    private static readonly HashSet<string> Running = [];
    private readonly string _directory;

    private LocalBroker(string uri, string directory)
    {
        Uri = uri;
        _directory = directory;
    }

    /// <summary>amqp://hub:…@127.0.0.1:PORT/ (user hub, all permissions on vhost /).</summary>
    public string Uri { get; }

    public static async Task<LocalBroker> StartAsync()
    {
        var (code, output, error) = await RunAsync(["start"], TimeSpan.FromSeconds(180));
        if (code != 0)
        {
            throw new InvalidOperationException($"local-node.sh start failed ({code}):\n{error}");
        }
        string Export(string name) => ExportLine().Matches(output).FirstOrDefault(m => m.Groups[1].Value == name)?.Groups[2].Value.Trim('\'')
            ?? throw new InvalidOperationException($"local-node.sh printed no {name}:\n{output}");
        var broker = new LocalBroker(Export("HUB_TEST_RABBITMQ"), Export("HUB_RABBITMQ_DIR"));
        lock (Running)
        {
            Running.Add(broker._directory);
        }
        return broker;
    }

    /// <summary>The node's Erlang VM, for its CPU use.</summary>
    public int? ProcessId
    {
        get
        {
            try
            {
                return int.Parse(File.ReadAllText(Path.Combine(_directory, "pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is IOException or FormatException)
            {
                return null;
            }
        }
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(Repo.Root, "deploy", "rabbitmq", "local-node.sh"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not run local-node.sh");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await output, await error);
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync(["stop", _directory], TimeSpan.FromSeconds(90));
        lock (Running)
        {
            Running.Remove(_directory);
        }
    }

    /// <summary>Stops the nodes this run started and has not stopped yet (on Ctrl-C or SIGTERM).</summary>
    public static void StopAll()
    {
        string[] running;
        lock (Running)
        {
            running = [.. Running];
            Running.Clear();
        }
        foreach (var directory in running)
        {
            RunAsync(["stop", directory], TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        }
    }

    // export HUB_TEST_RABBITMQ=amqp://... (printf %q quoting: no spaces in these values)
    [GeneratedRegex(@"^export (\w+)=(\S+)$", RegexOptions.Multiline)]
    private static partial Regex ExportLine();
}
