using System.Globalization;
using Hub.Contracts.V1;
using Microsoft.Data.Sqlite;

namespace Hub.Load.Data;

/// <summary>
/// Fills a stopped hub's database with generated alerts, straight into its Alerts and
/// AlertItems tables in the form the hub writes them (proto3 JSON content, enum names,
/// upper-case GUIDs, EF Core's date format). Remembers which alerts Kyrgyzstan may read, so
/// that a resumed watch knows how many events to expect.
/// </summary>
internal sealed class GrowthSeeder(string dataDirectory, int seed = 8)
{
    public const string Reader = "KGZ";
    private static readonly DateTime Epoch = DateTime.UtcNow.AddDays(-5 * 365);
    private readonly Random _rng = new(seed);
    private readonly List<bool> _readableByReader = [false];

    public long Count { get; private set; }

    /// <summary>About when alert <paramref name="sequence"/> was received (one every 2.5 minutes, oldest first).</summary>
    public static DateTime ReceivedUtcOf(long sequence) => Epoch.AddSeconds(sequence * 150);

    /// <summary>How many of the alerts after <paramref name="after"/> Kyrgyzstan may read.</summary>
    public int ReadableAfter(long after)
    {
        var n = 0;
        for (var s = (int)after + 1; s < _readableByReader.Count; s++)
        {
            n += _readableByReader[s] ? 1 : 0;
        }
        return n;
    }

    /// <summary>Adds alerts until there are <paramref name="total"/>; the hub must not be running.</summary>
    public void GrowTo(long total)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDirectory, "hub.db"), Pooling = false }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using (var pragmas = connection.CreateCommand())
        {
            // Generation is not what is measured: no fsync per batch, a big page cache.
            pragmas.CommandText = "PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000; PRAGMA temp_store=MEMORY;";
            pragmas.ExecuteNonQuery();
        }
        using (var max = connection.CreateCommand())
        {
            max.CommandText = """SELECT COALESCE(MAX("Sequence"), 0) FROM "Alerts" """;
            Count = Convert.ToInt64(max.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        while (_readableByReader.Count <= Count)
        {
            _readableByReader.Add(true);
        }

        using var alert = connection.CreateCommand();
        alert.CommandText = """
            INSERT INTO "AlertEvents" ("Sequence", "AlertId", "EventId", "Type", "PayloadJson", "AtUtc")
            VALUES ($seq, $id, $event, 'posted', '', $received);
            INSERT INTO "Alerts" ("Sequence", "PostedSequence", "AddressedCountries", "ContentJson", "Distribution", "HandlingCode", "Id", "PostedEventId", "ReceivedAtUtc", "ReportingCountry", "SeizedAtUtc",
                                  "Version", "VersionBy", "VersionReason", "KeepReason", "LegalBasis", "WithdrawalCause", "WithdrawalReason", "WithdrawnBy", "WithdrawnByCountry")
            VALUES ($seq, $seq, $addressed, $json, $distribution, $handling, $id, $event, $received, $country, $seized,
                    1, '', '', '', '', 'Unspecified', '', '', '')
            """;
        var aSeq = alert.Parameters.Add("$seq", SqliteType.Integer);
        var aAddressed = alert.Parameters.Add("$addressed", SqliteType.Text);
        var aJson = alert.Parameters.Add("$json", SqliteType.Text);
        var aDistribution = alert.Parameters.Add("$distribution", SqliteType.Text);
        var aHandling = alert.Parameters.Add("$handling", SqliteType.Text);
        var aId = alert.Parameters.Add("$id", SqliteType.Text);
        var aEvent = alert.Parameters.Add("$event", SqliteType.Text);
        var aReceived = alert.Parameters.Add("$received", SqliteType.Text);
        var aCountry = alert.Parameters.Add("$country", SqliteType.Text);
        var aSeized = alert.Parameters.Add("$seized", SqliteType.Text);
        using var item = connection.CreateCommand();
        item.CommandText = """
            INSERT INTO "AlertItems" ("AlertSequence", "Position", "Substance", "Quantity", "Unit", "NormalizedQuantity", "NormalizedDimension")
            VALUES ($seq, $pos, $substance, $quantity, $unit, $normalized, $dimension)
            """;
        var iSeq = item.Parameters.Add("$seq", SqliteType.Integer);
        var iPos = item.Parameters.Add("$pos", SqliteType.Integer);
        var iSubstance = item.Parameters.Add("$substance", SqliteType.Text);
        var iQuantity = item.Parameters.Add("$quantity", SqliteType.Real);
        var iUnit = item.Parameters.Add("$unit", SqliteType.Text);
        var iNormalized = item.Parameters.Add("$normalized", SqliteType.Real);
        var iDimension = item.Parameters.Add("$dimension", SqliteType.Text);

        while (Count < total)
        {
            using var transaction = connection.BeginTransaction();
            alert.Transaction = transaction;
            item.Transaction = transaction;
            var batchEnd = Math.Min(total, Count + 20_000);
            for (var seq = Count + 1; seq <= batchEnd; seq++)
            {
                // One alert every 2.5 minutes on average, oldest first: sequence order is time order.
                var received = Epoch.AddSeconds(seq * 150 + _rng.Next(0, 60));
                var content = AlertFactory.Generate(_rng, received);
                aSeq.Value = seq;
                aAddressed.Value = string.Join(',', content.AddressedCountries);
                aJson.Value = SampleFeed.Formatter.Format(content);
                aDistribution.Value = content.Distribution.ToString();
                aHandling.Value = content.HandlingCode.ToString();
                aId.Value = Guid.NewGuid().ToString().ToUpperInvariant();
                aEvent.Value = Guid.NewGuid().ToString().ToUpperInvariant();
                aReceived.Value = received.ToString(HubDatabase.TimeFormat, CultureInfo.InvariantCulture);
                aCountry.Value = content.ReportingCountry;
                aSeized.Value = content.SeizedAt.ToDateTime().ToString(HubDatabase.TimeFormat, CultureInfo.InvariantCulture);
                alert.ExecuteNonQuery();
                for (var p = 0; p < content.Items.Count; p++)
                {
                    var it = content.Items[p];
                    iSeq.Value = seq;
                    iPos.Value = p;
                    iSubstance.Value = it.Substance.ToString();
                    iQuantity.Value = it.Quantity;
                    iUnit.Value = it.Unit.ToString();
                    iNormalized.Value = it.NormalizedQuantity;
                    iDimension.Value = it.NormalizedDimension.ToString();
                    item.ExecuteNonQuery();
                }
                _readableByReader.Add(ReadableBy(Reader, content));
            }
            transaction.Commit();
            Count = batchEnd;
        }
        using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        checkpoint.ExecuteNonQuery();
    }

    /// <summary>The hub's rule (AccessPolicy.CountryMayRead) for a member state's reader.</summary>
    private static bool ReadableBy(string member, SeizureAlertContent content) =>
        content.ReportingCountry == member || content.Distribution switch
        {
            Distribution.Addressed => content.AddressedCountries.Contains(member),
            Distribution.Members or Distribution.MembersAndObservers => true,
            _ => false,
        };
}
