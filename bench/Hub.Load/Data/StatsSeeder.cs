using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Hub.Contracts.V1;
using Microsoft.Data.Sqlite;

namespace Hub.Load.Data;

/// <summary>
/// Fills a stopped hub's database with historical alerts for the statistics scenario, straight
/// into Alerts and AlertItems in the form the hub writes them (as <see cref="GrowthSeeder"/>):
/// seizures from 2011 to 2013 in sequence order (a chronological import), the seven member
/// states in proportion, one to three items over the thirteen alert substances in every unit
/// (g, kg, t, ml, l, pills, ampoules), the usual distributions, a few percent withdrawn by
/// their originator. Alerts are received in the last year (a backfill): retention leaves them
/// alone. While writing, it adds up what the yearly country × substance table of
/// <see cref="TallyYear"/> must show, for the centre and for <see cref="Reader"/>'s readers,
/// in the hub's exact units (milligrams, microlitres, thousandths of a piece).
/// </summary>
internal sealed class StatsSeeder(string dataDirectory, int seed = 17)
{
    /// <summary>The country whose liaison officer asks for the access-filtered table.</summary>
    public const string Reader = "KAZ";
    /// <summary>The year the measured table covers.</summary>
    public const int TallyYear = 2012;
    /// <summary>The share of alerts withdrawn by their originator.</summary>
    public const double WithdrawnShare = 0.03;

