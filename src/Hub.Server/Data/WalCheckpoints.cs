using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Data;

/// <summary>
/// Moves SQLite's write-ahead log into the database file every second, in the background.
/// Left to itself SQLite checkpoints inside whichever commit crosses the threshold: that is
/// the group commit's thread, and every write queued behind it waited for the copy.
/// </summary>
public sealed partial class WalCheckpoints(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock, ILogger<WalCheckpoints> logger) : BackgroundService
{
    /// <summary>How often (<c>Hub:Database:CheckpointInterval</c>, default 1 s; zero leaves checkpoints to SQLite).</summary>
    public TimeSpan Interval { get; } = configuration.GetValue("Hub:Database:CheckpointInterval", TimeSpan.FromSeconds(1));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Interval <= TimeSpan.Zero)
        {
            return;
        }
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
                // PASSIVE: copies what no reader still needs, never waits for anyone.
                await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(PASSIVE);", stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogCheckpointFailed(ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite checkpoint failed; SQLite's own checkpoint remains as the safety net")]
    private partial void LogCheckpointFailed(Exception exception);
}
