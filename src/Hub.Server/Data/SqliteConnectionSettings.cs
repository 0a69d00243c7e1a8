using System.Data.Common;
using System.Runtime.CompilerServices;
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

    // The native connections already set: the settings live as long as the native connection,
    // which Microsoft.Data.Sqlite's pool hands out again on every Open. Running the four
    // statements at each Open (every query, every group commit) parsed them every time
    // (decisions/0023); a native connection closed for good drops out of the table with it.
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> _set = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (!Needed(connection, out var handle))
        {
            return;
        }
        using (var command = connection.CreateCommand())
        {
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }
        Remember(handle);
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (!Needed(connection, out var handle))
        {
            return;
        }
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        Remember(handle);
    }

    private bool Needed(DbConnection connection, out SQLitePCL.sqlite3? handle)
    {
        handle = (connection as Microsoft.Data.Sqlite.SqliteConnection)?.Handle;
        return handle is null || !_set.TryGetValue(handle, out _);
    }

    private void Remember(SQLitePCL.sqlite3? handle)
    {
        if (handle is not null)
        {
            _set.AddOrUpdate(handle, Set);
        }
    }

    private static readonly object Set = new();
}
