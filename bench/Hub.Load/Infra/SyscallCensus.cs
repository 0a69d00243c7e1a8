using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Hub.Load.Infra;

/// <summary>
/// What a process waited on during a window, from `strace -f -T` attached to it (Debian's
/// strace; skipped when missing): its fsync/fdatasync calls with their time, and its timed
/// waits that ran out after 150 ms — how a .NET Thread.Sleep(150) shows up, which is what
/// Microsoft.Data.Sqlite does each time it finds the database locked (SQLITE_BUSY) before it
/// tries again. strace slows what it traces, so the census runs in a phase of its own.
/// </summary>
internal sealed partial class SyscallCensus
{
    private readonly Process _strace;
    private readonly string _output;

    private SyscallCensus(Process strace, string output)
    {
        _strace = strace;
        _output = output;
    }

    public static bool Available => File.Exists("/usr/bin/strace");

    public static async Task<SyscallCensus> AttachAsync(int pid, TimeSpan length)
    {
        var output = Path.Combine(Path.GetTempPath(), $"hub-load-strace-{Guid.NewGuid():N}.txt");
        var info = new ProcessStartInfo("timeout")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // SIGINT at the end: strace detaches cleanly.
        foreach (var a in new[]
        {
            "-s", "INT", ((int)length.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            "strace", "-f", "-T", "-e", "trace=fsync,fdatasync,futex", "-o", output, "-p", pid.ToString(CultureInfo.InvariantCulture),
        })
        {
            info.ArgumentList.Add(a);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start strace");
        // Attaching to every thread takes a moment.
        await Task.Delay(1500);
        return new SyscallCensus(process, output);
    }

    public async Task<CensusResult> ResultAsync()
    {
        await _strace.WaitForExitAsync();
        _strace.Dispose();
        long syncCalls = 0, sleeps = 0;
        double syncSeconds = 0;
        if (File.Exists(_output))
        {
            foreach (var line in File.ReadLines(_output))
            {
                var duration = Duration().Match(line);
                if (!duration.Success)
                {
                    continue;
                }
                var seconds = double.Parse(duration.Groups[1].Value, CultureInfo.InvariantCulture);
                if (line.Contains("fsync(", StringComparison.Ordinal) || line.Contains("fdatasync(", StringComparison.Ordinal)
                    || line.Contains("<... fsync resumed>", StringComparison.Ordinal) || line.Contains("<... fdatasync resumed>", StringComparison.Ordinal))
                {
                    syncCalls++;
                    syncSeconds += seconds;
                }
                else if (line.Contains("ETIMEDOUT", StringComparison.Ordinal) && seconds is >= 0.148 and < 0.165)
                {
                    sleeps++;
                }
            }
            File.Delete(_output);
        }
        return new CensusResult(syncCalls, syncSeconds, sleeps);
    }

    [GeneratedRegex(@"<(\d+\.\d+)>\s*$")]
    private static partial Regex Duration();
}

/// <param name="SyncCalls">fsync + fdatasync calls.</param>
/// <param name="SyncSeconds">Wall time spent in them.</param>
/// <param name="BusySleeps">Timed waits that ran out after 150 ms (Thread.Sleep(150): Microsoft.Data.Sqlite's wait on a locked database).</param>
internal readonly record struct CensusResult(long SyncCalls, double SyncSeconds, long BusySleeps)
{
    public static double Per(double value, long n) => Math.Round(value / Math.Max(1, n), 2);
}
