using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Hub.Contracts.V1;
using Hub.Load.Infra;

namespace Hub.Load.Load;

/// <summary>
/// WatchAlerts server streams of one caller (one token) that are opened and never read: what a
/// client leaking its streams costs the hub. Each stream is classified once by how the hub
/// answered it: opened (response headers, call still running), refused (a gRPC status from the
/// hub, counted by code), failed otherwise (a transport failure), or no answer by the deadline.
/// A refusal can come as headers first and its status an instant later (the rate limiter's
/// trailers-only answer does), so streams are counted as opened only by <see cref="Settle"/>.
/// </summary>
internal sealed class UnreadStreams : IAsyncDisposable
{
    private readonly List<GrpcChannel> _channels = [];
    private readonly List<(AsyncServerStreamingCall<AlertEvent> Call, long TicksToHeaders)> _opened = [];
    private readonly CancellationTokenSource _close = new();
    private readonly Latency _toHeaders = new();
    private readonly Lock _closeLock = new();
    private Task? _closing;

    /// <param name="channels">
    /// Separate channels, each with its own pool of HTTP/2 connections: one handler opens a new
    /// connection only once the server's per-connection stream limit (Kestrel: 100) is reached,
    /// and queues the calls meanwhile, which would pace the opening instead of the hub.
    /// </param>
    public UnreadStreams(ServerNode node, string token, int channels)
    {
        for (var i = 0; i < channels; i++)
        {
            _channels.Add(node.Channel(token));
        }
    }

    public int Opened
    {
        get
        {
            lock (_opened)
            {
                return _opened.Count;
            }
        }
    }

    /// <summary>Time from starting a call to its response headers, for the streams open at <see cref="Settle"/>.</summary>
    public LatencySummary TimeToHeaders => _toHeaders.Summary();

    /// <summary>Starts <paramref name="count"/> watches at once and waits (until <paramref name="deadline"/>) for each one's answer.</summary>
    public async Task<StreamCensus> OpenAsync(int count, long afterSequence, TimeSpan deadline)
    {
        var census = new StreamCensus(count);
        using var answerBy = new CancellationTokenSource(deadline);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, count).Select(i => OpenOneAsync(i, afterSequence, census, answerBy.Token)));
        census.OpeningSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2);
        return census;
    }

    private async Task OpenOneAsync(int i, long afterSequence, StreamCensus census, CancellationToken answerBy)
    {
        var client = new SeizureAlerts.SeizureAlertsClient(_channels[i % _channels.Count]);
        var started = Stopwatch.GetTimestamp();
        var call = client.WatchAlerts(new WatchAlertsRequest { AfterSequence = afterSequence }, cancellationToken: _close.Token);
        try
        {
            await call.ResponseHeadersAsync.WaitAsync(answerBy);
        }
        catch (OperationCanceledException) when (answerBy.IsCancellationRequested)
        {
            census.Count(census.NoAnswer, "no response headers by the deadline");
            call.Dispose();
            return;
        }
        catch (RpcException ex)
        {
            census.Count(Classify(ex, census), Key(ex));
            call.Dispose();
            return;
        }
        catch (Exception ex)
        {
            census.Count(census.Failed, ex.GetType().Name + ": " + ex.Message);
            call.Dispose();
            return;
        }
        lock (_opened)
        {
            _opened.Add((call, Stopwatch.GetTimestamp() - started));
        }
    }

    /// <summary>A status the hub sent, by code; one the client made up from a broken connection is a failure.</summary>
    private static Dictionary<string, long> Classify(RpcException ex, StreamCensus census) =>
        ex.Status.DebugException is null ? census.Refused : census.Failed;

    private static string Key(RpcException ex) => ex.Status.DebugException is null
        ? ex.StatusCode.ToString()
        : $"{ex.StatusCode} ({ex.Status.DebugException.GetType().Name})";

    private static Status? StatusOf(AsyncServerStreamingCall<AlertEvent> call)
    {
        try
        {
            return call.GetStatus();
        }
        catch (InvalidOperationException)
        {
            // Still running.
            return null;
        }
    }

    /// <summary>
    /// Moves the answered streams that have ended since into <paramref name="census"/> by their
    /// status; what is left is open. Unread, a stream's end is seen only when nothing came
    /// before it (a refusal); an end after messages waits behind them unread.
    /// </summary>
    public void Settle(StreamCensus census)
    {
        lock (_opened)
        {
            foreach (var (call, ticks) in _opened.ToList())
            {
                if (StatusOf(call) is { } status)
                {
                    census.Count(status.StatusCode == StatusCode.OK ? census.Failed : census.Refused,
                        status.StatusCode == StatusCode.OK ? "ended OK before any read" : status.StatusCode.ToString());
                    call.Dispose();
                    _opened.Remove((call, ticks));
                }
                else
                {
                    _toHeaders.RecordMicroseconds((long)Latency.Microseconds(ticks));
                }
            }
        }
    }

    /// <summary>Cancels every stream (RST_STREAM to the hub) and closes the connections; once, whoever asks first (the safety ceiling or the end of the hold).</summary>
    public Task CloseAsync()
    {
        lock (_closeLock)
        {
            return _closing ??= Task.Run(CloseOnceAsync);
        }
    }

    private async Task CloseOnceAsync()
    {
        await _close.CancelAsync();
        lock (_opened)
        {
            foreach (var (call, _) in _opened)
            {
                call.Dispose();
            }
            _opened.Clear();
        }
        foreach (var channel in _channels)
        {
            await channel.ShutdownAsync();
            channel.Dispose();
        }
        _channels.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        _close.Dispose();
    }
}

/// <summary>How the hub answered each of the streams asked for.</summary>
internal sealed class StreamCensus(int requested)
{
    private readonly Lock _lock = new();

    public int Requested { get; } = requested;
    /// <summary>Answered with headers and still running when settled.</summary>
    public long Opened => Requested - Refused.Values.Sum() - Failed.Values.Sum() - NoAnswer.Values.Sum();
    /// <summary>By gRPC status code (RESOURCE_EXHAUSTED from a per-caller limit).</summary>
    public Dictionary<string, long> Refused { get; } = [];
    /// <summary>By what broke: transport errors, statuses the client made up.</summary>
    public Dictionary<string, long> Failed { get; } = [];
    public Dictionary<string, long> NoAnswer { get; } = [];
    public double OpeningSeconds { get; set; }

    public void Count(Dictionary<string, long> into, string key)
    {
        lock (_lock)
        {
            into[key] = into.GetValueOrDefault(key) + 1;
        }
    }

    public static string Text(Dictionary<string, long> counts) => counts.Count == 0
        ? "0"
        : $"{counts.Values.Sum()} ({string.Join(", ", counts.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value}"))})";
}
