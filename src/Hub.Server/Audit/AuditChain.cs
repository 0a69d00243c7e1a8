using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hub.Server.Access;
using Hub.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Audit;

/// <summary>What is being recorded, before it takes its place in the chain.</summary>
public sealed record AuditEvent(
    Caller Caller,
    string Channel,
    string Action,
    string Outcome,
    string? RecordType = null,
    string? RecordId = null,
    string? Detail = null);

public static class AuditOutcomes
{
    public const string Allowed = "allowed";
    public const string Denied = "denied";
    public const string Invalid = "invalid";
}

/// <summary>
/// Appends to the audit trail: each entry authenticated with the current audit key over its
/// content and the previous entry's MAC (decisions/0016). <see cref="AuditVerifier"/> checks it.
/// </summary>
public sealed class AuditChain(TimeProvider clock, AuditKeys keys) : IDisposable
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    // One HMAC state, reused: appends run on the group commit's thread, one batch at a time
    // (the lock is never contended); a fresh HMAC per entry would set up its key every time.
    private readonly EntryMac _mac = new(keys.Current);
    private readonly Lock _macLock = new();

    /// <summary>
    /// Takes the head row's lock as the first statement of the group commit's transaction, so
    /// that transactions on every node run one after the other from their start: feed rows
    /// then get their identity values in commit order on any provider (decisions/0012).
    /// Returns the head as the lock left it (tracked), for <see cref="Append"/>.
    /// </summary>
    public static AuditHead Lock(HubDbContext db)
    {
        RequireTransaction(db);
        if (db.Database.IsSqlite())
        {
            // One statement takes the lock and reads the head (decisions/0023): the update and
            // a second query for the head were two of the commit's few statements.
            return db.AuditHeads.FromSqlRaw(LockReturningSqlite).AsEnumerable().Single();
        }
        db.AuditHeads.Where(h => h.Id == 1).ExecuteUpdate(s => s.SetProperty(h => h.Version, h => h.Version + 1));
        return db.AuditHeads.Single(h => h.Id == 1);
    }

    internal const string LockReturningSqlite =
        "UPDATE \"AuditHead\" SET \"Version\" = \"Version\" + 1 WHERE \"Id\" = 1 RETURNING \"Id\", \"LastHash\", \"LastSequence\", \"Version\"";

    /// <summary>
    /// Adds the events as the next entries of the chain, inside the group commit's transaction,
    /// after <see cref="Lock"/>, which gave <paramref name="head"/>.
    /// </summary>
    public void Append(HubDbContext db, AuditHead head, IReadOnlyList<AuditEvent> events)
    {
        RequireTransaction(db);
        AddEntries(db, head, events);
    }

    private static void RequireTransaction(HubDbContext db)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Audit entries are appended inside the transaction of what they record.");
        }
    }

    private void AddEntries(HubDbContext db, AuditHead head, IReadOnlyList<AuditEvent> events)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        using var macInUse = _macLock.EnterScope();
        foreach (var e in events)
        {
            var entry = new AuditEntry
            {
                Sequence = head.LastSequence + 1,
                AtUtc = now,
                Actor = Limit(e.Caller.Subject, 200),
                ActorCountry = Limit(e.Caller.Country, 16),
                ClientId = e.Caller.ClientId is null ? null : Limit(e.Caller.ClientId, 200),
                Channel = e.Channel,
                Action = e.Action,
                Outcome = e.Outcome,
                RecordType = e.RecordType,
                RecordId = e.RecordId,
                Detail = e.Detail,
                PreviousHash = head.LastHash,
                Hash = "",
                KeyId = keys.Current.Id,
            };
            entry.Hash = _mac.Compute(entry);
            db.AuditTrail.Add(entry);
            head.LastSequence = entry.Sequence;
            head.LastHash = entry.Hash;
        }
    }

    /// <summary>
    /// The canonical content an entry's MAC covers: every field length-prefixed, so that no
    /// two different entries encode alike, then the previous entry's MAC and (for keyed
    /// entries) the key id. Entries from before keyed authentication encode without it.
    /// </summary>
    internal static byte[] Canonical(AuditEntry e)
    {
        var text = new StringBuilder(256);
        foreach (var field in new[]
        {
            e.Sequence.ToString(CultureInfo.InvariantCulture),
            e.AtUtc.Ticks.ToString(CultureInfo.InvariantCulture),
            e.Actor, e.ActorCountry, e.ClientId, e.Channel, e.Action, e.Outcome, e.RecordType, e.RecordId, e.Detail,
            e.PreviousHash,
        })
        {
            Field(text, field);
        }
        if (e.KeyId is not null)
        {
            Field(text, e.KeyId);
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static void Field(StringBuilder text, string? field)
    {
        if (field is null)
        {
            text.Append("-1:");
        }
        else
        {
            text.Append(field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field);
        }
        text.Append('|');
    }

    /// <summary>The plain hash of an entry from before keyed authentication (no key id): anyone can recompute it.</summary>
    internal static string UnkeyedHash(AuditEntry e) => Convert.ToHexStringLower(SHA256.HashData(Canonical(e)));

    public void Dispose() => _mac.Dispose();

    private static string Limit(string value, int max) => value.Length <= max ? value : value[..max];
}

/// <summary>Computes entries' MACs with one key. Not thread-safe: it keeps its HMAC state between entries.</summary>
internal sealed class EntryMac(AuditKey key) : IDisposable
{
    private readonly IncrementalHash _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key.Secret);

    public string Compute(AuditEntry entry)
    {
        _hmac.AppendData(AuditChain.Canonical(entry));
        Span<byte> mac = stackalloc byte[32];
        _hmac.GetHashAndReset(mac);
        return Convert.ToHexStringLower(mac);
    }

    public void Dispose() => _hmac.Dispose();
}
