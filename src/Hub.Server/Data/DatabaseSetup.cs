using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Data;

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
}

public static class DatabaseSetup
{
    /// <summary>
    /// Registers <see cref="HubDbContext"/> on the configured provider. SQLite (the embedded
    /// default) lives in the data folder; SQL Server needs <c>ConnectionStrings:Hub</c>.
    /// Contexts are pooled: building one per request was a measurable share of a post's CPU.
    /// </summary>
    public static DatabaseProvider AddHubDatabase(this IServiceCollection services, IConfiguration configuration, HubPaths paths)
    {
        var provider = configuration.GetValue("Hub:Database:Provider", DatabaseProvider.Sqlite);
        var connectionString = configuration.GetConnectionString("Hub");
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    connectionString = new SqliteConnectionStringBuilder
                    {
                        DataSource = Path.Combine(paths.DataDirectory, "hub.db"),
                        Pooling = true,
                    }.ToString();
                }
                services.AddDbContextPool<HubDbContext, SqliteHubDbContext>(o => o.UseSqlite(connectionString).AddInterceptors(SqliteConnectionSettings.Instance));
                services.AddHostedService<WalCheckpoints>();
                break;
            case DatabaseProvider.SqlServer:
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new InvalidOperationException(
                        "Hub:Database:Provider is SqlServer but ConnectionStrings:Hub is empty. " +
                        "Set ConnectionStrings__Hub to the SQL Server connection string.");
                }
                services.AddDbContextPool<HubDbContext, SqlServerHubDbContext>(o => o.UseSqlServer(connectionString, sql => sql.EnableRetryOnFailure()));
                break;
            default:
                throw new InvalidOperationException($"Hub:Database:Provider '{provider}' is not supported; use Sqlite or SqlServer.");
        }
        return provider;
    }

    /// <summary>
    /// Applies pending migrations. SQLite is also switched to write-ahead logging, which is
    /// persistent in the file and lets readers run while one writer commits.
    /// </summary>
    public static async Task MigrateAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }
}
