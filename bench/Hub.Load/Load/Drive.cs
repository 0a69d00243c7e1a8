using System.Diagnostics;

namespace Hub.Load.Load;

/// <summary>
/// The two ways the tool drives a target. <see cref="FixedRateAsync"/> is open-loop: request
/// i is due at start + i/rate whatever happened before, and its latency is measured from that
/// due time, so a stall is charged to every request it delayed. <see cref="ClosedLoopAsync"/>
/// finds capacity: C callers, each sending its next request as soon as the previous answered.
/// Both are bounded in count and time and stop by themselves.
/// </summary>
internal static class Drive
{
    /// <summary>One call: <paramref name="i"/> is the request's index in the phase, <paramref name="due"/> its due time (Stopwatch ticks).</summary>
    public delegate Task Call(long i, long due, CancellationToken cancellationToken);

    public static async Task<PhaseStats> FixedRateAsync(string name, double rate, TimeSpan duration, Call call, int maxInFlight = 2000, TimeSpan? drain = null)
    {
        var total = (long)Math.Max(1, Math.Round(rate * duration.TotalSeconds));
        var period = Stopwatch.Frequency / rate;
        var latency = new Latency();
        var inFlight = new SemaphoreSlim(maxInFlight);
        using var cancel = new CancellationTokenSource();
        long ok = 0, failed = 0, lateStarts = 0;
        var errors = new ErrorCounts();
        var pending = new List<Task>(capacity: (int)Math.Min(total, 1_000_000));
        var window = Stopwatch.StartNew();
        var start = Stopwatch.GetTimestamp();

        // A dedicated thread keeps the schedule, sleeping between due times (see WaitUntil).
        var scheduler = new Thread(() =>
        {
            for (long i = 0; i < total; i++)
            {
                var due = start + (long)(i * period);
                WaitUntil(due);
                inFlight.Wait();
                if (Stopwatch.GetTimestamp() - due > Stopwatch.Frequency / 500)
                {
                    Interlocked.Increment(ref lateStarts);
                }
                var index = i;
                var task = Task.Run(async () =>
                {
                    try
                    {
                        await call(index, due, cancel.Token);
                        Interlocked.Increment(ref ok);
                    }
                    catch (Exception ex)
                    {
                        Interlocked.Increment(ref failed);
                        errors.Add(ex);
                    }
                    finally
                    {
                        latency.Record(due, Stopwatch.GetTimestamp());
                        inFlight.Release();
                    }
                });
                lock (pending)
                {
                    pending.Add(task);
                }
            }
        })
        { IsBackground = true, Name = "schedule " + name, Priority = ThreadPriority.AboveNormal };
        scheduler.Start();
        await Task.Run(scheduler.Join);
        var sendWindow = window.Elapsed;
        Task[] all;
        lock (pending)
        {
            all = [.. pending];
        }
        var drained = Task.WhenAll(all);
        if (await Task.WhenAny(drained, Task.Delay(drain ?? TimeSpan.FromSeconds(30))) != drained)
        {
            await cancel.CancelAsync();
            try
            {
                await drained;
            }
            catch (OperationCanceledException)
            {
            }
        }
        var elapsed = window.Elapsed;
        return new PhaseStats(name, "fixed-rate", rate, 0, sendWindow.TotalSeconds, elapsed.TotalSeconds, total, ok, failed, lateStarts,
            Math.Round(ok / elapsed.TotalSeconds, 1), latency.Summary(), errors.Top());
    }

    /// <summary>Capacity: <paramref name="concurrency"/> callers back to back for <paramref name="duration"/> (latency here is service time, not corrected).</summary>
    public static async Task<PhaseStats> ClosedLoopAsync(string name, int concurrency, TimeSpan duration, Call call, long maxRequests = 5_000_000)
    {
        var latency = new Latency();
        long ok = 0, failed = 0, next = -1;
        var errors = new ErrorCounts();
        using var stop = new CancellationTokenSource(duration);
        using var cancel = new CancellationTokenSource();
        var window = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= maxRequests)
                {
                    return;
                }
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await call(i, started, cancel.Token);
                    // Only answers inside the window count towards throughput.
                    if (!stop.IsCancellationRequested)
                    {
                        Interlocked.Increment(ref ok);
                        latency.Record(started, Stopwatch.GetTimestamp());
                    }
                }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref failed);
                    errors.Add(ex);
                }
            }
        })).ToArray();
        await Task.Delay(duration);
        var elapsed = window.Elapsed;
        var all = Task.WhenAll(workers);
        if (await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(30))) != all)
        {
            await cancel.CancelAsync();
        }
        try
        {
            await all;
        }
        catch (OperationCanceledException)
        {
        }
        return new PhaseStats(name, "closed-loop", 0, concurrency, elapsed.TotalSeconds, elapsed.TotalSeconds, ok + failed, ok, failed, 0,
            Math.Round(ok / elapsed.TotalSeconds, 1), latency.Summary(), errors.Top());
    }

    /// <summary>
    /// Sleeps until the due time, to the millisecond: spinning or yielding for sub-millisecond
    /// precision would take a core from the server under test on this 2-core machine. A request
    /// issued up to ~1 ms late is still measured from its due time, so the lateness is charged
    /// to the target, equally for the hub and for the baselines.
    /// </summary>
    private static void WaitUntil(long due)
    {
        while (true)
        {
            var remaining = due - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }
            Thread.Sleep(Math.Max(1, (int)(remaining * 1000 / Stopwatch.Frequency)));
        }
    }
}

/// <summary>What one driven phase did.</summary>
/// <param name="SendSeconds">How long sending took (for a fixed rate: the schedule; longer means the tool or the target fell behind).</param>
/// <param name="Seconds">Until the last answer.</param>
/// <param name="LateStarts">Requests sent more than 2 ms after their due time (their latency still counts from the due time).</param>
/// <param name="Throughput">Successful calls per second over <paramref name="Seconds"/>.</param>
internal sealed record PhaseStats(
    string Name, string Mode, double Rate, int Concurrency, double SendSeconds, double Seconds,
    long Requests, long Ok, long Failed, long LateStarts, double Throughput, LatencySummary Latency, IReadOnlyDictionary<string, long> Errors);

/// <summary>Counts of failures by kind, for the report (a run with errors says which).</summary>
internal sealed class ErrorCounts
{
    private readonly Dictionary<string, long> _counts = [];

    public void Add(Exception ex)
    {
        var key = ex is Grpc.Core.RpcException rpc ? $"gRPC {rpc.StatusCode}: {Short(rpc.Status.Detail)}" : $"{ex.GetType().Name}: {Short(ex.Message)}";
        lock (_counts)
        {
            _counts[key] = _counts.GetValueOrDefault(key) + 1;
        }
    }

    public IReadOnlyDictionary<string, long> Top()
    {
        lock (_counts)
        {
            return _counts.OrderByDescending(p => p.Value).Take(5).ToDictionary(p => p.Key, p => p.Value);
        }
    }

    private static string Short(string s) => s.Length > 120 ? s[..120] : s;
}
