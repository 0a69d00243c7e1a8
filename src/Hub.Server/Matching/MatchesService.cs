using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Audit;
using Hub.Server.Data;
using Hub.Server.ErrorHandling;
using Hub.Server.Records;
using Hub.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Matching;

/// <summary>The <c>hub.v1.Matches</c> gRPC service: checks, the matches of a country, release decisions, the match feed.</summary>
public sealed class MatchesService(
    HubDbContext db,
    AccessPolicy policy,
    GroupCommit writes,
    RecordPipeline pipeline,
    MatchIndex index,
    FeedWatcher watcher,
    MatchFeedKind kind,
    NodeFeed<FeedItem<MatchEvent>> feed) : Contracts.V1.Matches.MatchesBase
{
    public const int MaxPageSize = 200;
    public const int MaxPurpose = 200;

    private static Caller CallerOf(ServerCallContext context) => Caller.From(context.GetHttpContext().User);

    public override async Task<CheckResponse> Check(CheckRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        if (request.Identifiers.Count + request.Persons.Count == 0)
        {
            errors.Add("identifiers", "give at least one identifier or person to check");
        }
        RecordParts.ValidateIdentifiers(request.Identifiers, "identifiers", errors);
        RecordParts.ValidatePersons(request.Persons, "persons", errors);
        TextFields.Text(request.Purpose, "purpose", MaxPurpose, errors, singleLine: true);
        errors.ThrowIfAny();
        var caller = CallerOf(context);
        var decision = policy.CanCheck(caller);
        if (!decision.Allowed)
        {
            throw HubException.Denied(decision.Reason).For("match.check");
        }
        var keys = index.Keys;
        var items = new List<CheckItem>();
        for (var i = 0; i < request.Identifiers.Count; i++)
        {
            var identifier = request.Identifiers[i];
            var term = MatchTerms.Of(identifier, caller.Country);
            items.Add(new CheckItem($"identifiers[{i}]", MatchTerms.KindOf(identifier.Kind), null,
                term is { } t ? [.. keys.Hashes(t.Canonical)] : [], term is null ? MatchTerms.Unmatchable(identifier, caller.Country) : null));
        }
        for (var i = 0; i < request.Persons.Count; i++)
        {
            var person = request.Persons[i];
            var terms = MatchTerms.Of(person).ToList();
            items.Add(new CheckItem($"persons[{i}]", MatchKeyKind.PersonName, person, [.. terms.SelectMany(t => keys.Hashes(t.Canonical))],
                terms.Count == 0 ? "a name needs a surname and a given name to be matched" : null));
        }
        return await pipeline.WriteAsync(caller, new CheckChange(caller, request.Purpose, items), context.CancellationToken);
    }

    public override async Task<ListMatchesResponse> ListMatches(ListMatchesRequest request, ServerCallContext context)
    {
        if (request.PageSize is < 0 or > MaxPageSize)
        {
            throw HubException.Invalid("page_size", $"must be between 0 and {MaxPageSize}");
        }
        var caller = CallerOf(context);
        var decision = policy.CanCheck(caller);
        if (!decision.Allowed)
        {
            throw HubException.Denied(decision.Reason).For("match.list");
        }
        var country = caller.Country;
        var centre = caller.IsCentreStaff;
        var matches = db.Set<MatchRecord>().AsNoTracking();
        matches = request.PendingOnly
            ? matches.Where(m => m.OwnerCountry == country && m.State == MatchState.Pending)
            : centre ? matches : matches.Where(m => m.OwnerCountry == country || m.AskingCountry == country);
        var page = await matches.OrderByDescending(m => m.FoundAtUtc).Take(request.PageSize == 0 ? 50 : request.PageSize).ToListAsync(context.CancellationToken);
        var response = new ListMatchesResponse();
        response.Matches.AddRange(page.Select(m => ViewFor(caller, m)));
        await writes.AuditAsync(new AuditEvent(caller, Channels.Grpc, "match.list", AuditOutcomes.Allowed, MatchFeed.RecordType, Detail: $"{page.Count} listed"), context.CancellationToken);
        return response;
    }

    /// <summary>A match as the caller's side may know it.</summary>
    private Match ViewFor(Caller caller, MatchRecord m)
    {
        if (caller.IsCentreStaff)
        {
            return MatchViews.ForCentre(m);
        }
        if (m.OwnerCountry != caller.Country)
        {
            return MatchViews.ForAsker(m);
        }
        var reads = m.AskingRecordId.Length > 0 && index.KindOf(m.AskingRecordType).AccessOf(db, m.AskingRecordId) is { } asking && policy.CanRead(caller, asking.Access);
        return MatchViews.ForOwner(m, reads);
    }

    public override Task<Match> DecideRelease(DecideReleaseRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        if (!Guid.TryParse(request.MatchId, out var matchId))
        {
            errors.Add("match_id", request.MatchId.Length == 0 ? "required" : "must be a UUID");
        }
        RevisionFields.Reason(request.Reason, "reason", errors);
        TextFields.IdempotencyKey(request.IdempotencyKey, errors, required: false);
        errors.ThrowIfAny();
        var caller = CallerOf(context);
        return pipeline.WriteAsync(caller, new DecideReleaseChange(caller, request, matchId), context.CancellationToken);
    }

    public override Task WatchMatches(WatchMatchesRequest request, IServerStreamWriter<MatchEvent> responseStream, ServerCallContext context)
    {
        if (request.AfterSequence < 0)
        {
            throw HubException.Invalid("after_sequence", "must be zero or more");
        }
        return watcher.WatchAsync(kind, feed, request.AfterSequence, null, responseStream, context);
    }
}
