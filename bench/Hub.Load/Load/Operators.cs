using System.Diagnostics;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Hub.Load.Load;

/// <summary>
/// Operators' live feeds: N SignalR connections over WebSockets to <c>/hubs/feed</c> (the hub's
/// or the bare baseline's), each recording every <c>alertPosted</c> it receives — its sequence
/// and the receipt time — into one shared, preallocated log.
/// </summary>
internal sealed class Operators : IAsyncDisposable
{
    private readonly Uri _url;
    private readonly string? _token;
    private readonly List<HubConnection> _connections = [];
    private Delivery[] _log = new Delivery[1];
    private long _next = -1;
    private long _overflow;
    private int _closed;

    public Operators(Uri feedUrl, string? token)
    {
        _url = feedUrl;
        _token = token;
    }

    public int Count => _connections.Count;

    /// <summary>Connections the server closed or lost during the run.</summary>
    public int Closed => Volatile.Read(ref _closed);

    /// <summary>Opens connections until there are <paramref name="count"/>, 32 at a time; returns how long that took.</summary>
    public async Task<TimeSpan> GrowToAsync(int count)
    {
        var clock = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(32);
        var adding = new List<Task<HubConnection>>();
        for (var i = _connections.Count; i < count; i++)
        {
            await gate.WaitAsync();
            adding.Add(ConnectAsync(gate));
        }
        _connections.AddRange(await Task.WhenAll(adding));
        return clock.Elapsed;
    }

    private async Task<HubConnection> ConnectAsync(SemaphoreSlim gate)
    {
        try
        {
            var connection = new HubConnectionBuilder()
                .WithUrl(_url, o =>
                {
                    o.Transports = HttpTransportType.WebSockets;
                    o.SkipNegotiation = true;
                    if (_token is not null)
                    {
                        o.AccessTokenProvider = () => Task.FromResult<string?>(_token);
                    }
                })
                .Build();
            // A long server timeout: on a saturated 2-core machine a late ping is not a lost operator.
            connection.ServerTimeout = TimeSpan.FromMinutes(2);
            connection.On<FeedSequence>("alertPosted", Record);
            connection.Closed += _ =>
            {
                Interlocked.Increment(ref _closed);
                return Task.CompletedTask;
            };
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await connection.StartAsync();
                    return connection;
                }
                catch (Exception) when (attempt < 5)
                {
                    await Task.Delay(200 * attempt);
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Starts a new log with room for <paramref name="capacity"/> deliveries (beyond that they are counted, not kept).</summary>
    public void StartLog(long capacity)
    {
        _log = new Delivery[capacity];
        Interlocked.Exchange(ref _next, -1);
        Interlocked.Exchange(ref _overflow, 0);
    }

    private void Record(FeedSequence message)
    {
        var now = Stopwatch.GetTimestamp();
        var log = _log;
        var i = Interlocked.Increment(ref _next);
        if (i < log.Length)
        {
            log[i] = new Delivery(message.Sequence, now);
        }
        else
        {
            Interlocked.Increment(ref _overflow);
        }
    }

    public long Received => Math.Min(Interlocked.Read(ref _next) + 1, _log.Length) + Interlocked.Read(ref _overflow);

    /// <summary>The deliveries so far (a copy).</summary>
    public Delivery[] Deliveries()
    {
        var n = (int)Math.Min(Interlocked.Read(ref _next) + 1, _log.Length);
        return _log[..n];
    }

    /// <summary>Waits (bounded) until <paramref name="expected"/> deliveries arrived or none arrived for <paramref name="quiet"/>.</summary>
    public async Task DrainAsync(long expected, TimeSpan quiet, TimeSpan max)
    {
        var clock = Stopwatch.StartNew();
        var last = Received;
        var lastChange = clock.Elapsed;
        while (Received < expected && clock.Elapsed < max)
        {
            await Task.Delay(100);
            var now = Received;
            if (now != last)
            {
                last = now;
                lastChange = clock.Elapsed;
            }
            else if (clock.Elapsed - lastChange > quiet)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var chunk in _connections.Chunk(100))
        {
            await Task.WhenAll(chunk.Select(async c =>
            {
                try
                {
                    await c.DisposeAsync();
                }
                catch (Exception)
                {
                    // Closing is best effort at the end of a run.
                }
            }));
        }
        _connections.Clear();
    }
}

/// <summary>Only the sequence is read from <c>alertPosted</c>; the rest of the payload is skipped, the same for hub and baseline.</summary>
internal sealed class FeedSequence
{
    public long Sequence { get; set; }
}

internal readonly record struct Delivery(long Sequence, long ReceivedAt);
