using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Hub.Load.Data;

/// <summary>
/// The durability baseline: Microsoft.Data.Sqlite (the same native SQLite bundle as the hub's
/// EF Core provider) writing one row per transaction into a table shaped like the hub's
/// Alerts (same columns, same indexes, a row of the same size), with the hub's settings:
/// journal_mode=WAL, synchronous left at its default (FULL), a pooled connection per writer.
/// </summary>
internal sealed class RawSqlite
{
    private readonly string _connectionString;
    private readonly string _contentJson = SampleFeed.AlertJson();

    public RawSqlite(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS "AlertEvents" (
                "Sequence" INTEGER NOT NULL CONSTRAINT "PK_AlertEvents" PRIMARY KEY AUTOINCREMENT,
                "AlertId" TEXT NOT NULL, "EventId" TEXT NOT NULL, "Type" TEXT NOT NULL, "PayloadJson" TEXT NOT NULL, "AtUtc" TEXT NOT NULL);
            CREATE UNIQUE INDEX IF NOT EXISTS "IX_AlertEvents_EventId" ON "AlertEvents" ("EventId");
            CREATE INDEX IF NOT EXISTS "IX_AlertEvents_AlertId" ON "AlertEvents" ("AlertId");
            CREATE TABLE IF NOT EXISTS "Alerts" (
                "Sequence" INTEGER NOT NULL CONSTRAINT "PK_Alerts" PRIMARY KEY AUTOINCREMENT,
                "PostedSequence" INTEGER NOT NULL,
                "AddressedCountries" TEXT NOT NULL, "ContentJson" TEXT NOT NULL, "Distribution" TEXT NOT NULL,
                "HandlingCode" TEXT NOT NULL, "Id" TEXT NOT NULL, "PostedEventId" TEXT NOT NULL,
                "ReceivedAtUtc" TEXT NOT NULL, "ReportingCountry" TEXT NOT NULL, "SeizedAtUtc" TEXT NOT NULL);
            CREATE UNIQUE INDEX IF NOT EXISTS "IX_Alerts_Id" ON "Alerts" ("Id");
            CREATE INDEX IF NOT EXISTS "IX_Alerts_ReportingCountry_Sequence" ON "Alerts" ("ReportingCountry", "Sequence");
            CREATE INDEX IF NOT EXISTS "IX_Alerts_SeizedAtUtc" ON "Alerts" ("SeizedAtUtc");
            CREATE UNIQUE INDEX IF NOT EXISTS "IX_Alerts_PostedSequence" ON "Alerts" ("PostedSequence");
            """;
        command.ExecuteNonQuery();
        JournalMode = Pragma(connection, "journal_mode");
        Synchronous = Pragma(connection, "synchronous") switch { "0" => "OFF", "1" => "NORMAL", "2" => "FULL", "3" => "EXTRA", var s => s };
    }

    public string JournalMode { get; }
    public string Synchronous { get; }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static string Pragma(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA " + name;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
    }

    /// <summary>One row, one transaction (BEGIN IMMEDIATE ... COMMIT), as each alert is one transaction in the hub.</summary>
    public async Task InsertAsync(CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO "AlertEvents" ("AlertId", "EventId", "Type", "PayloadJson", "AtUtc") VALUES ($id, $event, 'posted', '', $now);
            INSERT INTO "Alerts" ("PostedSequence", "AddressedCountries", "ContentJson", "Distribution", "HandlingCode", "Id", "PostedEventId", "ReceivedAtUtc", "ReportingCountry", "SeizedAtUtc")
            VALUES (last_insert_rowid(), '', $json, 'Members', 'H1', $id, $event, $now, 'KAZ', $now)
            """;
        var now = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
        command.Parameters.AddWithValue("$json", _contentJson);
        command.Parameters.AddWithValue("$id", Guid.NewGuid().ToString().ToUpperInvariant());
        command.Parameters.AddWithValue("$event", Guid.NewGuid().ToString().ToUpperInvariant());
        command.Parameters.AddWithValue("$now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
