using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Records;

namespace Hub.Server.Matching;

/// <summary>One item of a check: its field path, what it asks, its lookup keys (under every known key), or why it has none.</summary>
internal sealed record CheckItem(string Field, MatchKeyKind Kind, PersonOfInterest? Person, IReadOnlyList<byte[]> Hashes, string? Unmatchable);

/// <summary>
/// A check through the record pipeline: the lookups run inside the commit, the matches it
/// finds are stored (their ids are the asker's references), each owner hears <c>checked</c>,
/// and the check is audited — its purpose, never the values asked.
/// </summary>
internal sealed class CheckChange(Caller caller, string purpose, IReadOnlyList<CheckItem> items) : RecordChange<CheckResponse>
{
    private const int NamesShown = 3;

    public override string Action => "match.check";
    public override string RecordType => MatchFeed.RecordType;
    public override bool MayRefuse => false;

    public override Func<CheckResponse> Apply(RecordContext context)
    {
        var response = new CheckResponse();
        var hits = 0;
        foreach (var item in items)
        {
            var result = Check(context, item);
            hits += result.Hits.Count;
            response.Results.Add(result);
        }
        var detail = $"{items.Count} items, {response.Results.Count(r => r.Hit)} hit, {hits} references; purpose: {purpose}";
        return () =>
        {
            context.Audit(Action, RecordType, null, detail);
            return response;
        };
    }

    private CheckResult Check(RecordContext context, CheckItem item)
    {
        var result = new CheckResult { Item = item.Field };
        if (item.Unmatchable is { } why)
        {
            result.NotMatchedReason = why;
            return result;
        }
        var index = context.Matching;
        var common = index.Options.CommonThreshold;
        var rows = MatchIndex.Sharing(context.Db, item.Hashes, common);
        if (rows.Count >= common)
        {
            result.NotMatchedReason = $"held by {common} or more records: too common to be a lead";
            return result;
        }
        var records = rows.GroupBy(r => (r.RecordType, r.RecordId)).Select(g => g.First()).ToList();
        result.Hit = records.Count > 0;
        result.RecordCount = records.Count;
        result.OwnerCountries.AddRange(records.Select(r => r.OwnerCountry).Distinct().Order(StringComparer.Ordinal));
        foreach (var row in records.Where(r => r.OwnerCountry != caller.Country).Take(index.Options.MaxHitsPerItem))
        {
            var kind = index.KindOf(row.RecordType);
            if (kind.AccessOf(context.Db, row.RecordId) is not { Withdrawn: false } sighted)
            {
                continue;
            }
            var readable = context.Policy.CanRead(caller, sighted.Access);
            var match = MatchOf(context, row, item.Kind, readable);
            MatchFeed.Raise(context, match, MatchEventTypes.Checked, match.OwnerCountry, MatchViews.ForOwner(match, readsAskingRecord: false));
            var hit = new MatchHit { MatchId = match.Id.ToString(), OwnerCountry = match.OwnerCountry, State = match.State };
            if (readable)
            {
                hit.Record = new RecordRef { RecordType = row.RecordType, RecordId = row.RecordId };
                if (item.Person is { } asked && kind.PartsOf(context.Db, row.RecordId) is { } parts)
                {
                    hit.Names.AddRange(Compared(asked, parts.Parts.Persons));
                }
            }
            result.Hits.Add(hit);
        }
        return result;
    }

    /// <summary>The asker's match on the record: the one it already holds (its reference stays), or a new one.</summary>
    private MatchRecord MatchOf(RecordContext context, MatchKeyRow row, MatchKeyKind kind, bool readable)
    {
        var country = caller.Country;
        bool Same(MatchRecord m) => m.Origin == MatchOrigin.Check && m.AskingCountry == country && m.RecordType == row.RecordType && m.RecordId == row.RecordId;
        var match = context.Db.Set<MatchRecord>().Local.FirstOrDefault(Same)
            ?? context.Db.Set<MatchRecord>().FirstOrDefault(m => m.Origin == MatchOrigin.Check && m.AskingCountry == country && m.RecordType == row.RecordType && m.RecordId == row.RecordId);
        if (match is null)
        {
            match = new MatchRecord
            {
                Id = Guid.NewGuid(),
                Origin = MatchOrigin.Check,
                AskingCountry = country,
                OwnerCountry = row.OwnerCountry,
                RecordType = row.RecordType,
                RecordId = row.RecordId,
                KeyKind = kind,
                State = readable ? MatchState.Readable : MatchState.Pending,
                FoundAtUtc = context.NowUtc,
            };
            context.Db.Add(match);
        }
        else if (readable && match.State == MatchState.Pending)
        {
            match.State = MatchState.Readable;
        }
        match.Purpose = purpose;
        return match;
    }

    /// <summary>The fine comparison, run only where the asker may read the record: its persons closest to the name asked.</summary>
    private static IEnumerable<NameComparison> Compared(PersonOfInterest asked, IReadOnlyList<PersonOfInterest> persons) =>
        persons.Select(p => (PersonOfInterest: p, Match: Names.NameComparison.Compare(asked.Name, p.Name)))
            .OrderByDescending(c => c.Match.Score).Take(NamesShown)
            .Select(c => new NameComparison
            {
                Name = c.PersonOfInterest.Name,
                Score = Math.Round(c.Match.Score, 4),
                Same = c.Match.Same,
                Explanation = { c.Match.Explanation.Select(t => FormattableString.Invariant($"{t.A ?? "-"} ~ {t.B ?? "-"}: {t.Rule} ({t.Score:0.00})")) },
            });
}
