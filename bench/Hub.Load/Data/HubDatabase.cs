using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Hub.Load.Data;

/// <summary>
/// Reads the hub's SQLite file beside it (read-only; WAL lets it read while the hub writes):
/// which alert events the outbox dispatcher had published (with the broker's confirm, on
/// RabbitMQ) and when.
/// </summary>
internal sealed class HubDatabase(string dataDirectory)
{
    public const string TimeFormat = "yyyy-MM-dd HH:mm:ss.FFFFFFF";

    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = Path.Combine(dataDirectory, "hub.db"),
        Mode = SqliteOpenMode.ReadOnly,
        Pooling = false,
        DefaultTimeout = 10,
    }.ToString();

    private long Scalar(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    public long Undispatched() => Scalar("""SELECT COUNT(*) FROM "Outbox" WHERE "DispatchedAtUtc" IS NULL""");

    /// <summary>Alert events published (and confirmed) between two UTC times.</summary>
    public long DispatchedBetween(DateTime fromUtc, DateTime toUtc) => Scalar(
        """SELECT COUNT(*) FROM "Outbox" WHERE "MessageType" = 'alert-posted.v1' AND "DispatchedAtUtc" >= $from AND "DispatchedAtUtc" < $to""",
        ("$from", fromUtc.ToString(TimeFormat, CultureInfo.InvariantCulture)), ("$to", toUtc.ToString(TimeFormat, CultureInfo.InvariantCulture)));

    public long Alerts() => Scalar("""SELECT COUNT(*) FROM "Alerts" """);

    public long AuditEntries() => Scalar("""SELECT COUNT(*) FROM "AuditTrail" """);

    /// <summary>Waits (bounded) until the outbox has nothing left to publish; returns how long that took, or null if it did not.</summary>
    public async Task<TimeSpan?> WaitDrainedAsync(TimeSpan max)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < max)
        {
            if (Undispatched() == 0)
            {
                return clock.Elapsed;
            }
            await Task.Delay(100);
        }
        return null;
    }
}
