using System.Threading.Channels;
using Google.Protobuf;
using Hub.Server.Access;
using Hub.Server.Audit;
using Hub.Server.Data;
using Hub.Server.LiveFeed;
using Microsoft.AspNetCore.SignalR;

namespace Hub.Server.Records;

/// <summary>
/// The one live push path of every feed: events this node received from the bus go, in
/// the order received, to the people connected here (SignalR) and to the node's open
/// streams (<see cref="NodeFeed{TEvent}"/>), in batches. For each batch the records' current
/// access is resolved (the feed kind reads it), the pushes are audited in one commit before
/// they go out (nothing reaches a screen unrecorded), and the SignalR groups are the ones
/// the policy entitles at that moment.
/// <para>
/// The node's live-feed queue message is settled once the event is queued here: the queue
/// is the node's own and dies with it, and people resume from their last sequence on
/// another node (the database has every event). The queue is bounded: when pushes fall
/// behind, the consumer waits and the broker holds the rest.
/// </para>
/// </summary>
public sealed partial class LivePushes(
    IHubContext<FeedHub> hub,
    AccessPolicy policy,
    GroupCommit writes,
    IServiceScopeFactory scopes,
    ILogger<LivePushes> logger) : IAsyncDisposable
{
    public const int Capacity = 4096;
    private const int MaxBatch = 256;
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly Channel<IPending> _queue = Channel.CreateBounded<IPending>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });
    private readonly RecentIds _seen = new(100_000);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _startLock = new();
    private Task? _loop;

    /// <summary>Queues one event received from the bus (once: redeliveries are dropped by event id).</summary>
    public ValueTask EnqueueAsync<TEvent>(IFeedKind<TEvent> kind, NodeFeed<FeedItem<TEvent>> feed, Guid eventId, TEvent liveEvent, CancellationToken ct)
        where TEvent : class, IMessage
    {
        if (!_seen.TryAdd(eventId))
        {
            return ValueTask.CompletedTask;
        }
        if (_loop is null)
        {
            lock (_startLock)
            {
                _loop ??= Task.Run(RunAsync, CancellationToken.None);
            }
        }
        return _queue.Writer.WriteAsync(new Pending<TEvent>(kind, feed, liveEvent), ct);
    }

    private async Task RunAsync()
    {
        var batch = new List<IPending>(MaxBatch);
        var ct = _stopping.Token;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(ct))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                }
                await UntilDoneAsync(() => ResolveAsync(batch, ct), "Reading the access of", batch.Count, ct);
                var audit = batch.Where(p => p.Resolved).Select(p => p.AuditEvent(policy)).ToList();
                await UntilDoneAsync(() => writes.AuditAsync(audit, ct), "Recording the pushes of", batch.Count, ct);
                foreach (var pending in batch)
                {
                    await pending.PushAsync(hub, policy, this, ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Each feed kind reads its records' current access once for its events of the batch.</summary>
    private async Task ResolveAsync(List<IPending> batch, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        foreach (var group in batch.GroupBy(p => p.Kind))
        {
            await group.First().ResolveAllAsync(db, [.. group], ct);
        }
    }

    /// <summary>
    /// Retries while the database is away: pushing without the current access, or unrecorded,
    /// is not an option, and the queue holds what arrives meanwhile.
    /// </summary>
    private async Task UntilDoneAsync(Func<Task> step, string what, int count, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await step();
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogStepFailed(ex, what, count, delay.TotalSeconds);
                await Task.Delay(delay, ct);
                delay = TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, delay.Ticks * 2));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }
        _stopping.Dispose();
    }

    private interface IPending
    {
        object Kind { get; }
        bool Resolved { get; }
        Task ResolveAllAsync(HubDbContext db, IReadOnlyList<IPending> sameKind, CancellationToken ct);
        AuditEvent AuditEvent(AccessPolicy policy);
        Task PushAsync(IHubContext<FeedHub> hub, AccessPolicy policy, LivePushes owner, CancellationToken ct);
    }

    private sealed class Pending<TEvent>(IFeedKind<TEvent> kind, NodeFeed<FeedItem<TEvent>> feed, TEvent liveEvent) : IPending
        where TEvent : class, IMessage
    {
        private FeedItem<TEvent>? _item;

        public TEvent LiveEvent => liveEvent;
        public object Kind => kind;
        public bool Resolved => _item is not null;

        public async Task ResolveAllAsync(HubDbContext db, IReadOnlyList<IPending> sameKind, CancellationToken ct)
        {
            var pending = sameKind.Cast<Pending<TEvent>>().ToList();
            var items = await kind.ResolveAsync(db, [.. pending.Select(p => p.LiveEvent)], ct);
            for (var i = 0; i < pending.Count; i++)
            {
                pending[i]._item = items[i];
            }
        }

        public AuditEvent AuditEvent(AccessPolicy policy) =>
            new(Caller.System, Channels.SignalR, kind.Name + ".push", AuditOutcomes.Allowed, _item!.RecordType, _item.RecordId,
                string.Join(',', policy.FeedGroupSights(_item).Select(g => g.Sight == Sight.Full ? g.Group : $"{g.Group}({g.Sight})")));

        public async Task PushAsync(IHubContext<FeedHub> hub, AccessPolicy policy, LivePushes owner, CancellationToken ct)
        {
            if (_item is not { } item)
            {
                return;
            }
            feed.Publish(item);
            try
            {
                // One send per distinct sight (at most three), each to the groups that see
                // the event that way, rendered once for all of them.
                foreach (var sight in policy.FeedGroupSights(item).GroupBy(g => g.Sight))
                {
                    await hub.Clients.Groups([.. sight.Select(g => g.Group)]).SendAsync(kind.SignalRMethod, kind.SignalRPayload(item, item.For(kind, sight.Key)), ct);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One connection's failure is SignalR's to handle; the feed goes on.
                owner.LogPushFailed(ex, kind.Name, item.Sequence);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pushing {Kind} event {Sequence} to the feed failed")]
    private partial void LogPushFailed(Exception exception, string kind, long sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{What} {Count} live events failed; retrying in {DelaySeconds:0.0}s before pushing")]
    private partial void LogStepFailed(Exception exception, string what, int count, double delaySeconds);
}
