using Hub.Server.Data;
using Hub.Server.Messaging;
using Microsoft.Extensions.Options;

namespace Hub.Server.Audit;

/// <summary>
/// Writes a checkpoint every <see cref="AuditOptions.CheckpointInterval"/> (when the trail
/// grew), at once when this node takes the job over, and at shutdown. Only the node holding
/// the checkpoint lease writes — the outbox's lease mechanism, its own row — so that nodes
/// sharing a database do not each write one (decisions/0006, 0015).
/// </summary>
public sealed partial class AuditCheckpointWriter(
    IServiceScopeFactory scopes,
    AuditCheckpoints checkpoints,
    NodeIdentity node,
    TimeProvider clock,
    IOptions<AuditOptions> options,
    ILogger<AuditCheckpointWriter> logger) : BackgroundService
{
    // 0: an empty trail needs no checkpoint.
    private long _lastSequence;
    private DateTime _dueUtc = DateTime.MinValue;
    private bool _holding;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The lease is renewed at half its duration, like the dispatcher's, whatever the interval.
        var tick = TimeSpan.FromTicks(Math.Min(options.Value.CheckpointInterval.Ticks, (OutboxLeases.Duration / 2).Ticks));
        using var timer = new PeriodicTimer(tick, clock);
        do
        {
            try
            {
                await PassAsync(stoppingToken);
            }
#pragma warning disable CA1031 // A failed pass is retried on the next tick.
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                LogFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task PassAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var held = await OutboxLeases.TryHoldAsync(db, OutboxLeases.AuditCheckpoints, node.Name, now, cancellationToken);
            if (!held)
            {
                _holding = false;
                return;
            }
            if (!_holding)
            {
                // Taken over (or started): the last holder's newest checkpoint may be old.
                _holding = true;
                _dueUtc = DateTime.MinValue;
            }
        }
        if (now < _dueUtc)
        {
            return;
        }
        _dueUtc = now + options.Value.CheckpointInterval;
        await WriteAsync(cancellationToken);
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        if (await checkpoints.WriteAsync(unlessAt: _lastSequence, cancellationToken) is { } written)
        {
            _lastSequence = written.Sequence;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!_holding)
        {
            return;
        }
        try
        {
            // The last word on what this node committed, and the job handed on at once.
            await WriteAsync(cancellationToken);
            await using var scope = scopes.CreateAsyncScope();
            await OutboxLeases.ReleaseAsync(scope.ServiceProvider.GetRequiredService<HubDbContext>(), OutboxLeases.AuditCheckpoints, node.Name, cancellationToken);
        }
#pragma warning disable CA1031 // Best effort: the next holder writes one within an interval.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing an audit checkpoint failed; retrying on the next tick")]
    private partial void LogFailed(Exception exception);
}
