using System.Diagnostics;
using Hub.Contracts.V1;
using Hub.Load.Data;
using Hub.Load.Load;

namespace Hub.Load.Scenarios;

/// <summary>What a phase of posts returned: per request, its due time, when its answer came, the alert's sequence.</summary>
internal sealed class PostLog(long capacity)
{
    public long[] Due { get; } = new long[capacity];
    public long[] Acked { get; } = new long[capacity];
    public long[] Sequence { get; } = new long[capacity];

    public void Record(long i, long due, long sequence)
    {
        if (i < Due.Length)
        {
            Due[i] = due;
            Acked[i] = Stopwatch.GetTimestamp();
            Sequence[i] = sequence;
        }
    }

    /// <summary>Request index by alert sequence, for the acknowledged posts.</summary>
    public Dictionary<long, int> BySequence()
    {
        var map = new Dictionary<long, int>();
        for (var i = 0; i < Sequence.Length; i++)
        {
            if (Sequence[i] > 0)
            {
                map[Sequence[i]] = i;
            }
        }
        return map;
    }
}

internal static class Posts
{
    /// <summary>PostAlert of the README's sample (a fresh idempotency key each time) as <paramref name="country"/>'s agency system.</summary>
    public static Drive.Call To(SeizureAlerts.SeizureAlertsClient client, PostLog? log = null, string country = "KAZ") => async (i, due, ct) =>
    {
        var response = await client.PostAlertAsync(SampleFeed.Post(country), cancellationToken: ct);
        log?.Record(i, due, response.Alert.Sequence);
    };
}

/// <summary>Deliveries to operators, matched to what was sent: latency and throughput of a fan-out phase.</summary>
internal sealed record FanOutFigures(
    long Expected, long Delivered, long Unmatched, double DeliverySeconds, double DeliveriesPerSecond,
    LatencySummary FromSend, LatencySummary? FromAck, long ArrivedBeforeAck)
{
    /// <summary>
    /// For the hub: each delivery against its post's due time (end to end) and its post's
    /// acknowledgement (the fan-out after the commit). Throughput is deliveries ÷ the time from
    /// the first due send to the last delivery (at least the schedule's length).
    /// </summary>
    public static FanOutFigures OfHub(Delivery[] deliveries, PostLog posts, long operators, double scheduleSeconds)
    {
        var bySequence = posts.BySequence();
        var fromSend = new Latency();
        var fromAck = new Latency();
        long unmatched = 0, early = 0, last = 0;
        foreach (var d in deliveries)
        {
            if (!bySequence.TryGetValue(d.Sequence, out var i))
            {
                unmatched++;
                continue;
            }
            fromSend.Record(posts.Due[i], d.ReceivedAt);
            if (d.ReceivedAt < posts.Acked[i])
            {
                early++;
                fromAck.RecordMicroseconds(0);
            }
            else
            {
                fromAck.Record(posts.Acked[i], d.ReceivedAt);
            }
            last = Math.Max(last, d.ReceivedAt);
        }
        var first = posts.Due.Where(t => t > 0).DefaultIfEmpty(0).Min();
        return Make(bySequence.Count * operators, deliveries.Length - unmatched, unmatched, first, last, scheduleSeconds, fromSend, fromAck, early);
    }

    /// <summary>For the bare hub: message n (1-based) was due at start + (n − 1) / rate.</summary>
    public static FanOutFigures OfBare(Delivery[] deliveries, long start, double rate, long count, long operators, double scheduleSeconds)
    {
        var period = Stopwatch.Frequency / rate;
        var fromSend = new Latency();
        long unmatched = 0, last = 0;
        foreach (var d in deliveries)
        {
            if (d.Sequence < 1 || d.Sequence > count)
            {
                unmatched++;
                continue;
            }
            fromSend.Record(start + (long)((d.Sequence - 1) * period), d.ReceivedAt);
            last = Math.Max(last, d.ReceivedAt);
        }
        return Make(count * operators, deliveries.Length - unmatched, unmatched, start, last, scheduleSeconds, fromSend, null, 0);
    }

    private static FanOutFigures Make(long expected, long delivered, long unmatched, long first, long last, double scheduleSeconds, Latency fromSend, Latency? fromAck, long early)
    {
        var seconds = Math.Max(scheduleSeconds, (last - first) / (double)Stopwatch.Frequency);
        return new FanOutFigures(expected, delivered, unmatched, Math.Round(seconds, 2), Math.Round(delivered / seconds, 1), fromSend.Summary(), fromAck?.Summary(), early);
    }
}
