using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Hub.Load.Data;

/// <summary>
/// Fills a stopped hub's blind index (<c>MatchKeys</c>) with generated rows, as MatchIndex
/// writes them: HMAC-SHA-256 of a canonical value under the hub's matching key, the key's id
/// as MatchKey.From derives it, the kind's enum name, random upper-case record ids. Two to
/// eight identifiers per record (about 200k records per million rows), Kazakh and Kyrgyz
/// mobile numbers and plates, the member states as owners. The values checked as no-hits
/// (<see cref="NoHit"/>) come from number ranges never seeded, so that a no-hit stays one.
/// </summary>
internal sealed class MatchSeeder(string dataDirectory, byte[] key, int seed = 15)
{
    private static readonly string[] Owners = ["KAZ", "KGZ", "TJK", "UZB", "TKM", "AZE", "RUS"];
    private readonly Random _rng = new(seed);

    public long Count { get; private set; }
    public long Records { get; private set; }

    /// <summary>The first phone numbers written: checked before measuring, so that a wrong key or key id shows.</summary>
    public List<string> SamplePhones { get; } = [];

    /// <summary>MatchKey.From: the first 16 hex characters of HMAC(key, "hub-matching-key-id").</summary>
    public string KeyId { get; } = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes("hub-matching-key-id")))[..16];

    /// <summary>The hub's matching key, as its key file holds it (base64).</summary>
    public static byte[] ReadKey(string keyFile) => Convert.FromBase64String(File.ReadAllText(keyFile).Trim());

    /// <summary>A seeded value: a Kyrgyz (+996 55x) or Kazakh (+7 701) mobile number, or a plate.</summary>
    private string Seeded(out string kind)
    {
        var r = _rng.Next(10);
        kind = r < 8 ? "PhoneNumber" : "VehiclePlate";
        return r switch
        {
            < 4 => "+99655" + _rng.Next(0, 10_000_000).ToString("D7", CultureInfo.InvariantCulture),
            < 8 => "+7701" + _rng.Next(0, 10_000_000).ToString("D7", CultureInfo.InvariantCulture),
            _ => $"PLATE:{_rng.Next(1, 99):00}{Owners[_rng.Next(Owners.Length)][..2]}{_rng.Next(100, 999)}{Letter()}{Letter()}{Letter()}",
        };
    }

    private char Letter() => (char)('A' + _rng.Next(26));

    /// <summary>
    /// The value of no-hit check <paramref name="i"/>: +996 700 and +7 705 mobiles and
    /// four-letter plates, none of which the seeder writes (the same sequence for hub and bare).
    /// </summary>
    public static Hub.Contracts.V1.Identifier NoHit(long i)
    {
        var rng = new Random(unchecked((int)(i * 2654435761L)));
        return rng.Next(10) switch
        {
            < 5 => Phone("+996700" + rng.Next(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture)),
            < 9 => Phone("+7705" + rng.Next(0, 10_000_000).ToString("D7", CultureInfo.InvariantCulture)),
            _ => new() { Kind = Hub.Contracts.V1.IdentifierKind.VehiclePlate, Value = $"{rng.Next(1, 99):00}KZ{rng.Next(100, 999)}{(char)('A' + rng.Next(26))}{(char)('A' + rng.Next(26))}{(char)('A' + rng.Next(26))}{(char)('A' + rng.Next(26))}" },
        };
    }

    public static Hub.Contracts.V1.Identifier Phone(string e164) => new() { Kind = Hub.Contracts.V1.IdentifierKind.PhoneNumber, Value = e164 };

    /// <summary>Adds rows until the index holds <paramref name="total"/> generated ones; the hub must not be running.</summary>
    public void GrowTo(long total)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDirectory, "hub.db"), Pooling = false }.ToString());
        connection.Open();
        using (var pragmas = connection.CreateCommand())
        {
            // Generation is not what is measured: no fsync per batch, a big page cache.
            pragmas.CommandText = "PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000; PRAGMA temp_store=MEMORY;";
            pragmas.ExecuteNonQuery();
        }
        using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO "MatchKeys" ("Hash", "KeyId", "Kind", "RecordType", "RecordId", "OwnerCountry")
            VALUES ($hash, $key, $kind, 'alert', $record, $owner)
            """;
        var pHash = insert.Parameters.Add("$hash", SqliteType.Blob);
        var pKey = insert.Parameters.Add("$key", SqliteType.Text);
        var pKind = insert.Parameters.Add("$kind", SqliteType.Text);
        var pRecord = insert.Parameters.Add("$record", SqliteType.Text);
        var pOwner = insert.Parameters.Add("$owner", SqliteType.Text);
        pKey.Value = KeyId;
        using var hmac = new HMACSHA256(key);
        using var transaction = connection.BeginTransaction();
        insert.Transaction = transaction;
        insert.Prepare();
        while (Count < total)
        {
            // One record: 2 to 8 identifiers (a mean of 5: ~200k records per million rows).
            var record = Guid.NewGuid().ToString().ToUpperInvariant();
            var owner = Owners[_rng.Next(Owners.Length)];
            Records++;
            for (var n = _rng.Next(2, 9); n > 0 && Count < total; n--, Count++)
            {
                var value = Seeded(out var kind);
                if (SamplePhones.Count < 5 && kind == "PhoneNumber")
                {
                    SamplePhones.Add(value);
                }
                pHash.Value = hmac.ComputeHash(Encoding.UTF8.GetBytes(value));
                pKind.Value = kind;
                pRecord.Value = record;
                pOwner.Value = owner;
                insert.ExecuteNonQuery();
            }
        }
        transaction.Commit();
        using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        checkpoint.ExecuteNonQuery();
    }
}
