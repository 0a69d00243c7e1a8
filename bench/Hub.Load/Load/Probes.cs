using System.Diagnostics;
using Hub.Load.Infra;
using Hub.Load.Report;

namespace Hub.Load.Load;

/// <summary>
/// A process's working set (VmRSS) every <c>interval</c> on one clock for the whole run, so
/// that idle, load and after-close figures come from the same series the chart draws.
/// </summary>
internal sealed class WorkingSetSampler : IAsyncDisposable
{
    private readonly List<double> _seconds = [];
    private readonly List<double> _values = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <param name="onSample">Called with each sample (MiB), from the sampling task.</param>
    public WorkingSetSampler(ChildProcess process, Stopwatch clock, TimeSpan interval, Action<double>? onSample = null)
    {
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var rss = process.MemoryMiB().Rss;
                lock (_values)
                {
                    _seconds.Add(Math.Round(clock.Elapsed.TotalSeconds, 2));
                    _values.Add(Math.Round(rss, 1));
                }
                onSample?.Invoke(rss);
                try
                {
                    await Task.Delay(interval, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });
    }

    /// <summary>The samples taken between two times of the clock (seconds).</summary>
    public IReadOnlyList<double> Between(double from, double to)
    {
        lock (_values)
        {
            return [.. _seconds.Zip(_values).Where(p => p.First >= from && p.First <= to && double.IsFinite(p.Second)).Select(p => p.Second)];
        }
    }

    public TimeSeries Series(string name)
    {
        lock (_values)
        {
            return new TimeSeries(name, "MiB", [.. _seconds], [.. _values]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}

/// <summary>
/// GET /healthz at a fixed rate (open loop, latency from each request's due time), keeping
/// every request's latency against the run's clock for the chart.
/// </summary>
internal sealed class HealthProbe(Uri web, Stopwatch clock) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
    {
        BaseAddress = web,
        Timeout = TimeSpan.FromSeconds(30),
    };
    private readonly List<(double Seconds, double Ms)> _points = [];
    // The run's clock in Stopwatch timestamps: due times are timestamps.
    private readonly long _zero = Stopwatch.GetTimestamp() - clock.ElapsedTicks;

    public Task<PhaseStats> PollAsync(string name, double rate, TimeSpan duration) =>
        Drive.FixedRateAsync(name, rate, duration, async (_, due, ct) =>
        {
            try
            {
                using var response = await _http.GetAsync(new Uri("/healthz", UriKind.Relative), ct);
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync(ct);
            }
            finally
            {
                var now = Stopwatch.GetTimestamp();
                lock (_points)
                {
                    _points.Add((Math.Round((due - _zero) / (double)Stopwatch.Frequency, 3), Math.Round(Latency.Microseconds(now - due) / 1000, 3)));
                }
            }
        });

    /// <summary>The requests due from <paramref name="from"/> (seconds of the run's clock) on: warm-ups are left out.</summary>
    public TimeSeries Series(string name, double from)
    {
        lock (_points)
        {
            var sorted = _points.Where(p => p.Seconds >= from).OrderBy(p => p.Seconds).ToList();
            return new TimeSeries(name, "ms", [.. sorted.Select(p => p.Seconds)], [.. sorted.Select(p => p.Ms)]);
        }
    }

    public void Dispose() => _http.Dispose();
}
