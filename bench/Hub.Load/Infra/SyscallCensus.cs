using System.Diagnostics;
using System.Globalization;

namespace Hub.Load.Infra;

/// <summary>
/// Counts a process's fsync/fdatasync calls and its sleeps (nanosleep: Thread.Sleep, which is how
/// Microsoft.Data.Sqlite waits 150 ms when the database is locked), with the wall time spent in
/// them, during a window, with `strace -f -c -w` attached (Debian's strace; skipped when missing).
/// strace slows what it traces, so the census runs in a phase of its own, not in a measured one.
/// </summary>
internal sealed class SyscallCensus
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
        // SIGINT at the end: strace detaches and writes its summary.
        foreach (var a in new[] { "-s", "INT", ((int)length.TotalSeconds).ToString(CultureInfo.InvariantCulture), "strace", "-f", "-c", "-w", "-e", "trace=fsync,fdatasync,nanosleep,clock_nanosleep", "-o", output, "-p", pid.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(a);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start strace");
        // Attaching to every thread takes a moment.
        await Task.Delay(1500);
        return new SyscallCensus(process, output);
    }

    /// <summary>Waits for strace to finish; returns (fsync + fdatasync) and (nanosleep + clock_nanosleep): calls and wall seconds.</summary>
    public async Task<(SyscallTotal Sync, SyscallTotal Sleep)> ResultAsync()
    {
        await _strace.WaitForExitAsync();
        _strace.Dispose();
        var sync = new SyscallTotal(0, 0);
        var sleep = new SyscallTotal(0, 0);
        if (!File.Exists(_output))
        {
            return (sync, sleep);
        }
        foreach (var line in await File.ReadAllLinesAsync(_output))
        {
            // % time     seconds  usecs/call     calls    errors syscall
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 5 || !double.TryParse(fields[1], CultureInfo.InvariantCulture, out var seconds) || !long.TryParse(fields[3], CultureInfo.InvariantCulture, out var calls))
            {
                continue;
            }
            switch (fields[^1])
            {
                case "fsync" or "fdatasync":
                    sync = new SyscallTotal(sync.Calls + calls, sync.Seconds + seconds);
                    break;
                case "nanosleep" or "clock_nanosleep":
                    sleep = new SyscallTotal(sleep.Calls + calls, sleep.Seconds + seconds);
                    break;
            }
        }
        File.Delete(_output);
        return (sync, sleep);
    }
}

internal readonly record struct SyscallTotal(long Calls, double Seconds)
{
    public double CallsPer(long n) => Math.Round(Calls / (double)Math.Max(1, n), 2);

    public double MsPer(long n) => Math.Round(Seconds * 1000 / Math.Max(1, n), 2);
}
