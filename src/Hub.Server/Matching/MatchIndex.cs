using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Records;
using Microsoft.Extensions.Options;

namespace Hub.Server.Matching;

/// <summary>
/// The blind index, written by the record pipeline in the same commit as the record: every
/// kind calls <see cref="Index"/> when a record is stored or corrected and
/// <see cref="Unindex"/> when it is withdrawn or purged. Indexing a value another country's
/// record holds is continuous matching: both owners hear <c>found</c>.
/// </summary>
public sealed class MatchIndex(MatchKeyring keys, IOptions<MatchingOptions> options, IEnumerable<IMatchableKind> kinds)
{
    private readonly Dictionary<string, IMatchableKind> _kinds = kinds.ToDictionary(k => k.RecordType, StringComparer.Ordinal);

    public MatchKeyring Keys => keys;
    public MatchingOptions Options => options.Value;

    public IMatchableKind KindOf(string recordType) =>
        _kinds.TryGetValue(recordType, out var kind) ? kind : throw new InvalidOperationException($"{recordType} is not a matchable kind");

    /// <summary>
    /// Replaces the record's index rows by those of <paramref name="parts"/> and matches the
    /// values it did not hold before against other countries' records.
    /// </summary>
    /// <param name="access">The record's access as the change leaves it (not saved yet).</param>
    public void Index(RecordContext context, string recordType, string recordId, string owner, RecordAccess access, MatchParts parts, bool fresh = false)
    {
        if (fresh && parts.Identifiers.Count + parts.Persons.Count == 0)
        {
            return;
        }
        var db = context.Db;
        var current = keys.Current;
        var wanted = MatchTerms.Of(parts, owner).Select(t => (Term: t, Hash: current.Hash(t.Canonical))).ToList();
        var held = fresh ? [] : db.Set<MatchKeyRow>().Where(r => r.RecordType == recordType && r.RecordId == recordId).ToList();
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in held)
        {
            if (row.KeyId == current.Id && wanted.Any(w => w.Hash.AsSpan().SequenceEqual(row.Hash)))
            {
                keep.Add(Convert.ToHexString(row.Hash));
            }
            else
            {
                db.Remove(row);
            }
        }
        var counterparts = new Dictionary<(string Type, string Id), (string Owner, MatchKeyKind Kind)>();
        foreach (var (term, hash) in wanted.Where(w => !keep.Contains(Convert.ToHexString(w.Hash))))
        {
            var sharing = Sharing(db, keys.Hashes(term.Canonical), Options.CommonThreshold)
                .Select(r => new { r.RecordType, r.RecordId, r.OwnerCountry }).ToList();
            if (sharing.Count >= Options.CommonThreshold)
            {
                continue; // too common to be a lead: neither indexed nor matched
            }
            db.Add(new MatchKeyRow { Hash = hash, KeyId = current.Id, Kind = term.Kind, RecordType = recordType, RecordId = recordId, OwnerCountry = owner });
            foreach (var other in sharing.Where(s => s.OwnerCountry != owner && !(s.RecordType == recordType && s.RecordId == recordId)))
            {
                counterparts.TryAdd((other.RecordType, other.RecordId), (other.OwnerCountry, term.Kind));
            }
        }
        foreach (var ((otherType, otherId), (otherOwner, kind)) in counterparts)
        {
            Found(context, new MatchSide(recordType, recordId, owner, access), otherType, otherId, otherOwner, kind);
        }
    }

    /// <summary>
    /// The rows holding a value (under any known key), at most <paramref name="limit"/>: those
    /// stored, and those of writes staged in the same commit (saved together, after all of them).
    /// </summary>
    public static List<MatchKeyRow> Sharing(Data.HubDbContext db, IEnumerable<byte[]> hashes, int limit)
    {
        var found = new List<MatchKeyRow>();
        foreach (var hash in hashes)
        {
            found.AddRange(db.Set<MatchKeyRow>().Local.Where(r => r.Hash.AsSpan().SequenceEqual(hash)));
            found.AddRange(db.Set<MatchKeyRow>().Where(r => r.Hash == hash).Take(limit).AsEnumerable()
                .Where(r => !found.Contains(r) && db.Entry(r).State != Microsoft.EntityFrameworkCore.EntityState.Deleted));
        }
        return [.. found.Distinct().Take(limit)];
    }

    /// <summary>Removes the record's index rows: a withdrawn or purged record matches nothing.</summary>
    public void Unindex(RecordContext context, string recordType, string recordId)
    {
        foreach (var row in context.Db.Set<MatchKeyRow>().Where(r => r.RecordType == recordType && r.RecordId == recordId).ToList())
        {
            context.Db.Remove(row);
        }
    }

    private sealed record MatchSide(string RecordType, string RecordId, string Owner, RecordAccess Access);

    /// <summary>Two records of two countries share a value: one match per direction (each owner decides on its own record), once per pair.</summary>
    private void Found(RecordContext context, MatchSide written, string otherType, string otherId, string otherOwner, MatchKeyKind kind)
    {
        var db = context.Db;
        bool Pair(MatchRecord m) => m.Origin == MatchOrigin.Record && m.RecordType == otherType && m.RecordId == otherId
            && m.AskingRecordType == written.RecordType && m.AskingRecordId == written.RecordId;
        var known = db.Set<MatchRecord>().Local.Any(Pair) || db.Set<MatchRecord>().Any(m => m.Origin == MatchOrigin.Record
            && m.RecordType == otherType && m.RecordId == otherId && m.AskingRecordType == written.RecordType && m.AskingRecordId == written.RecordId);
        if (known || KindOf(otherType).AccessOf(db, otherId) is not { Withdrawn: false } other)
        {
            return;
        }
        var policy = context.Policy;
        var theirs = NewMatch(context, kind, otherOwner, otherType, otherId, written.Owner, written.RecordType, written.RecordId,
            policy.CountryMayRead(written.Owner, other.Access));
        var ours = NewMatch(context, kind, written.Owner, written.RecordType, written.RecordId, otherOwner, otherType, otherId,
            policy.CountryMayRead(otherOwner, written.Access));
        // Each owner hears of the match on its own record, and sees the other side's record
        // only when it may read it (the other match's state says so).
        MatchFeed.Raise(context, theirs, MatchEventTypes.Found, theirs.OwnerCountry, MatchViews.ForOwner(theirs, ours.State == MatchState.Readable));
        MatchFeed.Raise(context, ours, MatchEventTypes.Found, ours.OwnerCountry, MatchViews.ForOwner(ours, theirs.State == MatchState.Readable));
        context.Audit("match.found", MatchFeed.RecordType, ours.Id.ToString(),
            $"{ProtoEnums.Name(kind)}: {written.RecordType} {written.RecordId} of {written.Owner} ~ {otherType} {otherId} of {otherOwner}");
    }

    private static MatchRecord NewMatch(RecordContext context, MatchKeyKind kind, string owner, string recordType, string recordId,
        string asker, string askerType, string askerId, bool readable)
    {
        var match = new MatchRecord
        {
            Id = Guid.NewGuid(),
            Origin = MatchOrigin.Record,
            AskingCountry = asker,
            AskingRecordType = askerType,
            AskingRecordId = askerId,
            OwnerCountry = owner,
            RecordType = recordType,
            RecordId = recordId,
            KeyKind = kind,
            State = readable ? MatchState.Readable : MatchState.Pending,
            FoundAtUtc = context.NowUtc,
        };
        context.Db.Add(match);
        return match;
    }
}
