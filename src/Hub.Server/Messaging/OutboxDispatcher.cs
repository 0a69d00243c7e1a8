using Hub.Server.Data;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Messaging;

/// <summary>
/// Publishes outbox rows in id order and marks them dispatched. A row that fails stays
/// undispatched and is retried with back-off, and nothing after it is published first, so
/// that subscribers see events in the order the writes committed.
/// </summary>
public sealed partial class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IBus bus,
    OutboxSignal signal,
    TimeProvider clock,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private const int BatchSize = 200;

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
                var delay = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(failures, 10))));
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

    /// <summary>Publishes up to one batch; returns how many rows were published.</summary>
    internal async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var rows = await db.Outbox
            .Where(m => m.DispatchedAtUtc == null)
            .OrderBy(m => m.Id)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        var published = 0;
        try
        {
            foreach (var row in rows)
            {
                var (message, type) = OutboxMessageTypes.Read(row);
                try
                {
                    await bus.Publish(message, type, Pipe.Execute<PublishContext>(ctx => ctx.MessageId = row.MessageId), cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    row.Attempts++;
                    row.LastError = ex.Message.Length > 2000 ? ex.Message[..2000] : ex.Message;
                    throw;
                }
                row.DispatchedAtUtc = clock.GetUtcNow().UtcDateTime;
                published++;
            }
        }
        finally
        {
            // Record what was published even when a later row failed, so it is not sent twice.
            await db.SaveChangesAsync(CancellationToken.None);
        }
        return published;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox dispatch failed ({Failures} in a row); retrying in {DelaySeconds:0.0}s")]
    private partial void LogDispatchFailed(Exception exception, int failures, double delaySeconds);
}
