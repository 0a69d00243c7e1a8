using Hub.Server.Data;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Messaging;

/// <summary>
/// Publishes outbox rows in id order, with publisher confirms, and marks them dispatched.
/// A row that fails stays undispatched and is retried with back-off, and nothing after it
/// is published first, so that subscribers see events in the order the writes committed.
/// Only the node holding the <see cref="OutboxLease"/> dispatches. Dispatched rows are
/// deleted after <see cref="Retention"/>.
/// </summary>
public sealed partial class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IBusControl bus,
    OutboxSignal signal,
    GroupCommit writes,
    NodeIdentity node,
    TimeProvider clock,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CleanupInterval = TimeSpan.FromMinutes(10);
    private const int BatchSize = 200;
    private DateTimeOffset _nextCleanup;
    private DateTime _leaseRenewDueUtc = DateTime.MinValue;
    // The previous batch's mark, still committing while the next batch is published: rows in
    // it are left out of the next query rather than waited for.
    private List<long> _marking = [];
    private Task _markCommitted = Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var published = await DispatchBatchAsync(stoppingToken);
                failures = 0;
                if (published == BatchSize)
                {
                    continue;
                }
                await CleanUpAsync(stoppingToken);
                await signal.WaitAsync(PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // The dispatcher must outlive any failure: it retries.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failures++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(failures, 10))));
                LogDispatchFailed(ex, failures, delay.TotalSeconds);
                try
                {
                    await Task.Delay(delay, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await _markCommitted;

            await using var scope = scopes.CreateAsyncScope();
            await OutboxLeases.ReleaseAsync(scope.ServiceProvider.GetRequiredService<HubDbContext>(), node.Name, cancellationToken);
        }
#pragma warning disable CA1031 // Best effort: an unreleased lease expires by itself.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>Publishes up to one batch if this node holds the lease; returns how many rows were published.</summary>
    internal async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        // Not before every receive endpoint is bound again after a broker outage: a node's
        // live-feed queue is re-created on reconnect, and events published before that would
        // miss it.
        if (bus.CheckHealth().Status != BusHealthStatus.Healthy)
        {
            return 0;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        // The lease is renewed when half of it has run, not on every batch: a renewal is a
        // write of its own, and under load batches come hundreds of times a second.
        var now = clock.GetUtcNow().UtcDateTime;
        if (now >= _leaseRenewDueUtc)
        {
            if (!await OutboxLeases.TryHoldAsync(db, node.Name, now, cancellationToken))
            {
                _leaseRenewDueUtc = DateTime.MinValue;
                return 0;
            }
            _leaseRenewDueUtc = now + OutboxLeases.Duration / 2;
        }
        var marking = _marking;
        var rows = await db.Outbox
            .AsNoTracking()
            .Where(m => m.DispatchedAtUtc == null && !marking.Contains(m.Id))
            .OrderBy(m => m.Id)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        var published = new List<long>(rows.Count);
        try
        {
            foreach (var row in rows)
            {
                try
                {
                    var (message, type) = OutboxMessageTypes.Read(row);
                    // Awaiting the publish awaits the broker's confirm: the row is marked only
                    // once RabbitMQ has the message.
                    await bus.Publish(message, type, Pipe.Execute<PublishContext>(ctx => ctx.MessageId = row.MessageId), cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    var error = ex.Message.Length > 2000 ? ex.Message[..2000] : ex.Message;
                    await db.Outbox.Where(m => m.Id == row.Id)
                        .ExecuteUpdateAsync(s => s.SetProperty(m => m.Attempts, m => m.Attempts + 1).SetProperty(m => m.LastError, error), CancellationToken.None);
                    throw;
                }
                published.Add(row.Id);
            }
        }
        finally
        {
            // Record what was published even when a later row failed, so it is not sent twice:
            // one statement for the batch, in the node's group commit rather than a transaction
            // of its own that would wait for the write lock between the commits of posts. One
            // mark in flight: the previous one must have committed before the next starts (if
            // it failed, its rows are published again: at least once, consumers de-duplicate).
            var previous = _markCommitted;
            _markCommitted = Task.CompletedTask;
            _marking = [];
            await previous;
            if (published.Count > 0)
            {
                _marking = published;
                _markCommitted = writes.WriteAsync(new MarkDispatched(published, clock.GetUtcNow().UtcDateTime));
            }
        }
        return published.Count;
    }

    private async Task CleanUpAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (now < _nextCleanup)
        {
            return;
        }
        _nextCleanup = now + CleanupInterval;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var before = (now - Retention).UtcDateTime;
        await db.Outbox.Where(m => m.DispatchedAtUtc != null && m.DispatchedAtUtc < before).ExecuteDeleteAsync(cancellationToken);
    }

    private sealed class MarkDispatched(List<long> ids, DateTime nowUtc) : GroupWrite<int>
    {
        private int _marked;

        protected internal override void Stage(HubDbContext db) =>
            _marked = db.Outbox.Where(m => ids.Contains(m.Id)).ExecuteUpdate(s => s.SetProperty(m => m.DispatchedAtUtc, nowUtc));

        protected internal override int Complete(HubDbContext db, List<Audit.AuditEvent> audit) => _marked;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox dispatch failed ({Failures} in a row); retrying in {DelaySeconds:0.0}s")]
    private partial void LogDispatchFailed(Exception exception, int failures, double delaySeconds);
}

/// <summary>This process's name among the hub's nodes (leases, live-feed queue).</summary>
public sealed record NodeIdentity(string Name)
{
    public static NodeIdentity Create() =>
        new($"{new string(Environment.MachineName.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c == '-').Take(40).ToArray())}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
}
