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

/// <summary>Appends to and verifies the hash-chained audit trail.</summary>
public sealed class AuditChain(TimeProvider clock)
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>
    /// Adds the events to <paramref name="db"/> as the next entries of the chain. Call inside
    /// the transaction of the write they describe, then save and commit; the head row is
    /// locked until then, so appenders on every node take turns.
    /// </summary>
    public async Task AppendAsync(HubDbContext db, IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        RequireTransaction(db);
        await db.AuditHeads.Where(h => h.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(h => h.Version, h => h.Version + 1), cancellationToken);
        AddEntries(db, await db.AuditHeads.SingleAsync(h => h.Id == 1, cancellationToken), events);
    }

    /// <summary>
    /// Takes the head row's lock as the first statement of the group commit's transaction, so
    /// that transactions on every node run one after the other from their start: feed rows
    /// then get their identity values in commit order on any provider (decisions/0012).
    /// </summary>
    public static void Lock(HubDbContext db)
    {
        RequireTransaction(db);
        db.AuditHeads.Where(h => h.Id == 1).ExecuteUpdate(s => s.SetProperty(h => h.Version, h => h.Version + 1));
    }

    /// <summary><see cref="AppendAsync"/> for the group commit's own thread, after <see cref="Lock"/>.</summary>
    public void Append(HubDbContext db, IReadOnlyList<AuditEvent> events)
    {
        RequireTransaction(db);
        AddEntries(db, db.AuditHeads.Single(h => h.Id == 1), events);
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
            };
            entry.Hash = ComputeHash(entry);
            db.AuditTrail.Add(entry);
            head.LastSequence = entry.Sequence;
            head.LastHash = entry.Hash;
        }
    }

    /// <summary>
    /// Recomputes the whole chain. Returns the sequence of the first entry that does not
    /// match (changed, inserted, or following a removed one), or null when all hold.
    /// </summary>
    public static async Task<AuditVerification> VerifyAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        var previousHash = GenesisHash;
        long expected = 1;
        long checkedCount = 0;
        await foreach (var entry in db.AuditTrail.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (entry.Sequence != expected)
            {
                return new AuditVerification(false, checkedCount, expected, $"entry {expected} is missing");
            }
            if (entry.PreviousHash != previousHash)
            {
                return new AuditVerification(false, checkedCount, entry.Sequence, "its previous-hash does not match the entry before it");
            }
            if (ComputeHash(entry) != entry.Hash)
            {
                return new AuditVerification(false, checkedCount, entry.Sequence, "its content does not match its hash");
            }
            previousHash = entry.Hash;
            expected++;
            checkedCount++;
        }
        var head = await db.AuditHeads.AsNoTracking().SingleAsync(h => h.Id == 1, cancellationToken);
        if (head.LastSequence != checkedCount || head.LastHash != previousHash)
        {
            return new AuditVerification(false, checkedCount, checkedCount + 1, "entries after this point were removed");
        }
        return new AuditVerification(true, checkedCount, null, "the chain is intact");
    }

    internal static string ComputeHash(AuditEntry e)
    {
        // Each field length-prefixed, so that no two different entries encode alike.
        var text = new StringBuilder();
        foreach (var field in new[]
        {
            e.Sequence.ToString(CultureInfo.InvariantCulture),
            e.AtUtc.Ticks.ToString(CultureInfo.InvariantCulture),
            e.Actor, e.ActorCountry, e.ClientId, e.Channel, e.Action, e.Outcome, e.RecordType, e.RecordId, e.Detail,
            e.PreviousHash,
        })
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
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static string Limit(string value, int max) => value.Length <= max ? value : value[..max];
}

/// <summary>The result of checking the chain.</summary>
/// <param name="Intact">True when every entry holds.</param>
/// <param name="EntriesChecked">How many entries held before the first broken one.</param>
/// <param name="FirstBrokenSequence">The first entry that does not hold, if any.</param>
/// <param name="Reason">Why it does not hold.</param>
public sealed record AuditVerification(bool Intact, long EntriesChecked, long? FirstBrokenSequence, string Reason);
