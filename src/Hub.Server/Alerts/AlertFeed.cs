using System.Collections.Concurrent;
using System.Threading.Channels;
using Hub.Contracts.V1;

namespace Hub.Server.Alerts;

/// <summary>This node's alert events for its open WatchAlerts streams.</summary>
public sealed class AlertFeed(int watcherCapacity = EventFeed<AlertEvent>.DefaultWatcherCapacity) : EventFeed<AlertEvent>(watcherCapacity);

/// <summary>This node's case events for its open WatchCases streams.</summary>
public sealed class CaseFeed(int watcherCapacity = EventFeed<LiveCaseEvent>.DefaultWatcherCapacity) : EventFeed<LiveCaseEvent>(watcherCapacity);

/// <summary>This node's delivery events for its open Watch streams.</summary>
public sealed class DeliveryFeed(int watcherCapacity = EventFeed<LiveDeliveryEvent>.DefaultWatcherCapacity) : EventFeed<LiveDeliveryEvent>(watcherCapacity);

/// <summary>A delivery event with its route countries.</summary>
public sealed record LiveDeliveryEvent(DeliveryEvent Event, IReadOnlyList<string> VisibleTo);

/// <summary>A case event with the countries it was released to.</summary>
public sealed record LiveCaseEvent(CaseEvent Event, IReadOnlyList<string> VisibleTo);

/// <summary>
/// This node's fan-out of events to its open gRPC streams. Each watcher has a bounded
/// buffer: one that falls too far behind is cut off with a reason and resumes from its last
/// sequence, so a slow client can never grow the hub's memory.
/// </summary>
public class EventFeed<TEvent>(int watcherCapacity)
{
    public const int DefaultWatcherCapacity = 1024;
    private readonly ConcurrentDictionary<Subscription, byte> _subscriptions = new();

    public int WatcherCount => _subscriptions.Count;

    /// <param name="capacity">How many events the watcher may fall behind; the feed's setting by default.</param>
    public Subscription Subscribe(int? capacity = null)
    {
        var subscription = new Subscription(this, capacity ?? watcherCapacity);
        _subscriptions.TryAdd(subscription, 0);
        return subscription;
    }

    public void Publish(TEvent alertEvent)
    {
        foreach (var subscription in _subscriptions.Keys)
        {
            subscription.Offer(alertEvent);
        }
    }

    public sealed class Subscription : IDisposable
    {
        private readonly EventFeed<TEvent> _feed;
        private readonly Channel<TEvent> _channel;

        internal Subscription(EventFeed<TEvent> feed, int capacity)
        {
            _feed = feed;
            Capacity = capacity;
            _channel = Channel.CreateBounded<TEvent>(new BoundedChannelOptions(capacity)
            {
                SingleReader = true,
                FullMode = BoundedChannelFullMode.Wait,
            });
        }

        public int Capacity { get; }
        public ChannelReader<TEvent> Reader => _channel.Reader;

        internal void Offer(TEvent alertEvent)
        {
            if (!_channel.Writer.TryWrite(alertEvent))
            {
                _channel.Writer.TryComplete(new SlowWatcherException(Capacity));
                _feed._subscriptions.TryRemove(this, out _);
            }
        }

        public void Dispose()
        {
            _feed._subscriptions.TryRemove(this, out _);
            _channel.Writer.TryComplete();
        }
    }
}

/// <summary>A watcher's buffer filled up: it is cut off rather than allowed to grow.</summary>
public sealed class SlowWatcherException(int capacity)
    : Exception($"the watcher fell more than {capacity} events behind the live feed");
