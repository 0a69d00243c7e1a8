using System.Globalization;
using Hub.Contracts.V1;
using Microsoft.Data.Sqlite;

namespace Hub.Load.Data;

/// <summary>
/// The statistics scenario's raw SQL: the yearly country × substance table computed from the
/// alert rows themselves, on the hub's SQLite file (read-only; the file is in WAL mode, so it
/// reads while the hub writes), with the hub's per-connection settings (memory map, cache).
/// Items of alerts seized in the period and not withdrawn, grouped by reporting country,
/// substance and measure (the unit's: pills and ampoules are both "count" in
/// NormalizedDimension but two measures in statistics); for a country's reader only the
/// alerts the hub's access rule (AccessPolicy.Readable) lets it read.
/// </summary>
internal static class RawTotals
{
    /// <summary>The hub's per-connection settings that matter to a read (SqliteConnectionSettings).</summary>
    public const string Pragmas = "PRAGMA mmap_size = 268435456; PRAGMA cache_size = -16384;";

    private const string MeasureOfUnit = """
        CASE i."Unit" WHEN 'G' THEN 1 WHEN 'Kg' THEN 1 WHEN 'T' THEN 1 WHEN 'Ml' THEN 2 WHEN 'L' THEN 2 WHEN 'Pills' THEN 3 WHEN 'Ampoules' THEN 4 ELSE 0 END
        """;

    /// <summary>
    /// The aggregate. <paramref name="exact"/> sums whole milligrams, microlitres and thousandths
    /// of a piece (the hub's stored units) instead of the floating-point quantities: the check,
    /// not the measured baseline.
    /// </summary>
    public static string Sql(bool forReader, bool exact) => $"""
        SELECT a."ReportingCountry", i."Substance", {MeasureOfUnit} AS "Measure",
               {(exact
                   ? """SUM(CAST(ROUND(i."NormalizedQuantity" * CASE WHEN i."Unit" IN ('Pills', 'Ampoules') THEN 1000 ELSE 1000000 END) AS INTEGER))"""
                   : """SUM(i."NormalizedQuantity")""")},
               COUNT(*)
        FROM "AlertItems" AS i
        JOIN "Alerts" AS a ON a."Sequence" = i."AlertSequence"
        WHERE a."WithdrawnAtUtc" IS NULL AND a."SeizedAtUtc" >= $from AND a."SeizedAtUtc" < $to{(forReader ? """

          AND (a."ReportingCountry" = $country
               OR (a."Distribution" = 'Addressed' AND instr(',' || a."AddressedCountries" || ',', $pattern) > 0)
               OR a."Distribution" = 'Members' OR a."Distribution" = 'MembersAndObservers')
        """ : "")}
        GROUP BY a."ReportingCountry", i."Substance", "Measure"
        ORDER BY a."ReportingCountry", i."Substance", "Measure"
        """;

    public static SqliteConnection Open(string databasePath)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = true,
            DefaultTimeout = 60,
        }.ToString());
        connection.Open();
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = Pragmas;
        pragmas.ExecuteNonQuery();
        return connection;
    }

    /// <summary>One row of the raw table: the sum as SQL added it (a double, or the exact whole number).</summary>
    internal readonly record struct Row(string Country, Substance Substance, Measure Measure, double Quantity, long Amount, long Items);

    /// <summary>Runs the aggregate for the years <paramref name="fromYear"/> to <paramref name="toYear"/> (included); <paramref name="reader"/> null for the centre.</summary>
    public static List<Row> Query(SqliteConnection connection, int fromYear, int toYear, string? reader, bool exact, CancellationToken cancellationToken = default)
    {
        using var command = Command(connection, fromYear, toYear, reader, exact);
        var rows = new List<Row>();
        using var registration = cancellationToken.Register(command.Cancel);
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            var substance = Enum.Parse<Substance>(r.GetString(1));
            var measure = (Measure)r.GetInt32(2);
            rows.Add(exact
                ? new Row(r.GetString(0), substance, measure, double.NaN, r.GetInt64(3), r.GetInt64(4))
                : new Row(r.GetString(0), substance, measure, r.GetDouble(3), 0, r.GetInt64(4)));
        }
        return rows;
    }

    public static SqliteCommand Command(SqliteConnection connection, int fromYear, int toYear, string? reader, bool exact)
    {
        var command = connection.CreateCommand();
        command.CommandText = Sql(reader is not null, exact);
        command.Parameters.AddWithValue("$from", Time(new DateTime(fromYear, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
        command.Parameters.AddWithValue("$to", Time(new DateTime(toYear + 1, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
        if (reader is not null)
        {
            command.Parameters.AddWithValue("$country", reader);
            command.Parameters.AddWithValue("$pattern", "," + reader + ",");
        }
        return command;
    }

    /// <summary>EXPLAIN QUERY PLAN of a statement, one line per step, indented by depth.</summary>
    public static List<string> Plan(SqliteConnection connection, SqliteCommand statement)
    {
        using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + statement.CommandText;
        foreach (SqliteParameter p in statement.Parameters)
        {
            explain.Parameters.AddWithValue(p.ParameterName, p.Value);
        }
        var depth = new Dictionary<long, int> { [0] = 0 };
        var lines = new List<string>();
        using var r = explain.ExecuteReader();
        while (r.Read())
        {
            var (id, parent, detail) = (r.GetInt64(0), r.GetInt64(1), r.GetString(3));
            var d = depth.GetValueOrDefault(parent) + 1;
            depth[id] = d;
            lines.Add(new string(' ', 2 * (d - 1)) + detail);
        }
        return lines;
    }

    private static string Time(DateTime utc) => utc.ToString(HubDatabase.TimeFormat, CultureInfo.InvariantCulture);
}
