using System.Collections.Concurrent;
using Hub.Server.Access;
using Hub.Server.ErrorHandling;
using Microsoft.Extensions.Options;

namespace Hub.Server.Records;

/// <summary>How many streams and live-feed connections one account may hold open on a node.</summary>
public sealed class StreamLimits
{
    public const string Section = "Hub:Streams";

    /// <summary>Open gRPC watch streams (alerts, cases, deliveries together) per account.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000)]
    public int PerCaller { get; set; } = 16;

    /// <summary>Open SignalR connections per account.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000)]
    public int ConnectionsPerCaller { get; set; } = 16;

    /// <summary>Events a watcher may fall behind the live feed before it is cut off with its resume sequence.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1_000_000)]
    public int WatcherBuffer { get; set; } = 1024;
}

/// <summary>
/// Counts what each account holds open on this node. One client opening far more streams
/// than it may is answered RESOURCE_EXHAUSTED for the excess before any of them reads the
/// database, so no account can turn streams into the node's memory.
/// </summary>
public sealed class StreamSlots(IOptions<StreamLimits> limits)
{
    private readonly ConcurrentDictionary<string, int> _streams = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _connections = new(StringComparer.Ordinal);

    public IDisposable AcquireStream(Caller caller) =>
        Acquire(_streams, caller, limits.Value.PerCaller, "open watch streams");

    public IDisposable AcquireConnection(Caller caller) =>
        Acquire(_connections, caller, limits.Value.ConnectionsPerCaller, "live-feed connections");

    private static Slot Acquire(ConcurrentDictionary<string, int> counts, Caller caller, int limit, string what)
    {
        var held = counts.AddOrUpdate(caller.Subject, 1, (_, n) => n + 1);
        if (held > limit)
        {
            Release(counts, caller.Subject);
            throw HubException.Exhausted($"at most {limit} {what} per account on one hub node; close one first");
        }
        return new Slot(counts, caller.Subject);
    }

    private static void Release(ConcurrentDictionary<string, int> counts, string subject)
    {
        if (counts.AddOrUpdate(subject, 0, (_, n) => n - 1) <= 0)
        {
            counts.TryRemove(new KeyValuePair<string, int>(subject, 0));
        }
    }

    private sealed class Slot(ConcurrentDictionary<string, int> counts, string subject) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Release(counts, subject);
            }
        }
    }
}
