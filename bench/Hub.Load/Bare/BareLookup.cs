using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Hub.Contracts.V1;
using Microsoft.Data.Sqlite;

namespace Hub.Load.Bare;

/// <summary>
/// The match scenario's baseline: hub.v1.Matches.Check answered by a bare indexed lookup on the
/// hub's own SQLite file (read-only, pooled connections; the file is in WAL mode, so it reads
/// while the hub writes). Per identifier: HMAC-SHA-256 of the value under the hub's matching
/// key (phones are sent in E.164 already; plates get the hub's <c>PLATE:</c> prefix), then
/// <c>SELECT … FROM MatchKeys WHERE Hash = $h LIMIT 200</c>, answering the rows' count. No
/// authentication, no audit, no write: the transport and the index, nothing else.
/// </summary>
internal sealed class BareLookup(BareLookup.Database database) : Matches.MatchesBase
{
    /// <summary>The file and key, from <c>serve-bare --match-db PATH --match-key FILE</c>.</summary>
    internal sealed class Database(string path, string keyFile)
    {
        public string ConnectionString { get; } = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        public byte[] Key { get; } = Convert.FromBase64String(File.ReadAllText(keyFile).Trim());
    }

    public override Task<CheckResponse> Check(CheckRequest request, ServerCallContext context)
    {
        var response = new CheckResponse();
        using var connection = new SqliteConnection(database.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """SELECT "RecordType", "RecordId", "OwnerCountry" FROM "MatchKeys" WHERE "Hash" = $h LIMIT 200""";
        var hash = command.Parameters.Add("$h", SqliteType.Blob);
        for (var i = 0; i < request.Identifiers.Count; i++)
        {
            var identifier = request.Identifiers[i];
            var canonical = identifier.Kind == IdentifierKind.VehiclePlate ? "PLATE:" + identifier.Value.ToUpperInvariant() : identifier.Value;
            hash.Value = HMACSHA256.HashData(database.Key, Encoding.UTF8.GetBytes(canonical));
            var owners = new SortedSet<string>(StringComparer.Ordinal);
            var count = 0;
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    count++;
                    owners.Add(reader.GetString(2));
                }
            }
            response.Results.Add(new CheckResult { Item = $"identifiers[{i}]", Hit = count > 0, RecordCount = count, OwnerCountries = { owners } });
        }
        return Task.FromResult(response);
    }
}
