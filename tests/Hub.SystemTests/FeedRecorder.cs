using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Hub.SystemTests;

/// <summary>
/// An operator's live feed, recorded: every alertPosted delivery, so that tests can count
/// what arrived, what arrived twice, and in which order.
/// </summary>
public sealed class FeedRecorder : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly List<(Guid EventId, long Sequence)> _deliveries = [];
    private readonly HashSet<Guid> _distinct = [];

    private FeedRecorder(HubConnection connection)
    {
        _connection = connection;
        connection.On<JsonElement>("alertPosted", m =>
        {
            lock (_deliveries)
            {
                var id = Guid.Parse(m.GetProperty("eventId").GetString()!);
                _deliveries.Add((id, m.GetProperty("sequence").GetInt64()));
                _distinct.Add(id);
            }
        });
    }

    public static async Task<FeedRecorder> StartAsync(HubProcess node, string token)
    {
        var recorder = new FeedRecorder(node.CreateFeedConnection(token));
        await recorder._connection.StartAsync();
        return recorder;
    }

    public int Distinct
    {
        get
        {
            lock (_deliveries)
            {
                return _distinct.Count;
            }
        }
    }

    public IReadOnlyList<(Guid EventId, long Sequence)> Deliveries
    {
        get
        {
            lock (_deliveries)
            {
                return [.. _deliveries];
            }
        }
    }

    /// <summary>Waits (bounded) until <paramref name="count"/> distinct events arrived.</summary>
    public async Task WaitForAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Distinct < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the feed had {Distinct} of {count} events after {timeout.TotalSeconds:0}s");
            }
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
