using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Hub.Server.Records;

/// <summary>
/// This node's fan-out of events to its open gRPC streams. Each watcher has a bounded
/// buffer: one that falls too far behind is cut off with a reason and resumes from its last
/// sequence, so a slow client can never grow the hub's memory.
/// </summary>
public sealed class NodeFeed<TEvent>(int watcherCapacity = NodeFeed<TEvent>.DefaultWatcherCapacity)
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
        private readonly NodeFeed<TEvent> _feed;
        private readonly Channel<TEvent> _channel;

        internal Subscription(NodeFeed<TEvent> feed, int capacity)
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
