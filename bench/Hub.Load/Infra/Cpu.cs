using System.Globalization;

namespace Hub.Load.Infra;

/// <summary>
/// CPU use from /proc: the whole machine's, and a process's. Each phase reports how many
/// cores the hub (or baseline), this tool and everything else used, so that a run on a
/// busy machine says so.
/// </summary>
internal static class Cpu
{
    private const double ClockTicksPerSecond = 100; // USER_HZ on Linux

    public static double ProcessSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After the command: state(3) ... utime(14) stime(15), so index 11 and 12 here.
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    /// <summary>Busy and total CPU seconds of the machine (all cores) so far.</summary>
    public static (double Busy, double Total) MachineSeconds()
    {
        var first = File.ReadLines("/proc/stat").First();
        var v = first.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal
        var busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
        var total = busy + v[3] + v[4];
        return (busy / ClockTicksPerSecond, total / ClockTicksPerSecond);
    }

    public static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }
}

/// <summary>Cores used during one phase, by the server under test, this tool, and the rest of the machine.</summary>
internal sealed class CpuWindow
{
    private readonly Func<double>? _server;
    private readonly double _serverStart;
    private readonly double _selfStart;
    private readonly (double Busy, double Total) _machineStart;
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    public CpuWindow(Func<double>? serverCpuSeconds)
    {
        _server = serverCpuSeconds;
        _serverStart = serverCpuSeconds?.Invoke() ?? 0;
        _selfStart = Cpu.ProcessSeconds(Environment.ProcessId);
        _machineStart = Cpu.MachineSeconds();
    }

    public CpuUse Stop()
    {
        var seconds = _clock.Elapsed.TotalSeconds;
        var server = _server is null ? 0 : _server() - _serverStart;
        var self = Cpu.ProcessSeconds(Environment.ProcessId) - _selfStart;
        var machine = Cpu.MachineSeconds();
        var busy = machine.Busy - _machineStart.Busy;
        var total = machine.Total - _machineStart.Total;
        return new CpuUse(
            Round(server / seconds),
            Round(self / seconds),
            Round(Math.Max(0, busy - server - self) / seconds),
            Round(total / seconds),
            Round(busy / seconds));

        static double Round(double v) => Math.Round(v, 2);
    }
}

/// <summary>Average cores used during a phase.</summary>
/// <param name="Server">The hub or the baseline server process.</param>
/// <param name="LoadTool">This process (clients, load generator; in-process baselines).</param>
/// <param name="Other">Everything else on the machine (the broker, other people's processes).</param>
/// <param name="Available">Cores of the machine.</param>
/// <param name="MachineBusy">All busy cores.</param>
internal sealed record CpuUse(double Server, double LoadTool, double Other, double Available, double MachineBusy);
