using System.Text.Json;
using System.Threading.Channels;
using Hub.Contracts.Events;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Audit;
using Hub.Server.Data;
using Hub.Server.LiveFeed;
using MassTransit;
using Microsoft.AspNetCore.SignalR;

namespace Hub.Server.Alerts;

/// <summary>
/// Runs on every hub node, on the node's own live-feed queue: hands each posted alert, once,
/// to <see cref="AlertPushes"/>, in the order the queue delivers them.
/// </summary>
public sealed class AlertPostedConsumer(AlertPushes pushes, LiveFeedDeduplication deduplication) : IConsumer<AlertPosted>
{
    public async Task Consume(ConsumeContext<AlertPosted> context)
    {
        if (!deduplication.Ids.TryAdd(context.Message.EventId))
        {
            return;
        }
        await pushes.EnqueueAsync(context.Message, context.CancellationToken);
    }
}

/// <summary>
/// Pushes posted alerts to the people connected to this node (SignalR) and to this node's
/// open WatchAlerts streams, in order, in batches: whatever queued up while one batch went
/// out goes in the next, with one audit commit for the whole batch. The audit entries are
/// committed before the pushes they record, so no alert ever reaches a screen unrecorded.
/// <para>
/// The live-feed queue's message is settled once the alert is queued here, not pushed: the
/// queue is the node's own and dies with it, so a crash loses the same either way, and
/// people resume from their last sequence on another node (the database has every alert).
/// The queue is bounded: when pushes fall behind, the consumer waits and RabbitMQ holds the
/// rest.
/// </para>
/// </summary>
public sealed partial class AlertPushes(
    AlertFeed feed,
    IHubContext<FeedHub> hub,
    AccessPolicy policy,
    GroupCommit writes,
    ILogger<AlertPushes> logger) : IAsyncDisposable
{
    public const int Capacity = 4096;
    private const int MaxBatch = 256;
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly Channel<AlertPosted> _queue = Channel.CreateBounded<AlertPosted>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _startLock = new();
    private Task? _loop;

    public ValueTask EnqueueAsync(AlertPosted posted, CancellationToken cancellationToken)
    {
        if (_loop is null)
        {
            lock (_startLock)
            {
                _loop ??= Task.Run(RunAsync, CancellationToken.None);
            }
        }
        return _queue.Writer.WriteAsync(posted, cancellationToken);
    }

    private async Task RunAsync()
    {
        var batch = new List<Push>(MaxBatch);
        var ct = _stopping.Token;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(ct))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var posted))
                {
                    if (Prepare(posted) is { } push)
                    {
                        batch.Add(push);
                    }
                }
                if (batch.Count == 0)
                {
                    continue;
                }
                await AuditAsync(batch, ct);
                foreach (var push in batch)
                {
                    feed.Publish(push.Event);
                    try
                    {
                        await hub.Clients.Groups(push.Groups).SendAsync(FeedHub.AlertPostedMethod, push.Payload, ct);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // One connection's failure is SignalR's to handle; the feed goes on.
                        LogPushFailed(ex, push.Event.Sequence);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private Push? Prepare(AlertPosted posted)
    {
        try
        {
            var alert = AlertMapping.Parser.Parse<SeizureAlert>(posted.AlertJson);
            // Parsed once into a JsonElement: SignalR then serialises the broadcast once per
            // group send, not once per connection.
            using var document = JsonDocument.Parse(posted.AlertJson);
            return new Push(
                new AlertEvent { EventId = posted.EventId.ToString(), Sequence = posted.Sequence, Alert = alert },
                policy.FeedGroupsFor(RecordAccess.Of(alert)),
                new FeedAlertMessage(posted.EventId, posted.Sequence, document.RootElement.Clone()));
        }
        catch (Exception ex) when (ex is JsonException or Google.Protobuf.InvalidProtocolBufferException or FormatException)
        {
            LogUnreadable(ex, posted.EventId);
            return null;
        }
    }

    /// <summary>Commits the batch's audit entries, retrying while the database is away: pushing unrecorded is not an option.</summary>
    private async Task AuditAsync(List<Push> batch, CancellationToken ct)
    {
        var events = batch.Select(p => new AuditEvent(Caller.System, Channels.SignalR, "alert.push", AuditOutcomes.Allowed,
            SeizureAlertsService.RecordType, p.Event.Alert.Id, string.Join(',', p.Groups))).ToList();
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await writes.AuditAsync(events, ct);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogAuditFailed(ex, batch.Count, delay.TotalSeconds);
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

    private sealed record Push(AlertEvent Event, IReadOnlyList<string> Groups, FeedAlertMessage Payload);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pushing alert {Sequence} to the feed failed")]
    private partial void LogPushFailed(Exception exception, long sequence);

    [LoggerMessage(Level = LogLevel.Error, Message = "Posted event {EventId} is unreadable; not pushed")]
    private partial void LogUnreadable(Exception exception, Guid eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording {Count} pushes in the audit trail failed; retrying in {DelaySeconds:0.0}s before pushing")]
    private partial void LogAuditFailed(Exception exception, int count, double delaySeconds);
}

/// <summary>What <c>/hubs/feed</c> clients receive for a posted alert.</summary>
/// <param name="EventId">De-duplicate on this.</param>
/// <param name="Sequence">The alert's feed position.</param>
/// <param name="Alert">The alert as proto3 JSON of <c>hub.v1.SeizureAlert</c>.</param>
public sealed record FeedAlertMessage(Guid EventId, long Sequence, JsonElement Alert);

/// <summary>The node's window of recently pushed event ids.</summary>
public sealed class LiveFeedDeduplication
{
    public RecentIds Ids { get; } = new(100_000);
}
