using System.Threading.Channels;
using Hub.Contracts.V1;
using Hub.Server.Records;

namespace Hub.Tests.Records;

public class NodeFeedTests
{
    private static AlertEvent Event(long sequence) => new() { EventId = Guid.NewGuid().ToString(), Sequence = sequence };

    [Fact]
    public async Task Delivers_to_every_watcher_in_order()
    {
        var feed = new NodeFeed<AlertEvent>();
        using var first = feed.Subscribe();
        using var second = feed.Subscribe();

        for (var i = 1; i <= 3; i++)
        {
            feed.Publish(Event(i));
        }

        foreach (var subscription in new[] { first, second })
        {
            var received = new List<long>();
            for (var i = 0; i < 3; i++)
            {
                received.Add((await subscription.Reader.ReadAsync(TestContext.Current.CancellationToken)).Sequence);
            }
            Assert.Equal([1L, 2L, 3L], received);
        }
    }

    [Fact]
    public async Task Cuts_off_a_watcher_that_falls_behind_without_affecting_others()
    {
        var feed = new NodeFeed<AlertEvent>();
        using var slow = feed.Subscribe(capacity: 4);
        using var fast = feed.Subscribe(capacity: 100);

        for (var i = 1; i <= 10; i++)
        {
            feed.Publish(Event(i));
        }

        Assert.Equal(1, feed.WatcherCount);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(slow.Reader.TryRead(out _));
        }
        var closed = await Assert.ThrowsAsync<ChannelClosedException>(() => slow.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask());
        Assert.IsType<SlowWatcherException>(closed.InnerException);
        Assert.Equal(10, fast.Reader.Count);
    }

    [Fact]
    public void Forgets_a_disposed_watcher()
    {
        var feed = new NodeFeed<AlertEvent>();
        var subscription = feed.Subscribe();

        subscription.Dispose();

        Assert.Equal(0, feed.WatcherCount);
    }
}
