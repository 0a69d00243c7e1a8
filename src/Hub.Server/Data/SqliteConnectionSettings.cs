using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Hub.Server.Data;

/// <summary>
/// Settings every SQLite connection of the hub gets when it opens (they are per connection,
/// not stored in the file). None of them changes durability: journal and sync stay WAL and
/// FULL.
/// </summary>
public sealed class SqliteConnectionSettings : DbConnectionInterceptor
{
    public static readonly SqliteConnectionSettings Instance = new();

    private const string Pragmas =
        // SQLite itself waits for the write lock (its busy handler retries within
        // milliseconds) instead of returning SQLITE_BUSY, on which Microsoft.Data.Sqlite
        // sleeps 150 ms before trying again: under concurrent writes those sleeps were most
        // of the hub's tail latency. 30 s, the command timeout's default.
        "PRAGMA busy_timeout = 30000;" +
        // Pages read through a memory map and a larger cache rather than a read() system
        // call per page: index pages of the tables every post writes are read constantly.
        "PRAGMA mmap_size = 268435456;" +
        "PRAGMA cache_size = -16384;" +
        // Checkpoints are run by WalCheckpoints in the background; this is the safety net
        // should they stop, so that the write-ahead log cannot grow without bound.
        "PRAGMA wal_autocheckpoint = 20000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
