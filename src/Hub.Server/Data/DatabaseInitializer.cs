using Hub.Server.Access;
using Hub.Server.Countries;
using Hub.Server.Identity;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Data;

/// <summary>
/// Brings the database up to date before the hub serves anything: applies migrations when
/// <c>Hub:Database:MigrateOnStartup</c> allows it (the default on SQLite, not on SQL Server,
/// where `Hub.Server migrate` runs them), and seeds the centre's directory.
/// </summary>
public sealed partial class DatabaseInitializer(
    IServiceScopeFactory scopes,
    IConfiguration configuration,
    AccessDirectory accessDirectory,
    IHostEnvironment environment,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var migrate = configuration.GetValue<bool?>("Hub:Database:MigrateOnStartup") ?? db.Database.IsSqlite();
        if (migrate)
        {
            await RunAsync(db, cancellationToken);
        }
        else
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count > 0)
            {
                throw new InvalidOperationException(
                    $"The database lacks {pending.Count} migration(s) ({string.Join(", ", pending)}). " +
                    "Run `Hub.Server migrate` (or set Hub__Database__MigrateOnStartup=true).");
            }
            await DirectorySeed.SeedAsync(db, cancellationToken);
        }
        await Statistics.SeizureCellsBuilder.PrepareAsync(db, scope.ServiceProvider.GetRequiredService<Statistics.StatisticsCells>(), cancellationToken);
        await ConsoleClient.EnsureAsync(scope.ServiceProvider, configuration, cancellationToken);
        if (DevelopmentAccounts.Enabled(configuration, environment.IsDevelopment()))
        {
            await DevelopmentAccounts.SeedAsync(scope.ServiceProvider, configuration, cancellationToken);
            LogDevelopmentAccounts();
        }
        await accessDirectory.RefreshAsync(cancellationToken);
        var provider = db.Database.ProviderName ?? "?";
        var dataSource = db.Database.GetDbConnection().DataSource;
        LogReady(provider, dataSource);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static async Task RunAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        await DatabaseSetup.MigrateAsync(db, cancellationToken);
        await DirectorySeed.SeedAsync(db, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Development accounts with public secrets are enabled (Development environment; see README)")]
    private partial void LogDevelopmentAccounts();

    [LoggerMessage(Level = LogLevel.Information, Message = "Database ready: {Provider} at {DataSource}")]
    private partial void LogReady(string provider, string dataSource);
}
