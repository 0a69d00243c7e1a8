using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.ErrorHandling;
using Hub.Server.Records;

namespace Hub.Server.Matching;

/// <summary>
/// The owner's decision on a match: a release goes through the record kind's own release
/// change (for an alert, a new version with the asking country as an addressee, heard on
/// every channel); both sides hear the decision.
/// </summary>
internal sealed class DecideReleaseChange(Caller caller, DecideReleaseRequest request, Guid matchId) : RecordChange<Match>
{
    public override string Action => request.Release ? "match.release" : "match.refuse";
    public override string RecordType => MatchFeed.RecordType;

    public override IdempotencyClaim? Idempotency =>
        request.IdempotencyKey.Length == 0 ? null : new IdempotencyClaim($"match.decide:{caller.Country}", request.IdempotencyKey, request);

    public override Func<Match> Apply(RecordContext context)
    {
        var match = context.Db.Set<MatchRecord>().FirstOrDefault(m => m.Id == matchId);
        // Only the owner decides; to anyone else the reference means nothing.
        if (match is null || match.OwnerCountry != caller.Country)
        {
            throw HubException.NotFound("match_id", $"match {matchId} of {caller.Country}", RecordType, matchId.ToString(),
                match is null ? "no such match" : $"owned by {match.OwnerCountry}").For(Action);
        }
        var decision = context.Policy.CanActFor(caller, match.OwnerCountry);
        if (!decision.Allowed)
        {
            throw HubException.Denied(decision.Reason, RecordType, matchId.ToString()).For(Action);
        }
        if (match.State != MatchState.Pending)
        {
            throw HubException.FailedPrecondition("match_id", match.State == MatchState.Readable
                ? $"{match.AskingCountry} may read the record already: nothing to release"
                : $"already decided ({ProtoEnums.Name(match.State)})", RecordType, matchId.ToString()).For(Action);
        }
        var kind = context.Matching.KindOf(match.RecordType);
        if (kind.AccessOf(context.Db, match.RecordId) is not { Withdrawn: false })
        {
            throw HubException.FailedPrecondition("match_id", "the matched record is withdrawn", RecordType, matchId.ToString()).For(Action);
        }
        var released = request.Release ? kind.Release(context, match.RecordId, match.AskingCountry, request.Reason) : null;
        match.State = request.Release ? MatchState.Released : MatchState.Refused;
        match.DecidedAtUtc = context.NowUtc;
        match.DecidedBy = caller.Name ?? caller.Subject;
        match.DecisionReason = request.Reason;
        context.RecordId = match.Id.ToString();
        MatchFeed.Raise(context, match, request.Release ? MatchEventTypes.Released : MatchEventTypes.Refused, match.AskingCountry,
            Without(MatchViews.ForAsker(match)), match.OwnerCountry);
        return () =>
        {
            released?.Invoke();
            context.Audit(Action, RecordType, match.Id.ToString(), $"{match.RecordType} {match.RecordId} to {match.AskingCountry}: {ProtoEnums.Name(match.State)}");
            return MatchViews.ForOwner(match, readsAskingRecord: false);
        };
    }

    /// <summary>What both sides hear of a decision: not the asker's own record (the owner may not read it).</summary>
    private static Match Without(Match view)
    {
        view.AskingRecord = null;
        return view;
    }
}
