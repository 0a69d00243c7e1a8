using Hub.Contracts.Events;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Data;
using Hub.Server.LiveFeed;
using Hub.Server.Messaging;
using Hub.Server.Records;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Matching;

/// <summary>
/// The match feed. Each event is one side's (its row names the country it is for), so its
/// access is that country and the centre: the policy decides at send time like any feed's.
/// </summary>
public sealed class MatchFeedKind(TimeProvider clock) : IAnnouncedFeed<MatchEventOccurred, MatchEvent>
{
    public string Name => MatchFeed.RecordType;
    public string SignalRMethod => FeedHub.MatchEventMethod;

    public static RecordAccess AccessOf(string audience, string alsoTo) =>
        new(audience, Distribution.Addressed, alsoTo.Length == 0 ? [] : [alsoTo]);

    public async Task<IReadOnlyList<FeedItem<MatchEvent>>> ReadAsync(HubDbContext db, FeedQuery query, CancellationToken ct)
    {
        var rows = db.Set<MatchEventRow>().AsNoTracking();
        if (!query.Caller.IsCentreStaff)
        {
            // A database filter before the policy decides: only this country's side.
            var country = query.Caller.Country;
            rows = rows.Where(e => e.Audience == country || e.AlsoTo == country);
        }
        var page = await FeedEventRows.PageAsync(rows, query, ct);
        return [.. page.Select(r => Item(ProtoJson.Parser.Parse<MatchEvent>(r.PayloadJson), r.Audience, r.AlsoTo))];
    }

    /// <summary>Live events with the side each is for, read from their rows (one query).</summary>
    public async Task<IReadOnlyList<FeedItem<MatchEvent>>> ResolveAsync(HubDbContext db, IReadOnlyList<MatchEvent> events, CancellationToken ct)
    {
        var ids = events.Select(e => Guid.Parse(e.EventId)).ToList();
        var sides = await db.Set<MatchEventRow>().AsNoTracking().Where(e => ids.Contains(e.EventId))
            .ToDictionaryAsync(e => e.EventId, e => (e.Audience, e.AlsoTo), ct);
        // An event whose row cannot be read goes to the centre only.
        return [.. events.Select(e => sides.TryGetValue(Guid.Parse(e.EventId), out var side)
            ? Item(e, side.Audience, side.AlsoTo)
            : Item(e, "", ""))];
    }

    private static FeedItem<MatchEvent> Item(MatchEvent e, string audience, string alsoTo) =>
        new(e.Sequence, Guid.Parse(e.EventId), e, AccessOf(audience, alsoTo), MatchFeed.RecordType, e.Match.MatchId, e.Match.MatchId);

    public object SignalRPayload(FeedItem<MatchEvent> item, MatchEvent projected) => ProtoJson.Element(projected);

    public FeedAnnouncement<MatchEvent> Read(MatchEventOccurred message) =>
        new(message.EventId, message.Sequence, ProtoJson.Parser.Parse<MatchEvent>(message.EventJson), "match." + message.Type, clock.GetUtcNow());

    public CountryEvent ToCountryEvent(FeedAnnouncement<MatchEvent> announcement, MatchEvent projected) =>
        new(CountryQueues.Schema, announcement.EventId, announcement.CountryEventType, announcement.Sequence, announcement.OccurredAt, null) { Match = ProtoJson.Element(projected) };
}
