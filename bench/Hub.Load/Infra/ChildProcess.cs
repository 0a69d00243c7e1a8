using System.Diagnostics;
using System.Globalization;

namespace Hub.Load.Infra;

/// <summary>
/// A process this tool started (`dotnet X.dll`), with its output kept (the last lines), its
/// memory and CPU read from /proc, and killed when disposed: nothing outlives a run.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const int TailLines = 300;
    private static readonly HashSet<ChildProcess> Live = [];
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly string _name;

    private ChildProcess(string name, Process process)
    {
        _name = name;
        _process = process;
    }

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(string name, string assembly, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(assembly);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + name);
        var child = new ChildProcess(name, process);
        lock (Live)
        {
            Live.Add(child);
        }
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }
        }
    }

    public string Tail()
    {
        lock (_tail)
        {
            return string.Join('\n', _tail);
        }
    }

    /// <summary>Polls <paramref name="url"/> until it answers 2xx (bounded).</summary>
    public async Task WaitReadyAsync(Uri url, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{_name} exited with code {_process.ExitCode}:\n{Tail()}");
            }
            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Slow to answer while starting.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{_name} was not ready within {timeout.TotalSeconds:0} s:\n{Tail()}");
    }

    /// <summary>Resident set size now and its peak so far (VmRSS, VmHWM), in MiB.</summary>
    public (double Rss, double Peak) MemoryMiB()
    {
        double rss = double.NaN, peak = double.NaN;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = KiB(line) / 1024;
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = KiB(line) / 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        return (rss, peak);

        static double KiB(string line) => double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    /// <summary>CPU seconds (user + system) the process has used so far.</summary>
    public double CpuSeconds() => Cpu.ProcessSeconds(_process.Id);

    /// <summary>SIGKILL and wait: a crash as far as the process knows (SQLite's WAL keeps what was committed).</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Kills every child still running (Ctrl-C, SIGTERM, a crash of this tool): nothing started by a run outlives it.</summary>
    public static void KillAll()
    {
        ChildProcess[] live;
        lock (Live)
        {
            live = [.. Live];
        }
        foreach (var child in live)
        {
            try
            {
                if (!child._process.HasExited)
                {
                    child._process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (Live)
        {
            Live.Remove(this);
        }
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }
}
