using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Hub.Server.Access;
using Hub.Server.Audit;
using Hub.Server.Data;
using Hub.Server.ErrorHandling;

namespace Hub.Server.Records;

/// <summary>
/// The one watch loop of every stream (WatchAlerts, WatchCases, deliveries' Watch): replay
/// from the database in pages after the client's sequence, then the node's live events, with
/// any gap filled from the database, each event sent only if the policy lets the caller read
/// it at that moment. Memory per stream is bounded (one page, and a live buffer past which
/// the stream is cut with its resume sequence), and so is the number of streams per account.
/// </summary>
public sealed class FeedWatcher(HubDbContext db, AccessPolicy policy, StreamSlots slots, GroupCommit writes, IHostApplicationLifetime lifetime)
{
    public const int PageSize = 200;

    public async Task WatchAsync<TEvent>(IFeedKind<TEvent> kind, NodeFeed<FeedItem<TEvent>> live, long after, string? scope,
        IServerStreamWriter<TEvent> stream, ServerCallContext context) where TEvent : class, IMessage
    {
        var caller = Caller.From(context.GetHttpContext().User);
        using var slot = slots.AcquireStream(caller);
        // A node shutting down ends its streams at once, telling watchers where to resume on
        // another node, rather than holding the shutdown until they leave.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var ct = stopping.Token;
        // Subscribe before replaying: whatever arrives during the replay is buffered and then
        // either skipped (already replayed) or sent, so nothing falls in between.
        using var subscription = live.Subscribe();
        var progress = new Progress(after);
        try
        {
            // Headers first: a live-only watcher knows it is subscribed before any event.
            await context.WriteResponseHeadersAsync([]);
            if (progress.Last >= 0)
            {
                await ReplayAsync(kind, caller, scope, progress, long.MaxValue, stream, ct);
            }
            await foreach (var item in subscription.Reader.ReadAllAsync(ct))
            {
                if (!policy.IsActive(caller))
                {
                    throw HubException.Denied("the account was disabled");
                }
                if (progress.Last >= 0 && item.Sequence > progress.Last + 1)
                {
                    // A gap: events this node has not seen (yet). The database has them.
                    await ReplayAsync(kind, caller, scope, progress, item.Sequence - 1, stream, ct);
                }
                if (item.Sequence > progress.Last)
                {
                    progress.Last = item.Sequence;
                    await SendAsync(kind, caller, scope, item, progress, stream, ct);
                }
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw HubException.Unavailable(string.Create(CultureInfo.InvariantCulture,
                $"this hub node is shutting down; reconnect with after_sequence={progress.Last} to resume"));
        }
        catch (Exception ex) when ((ex as SlowWatcherException ?? ex.InnerException as SlowWatcherException) is { } slow)
        {
            // A closed channel hands its exception to the reader, directly or wrapped.
            throw HubException.Exhausted(string.Create(CultureInfo.InvariantCulture,
                $"{slow.Message}; reconnect with after_sequence={progress.Last} to resume"));
        }
        finally
        {
            await writes.AuditAsync(new AuditEvent(caller, Channels.GrpcStream, kind.Name + ".watch", AuditOutcomes.Allowed, kind.Name, scope,
                progress.Describe(after)), CancellationToken.None);
        }
    }

    private async Task ReplayAsync<TEvent>(IFeedKind<TEvent> kind, Caller caller, string? scope, Progress progress, long upTo,
        IServerStreamWriter<TEvent> stream, CancellationToken ct) where TEvent : class, IMessage
    {
        while (true)
        {
            var page = await kind.ReadAsync(db, new FeedQuery(caller, progress.Last, upTo, scope, PageSize), ct);
            foreach (var item in page)
            {
                progress.Last = item.Sequence;
                await SendAsync(kind, caller, scope, item, progress, stream, ct);
            }
            db.ChangeTracker.Clear();
            if (page.Count < PageSize)
            {
                // Nothing readable left up to here; what is not readable is passed over too.
                if (upTo != long.MaxValue)
                {
                    progress.Last = Math.Max(progress.Last, upTo);
                }
                return;
            }
        }
    }

    private async Task SendAsync<TEvent>(IFeedKind<TEvent> kind, Caller caller, string? scope, FeedItem<TEvent> item, Progress progress, IServerStreamWriter<TEvent> stream, CancellationToken ct)
        where TEvent : class, IMessage
    {
        // The decision of this moment: the caller's account and country status as they are
        // now, the record's access as it was read just now.
        if ((scope is null || scope == item.Scope) && policy.SightOf(caller, item) is var sight and not Sight.None)
        {
            await stream.WriteAsync(item.For(kind, sight), ct);
            progress.Delivered(item.Sequence);
        }
    }

    /// <summary>Where a watch stands: the last sequence considered, and what it delivered.</summary>
    private sealed class Progress(long after)
    {
        public long Last { get; set; } = after;
        private long _count;
        private long _first;
        private long _lastDelivered;

        public void Delivered(long sequence)
        {
            if (_count++ == 0)
            {
                _first = sequence;
            }
            _lastDelivered = sequence;
        }

        public string Describe(long requestedAfter) => _count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"after_sequence {requestedAfter}; delivered nothing of up to {Last}")
            : string.Create(CultureInfo.InvariantCulture, $"after_sequence {requestedAfter}; delivered {_count} events, sequences {_first}..{_lastDelivered} of up to {Last}");
    }
}