    private static readonly DateTime First = new(2011, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime End = new(2014, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Per substance: its share of items and the units it is reported in (share, smallest, largest).</summary>
    private static readonly (Substance Substance, double Weight, (QuantityUnit Unit, double Share, double Min, double Max)[] Units)[] Substances =
    [
        (Substance.Heroin, 26, [(QuantityUnit.Kg, 0.75, 0.05, 80), (QuantityUnit.G, 0.23, 1, 999), (QuantityUnit.T, 0.02, 1, 3)]),
        (Substance.Hashish, 22, [(QuantityUnit.Kg, 0.85, 0.1, 400), (QuantityUnit.T, 0.05, 1, 25), (QuantityUnit.G, 0.10, 1, 999)]),
        (Substance.Marijuana, 13, [(QuantityUnit.Kg, 0.80, 0.2, 900), (QuantityUnit.T, 0.05, 1, 40), (QuantityUnit.G, 0.15, 1, 999)]),
        (Substance.Opium, 8, [(QuantityUnit.Kg, 0.9, 0.1, 150), (QuantityUnit.G, 0.1, 5, 999)]),
        (Substance.RawOpium, 3, [(QuantityUnit.Kg, 1, 0.5, 60)]),
        (Substance.OpiumPoppy, 2, [(QuantityUnit.Kg, 0.8, 1, 300), (QuantityUnit.T, 0.2, 1, 12)]),
        (Substance.PoppyStraw, 2, [(QuantityUnit.Kg, 0.8, 1, 500), (QuantityUnit.T, 0.2, 1, 8)]),
        (Substance.Cocaine, 2, [(QuantityUnit.G, 0.7, 10, 5_000), (QuantityUnit.Kg, 0.3, 1, 120)]),
        (Substance.Methamphetamine, 6, [(QuantityUnit.G, 0.7, 5, 20_000), (QuantityUnit.Pills, 0.3, 10, 50_000)]),
        (Substance.Psychotropic, 8, [(QuantityUnit.Pills, 0.6, 20, 60_000), (QuantityUnit.Ampoules, 0.25, 5, 5_000), (QuantityUnit.Ml, 0.15, 10, 5_000)]),
        (Substance.AceticAnhydride, 3, [(QuantityUnit.L, 0.8, 5, 4_000), (QuantityUnit.T, 0.1, 1, 20), (QuantityUnit.Ml, 0.1, 100, 999)]),
        (Substance.OtherPrecursor, 3, [(QuantityUnit.L, 0.6, 5, 2_000), (QuantityUnit.Kg, 0.4, 1, 3_000)]),
        (Substance.Other, 2, [(QuantityUnit.G, 0.5, 1, 5_000), (QuantityUnit.Kg, 0.3, 0.5, 200), (QuantityUnit.Ml, 0.2, 10, 2_000)]),
    ];

    private static readonly double[] SubstanceWeights = Substances.Select(s => s.Weight).ToArray();
    private static readonly string[] OtherDetails = ["ephedrine", "tramadol", "khat", "nasvay", "pseudoephedrine"];

    private readonly Random _rng = new(seed);

    public long Count { get; private set; }
    public long Items { get; private set; }
    public long Withdrawn { get; private set; }

    /// <summary>The centre's table: every alert seized in <see cref="TallyYear"/> and not withdrawn.</summary>
    public Tally Centre { get; } = new();

    /// <summary><see cref="Reader"/>'s table: the same, of the alerts its readers may read.</summary>
    public Tally ReaderTable { get; } = new();

    /// <summary>
    /// Writes <paramref name="total"/> alerts in all (the hub must not be running; the database
    /// must hold no alerts yet, as the tallies start from nothing).
    /// </summary>
    public void Seed(long total)
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
        using (var existing = connection.CreateCommand())
        {
            existing.CommandText = """SELECT (SELECT COUNT(*) FROM "Alerts") + (SELECT COUNT(*) FROM "AlertEvents")""";
            if (Convert.ToInt64(existing.ExecuteScalar(), CultureInfo.InvariantCulture) != 0)
            {
                throw new InvalidOperationException("the statistics seeder writes into a database without alerts");
            }
        }

        using var alert = connection.CreateCommand();
        alert.CommandText = """
            INSERT INTO "AlertEvents" ("Sequence", "AlertId", "EventId", "Type", "PayloadJson", "AtUtc")
            VALUES ($seq, $id, $event, 'posted', '', $received);
            INSERT INTO "Alerts" ("Sequence", "PostedSequence", "AddressedCountries", "ContentJson", "Distribution", "HandlingCode", "Id", "PostedEventId", "ReceivedAtUtc", "ReportingCountry", "SeizedAtUtc",
                                  "Version", "VersionBy", "VersionReason", "KeepReason", "LegalBasis",
                                  "WithdrawalCause", "WithdrawalReason", "WithdrawnAtUtc", "WithdrawnBy", "WithdrawnByCountry")
            VALUES ($seq, $seq, $addressed, $json, $distribution, $handling, $id, $event, $received, $country, $seized,
                    1, '', '', '', '',
                    $cause, $reason, $withdrawn, $by, $byCountry)
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
        var aCause = alert.Parameters.Add("$cause", SqliteType.Text);
        var aReason = alert.Parameters.Add("$reason", SqliteType.Text);
        var aWithdrawn = alert.Parameters.Add("$withdrawn", SqliteType.Text);
        var aBy = alert.Parameters.Add("$by", SqliteType.Text);
        var aByCountry = alert.Parameters.Add("$byCountry", SqliteType.Text);
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

        // Received in the year before now, one after the other (sequence order is receipt order).
        var receivedFrom = DateTime.UtcNow.AddDays(-365);
        var receivedStep = TimeSpan.FromDays(360).Ticks / Math.Max(1, total);
        var seizedStep = (End - First).Ticks / Math.Max(1, total);
        while (Count < total)
        {
            using var transaction = connection.BeginTransaction();
            alert.Transaction = transaction;
            item.Transaction = transaction;
            var batchEnd = Math.Min(total, Count + 20_000);
            for (var seq = Count + 1; seq <= batchEnd; seq++)
            {
                var received = Whole(receivedFrom.AddTicks(seq * receivedStep));
                var content = AlertFactory.Generate(_rng, received);
                // Seized in order over 2011-2013, up to a week before its place in the import
                // (a few fall into December 2010: outside every year asked for).
                var seized = Whole(First.AddTicks(seq * seizedStep).AddSeconds(-_rng.Next(0, 7 * 24 * 3600)));
                content.SeizedAt = Timestamp.FromDateTime(seized);
                content.Items.Clear();
                var items = _rng.NextDouble() switch { < 0.7 => 1, < 0.93 => 2, _ => 3 };
                for (var i = 0; i < items; i++)
                {
                    content.Items.Add(Item());
                }
                var withdrawn = _rng.NextDouble() < WithdrawnShare;

                aSeq.Value = seq;
                aAddressed.Value = string.Join(',', content.AddressedCountries);
                aJson.Value = SampleFeed.Formatter.Format(content);
                aDistribution.Value = content.Distribution.ToString();
                aHandling.Value = content.HandlingCode.ToString();
                aId.Value = Guid.NewGuid().ToString().ToUpperInvariant();
                aEvent.Value = Guid.NewGuid().ToString().ToUpperInvariant();
                aReceived.Value = received.ToString(HubDatabase.TimeFormat, CultureInfo.InvariantCulture);
                aCountry.Value = content.ReportingCountry;
                aSeized.Value = seized.ToString(HubDatabase.TimeFormat, CultureInfo.InvariantCulture);
                if (withdrawn)
                {
                    aCause.Value = "Originator";
                    aReason.Value = "withdrawn by the originator: source protection";
                    aWithdrawn.Value = received.AddDays(2).ToString(HubDatabase.TimeFormat, CultureInfo.InvariantCulture);
                    aBy.Value = "liaison." + content.ReportingCountry.ToLowerInvariant();
                    aByCountry.Value = content.ReportingCountry;
                    Withdrawn++;
                }
                else
                {
                    aCause.Value = "Unspecified";
                    aReason.Value = "";
                    aWithdrawn.Value = DBNull.Value;
                    aBy.Value = "";
                    aByCountry.Value = "";
                }
                alert.ExecuteNonQuery();
                var counted = !withdrawn && seized.Year == TallyYear;
                var readable = counted && ReadableBy(Reader, content);
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
                    Items++;
                    if (counted)
                    {
                        Centre.Add(content.ReportingCountry, it);
                    }
                    if (readable)
                    {
                        ReaderTable.Add(content.ReportingCountry, it);
                    }
                }
            }
            transaction.Commit();
            Count = batchEnd;
        }
        using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        checkpoint.ExecuteNonQuery();
    }

    private static DateTime Whole(DateTime t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    /// <summary>One item: a substance by its share, a unit by the substance's habits, a quantity in hundredths (whole pieces).</summary>
    private SeizedItem Item()
    {
        var s = Substances[Pick(SubstanceWeights)];
        var units = s.Units;
        var (unit, _, min, max) = units[Pick(units.Select(u => u.Share).ToArray())];
        var raw = min + (max - min) * Math.Pow(_rng.NextDouble(), 3);
        var quantity = unit is QuantityUnit.Pills or QuantityUnit.Ampoules ? Math.Round(raw) : Math.Round(raw, 2);
        var (normalized, dimension) = AlertFactory.Normalize(quantity, unit);
        var item = new SeizedItem { Substance = s.Substance, Quantity = quantity, Unit = unit, NormalizedQuantity = normalized, NormalizedDimension = dimension };
        if (s.Substance is Substance.Other or Substance.OtherPrecursor)
        {
            item.SubstanceDetail = OtherDetails[_rng.Next(OtherDetails.Length)];
        }
        return item;
    }

    private int Pick(double[] weights)
    {
        var x = _rng.NextDouble() * weights.Sum();
        for (var i = 0; i < weights.Length; i++)
        {
            x -= weights[i];
            if (x < 0)
            {
                return i;
            }
        }
        return weights.Length - 1;
    }

    /// <summary>The hub's rule (AccessPolicy.Readable) for a member state's reader.</summary>
    public static bool ReadableBy(string member, SeizureAlertContent content) =>
        content.ReportingCountry == member || content.Distribution switch
        {
            Distribution.Addressed => content.AddressedCountries.Contains(member),
            Distribution.Members or Distribution.MembersAndObservers => true,
            _ => false,
        };
}

/// <summary>One cell of a totals table: a country, a substance, a measure.</summary>
internal readonly record struct TotalKey(string Country, Substance Substance, Measure Measure)
{
    public override string ToString() => $"{Country}/{Substance}/{Measure}";
}

/// <summary>A cell's total in the hub's exact units (see <see cref="StatsUnits"/>) and how many items it adds up.</summary>
internal readonly record struct TotalCell(long Amount, long Items);

/// <summary>A country × substance × measure table, summed exactly.</summary>
internal sealed class Tally
{
    public Dictionary<TotalKey, TotalCell> Cells { get; } = [];

    public void Add(string country, SeizedItem item)
    {
        var measure = StatsUnits.MeasureOf(item.Unit);
        var key = new TotalKey(country, item.Substance, measure);
        var cell = Cells.GetValueOrDefault(key);
        Cells[key] = new TotalCell(cell.Amount + StatsUnits.ToAmount(item.NormalizedQuantity, measure), cell.Items + 1);
    }
}

/// <summary>The hub's measures and exact units (Hub.Server.Statistics.Measures), restated here: the tool does not link the server.</summary>
internal static class StatsUnits
{
    public static Measure MeasureOf(QuantityUnit unit) => unit switch
    {
        QuantityUnit.G or QuantityUnit.Kg or QuantityUnit.T => Measure.MassKg,
        QuantityUnit.Ml or QuantityUnit.L => Measure.VolumeL,
        QuantityUnit.Pills => Measure.Pills,
        QuantityUnit.Ampoules => Measure.Ampoules,
        _ => Measure.Unspecified,
    };

    /// <summary>Milligrams per kilogram, microlitres per litre, thousandths per piece.</summary>
    public static long Scale(Measure measure) => measure is Measure.MassKg or Measure.VolumeL ? 1_000_000 : 1_000;

    public static long ToAmount(double quantity, Measure measure) => (long)Math.Round(quantity * Scale(measure), MidpointRounding.AwayFromZero);
}
