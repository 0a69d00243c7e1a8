using Google.Protobuf.WellKnownTypes;
using Hub.Contracts.Events;
using Hub.Contracts.V1;
using Hub.Server.Records;

namespace Hub.Server.Matching;

public static class MatchEventTypes
{
    public const string Found = "found";
    public const string Checked = "checked";
    public const string Released = "released";
    public const string Refused = "refused";
}

/// <summary>The match feed's events, raised through the record pipeline like every feed's.</summary>
public static class MatchFeed
{
    public const string RecordType = "match";

    /// <summary>
    /// An event for one side of a match (<paramref name="audience"/>, and <paramref name="alsoTo"/>
    /// when both hear the same), carrying <paramref name="view"/>: what that side may know.
    /// </summary>
    public static void Raise(RecordContext context, MatchRecord match, string type, string audience, Match view, string alsoTo = "")
    {
        var row = new MatchEventRow { EventId = Guid.CreateVersion7(), MatchId = match.Id, Type = type, Audience = audience, AlsoTo = alsoTo, AtUtc = context.NowUtc };
        context.Raise(row, r =>
        {
            var payload = new MatchEvent
            {
                EventId = r.EventId.ToString(),
                Sequence = r.Sequence,
                Type = type,
                Match = view,
                OccurredAt = Timestamp.FromDateTime(DateTime.SpecifyKind(context.NowUtc, DateTimeKind.Utc)),
            };
            r.PayloadJson = ProtoJson.Formatter.Format(payload);
            return new MatchEventOccurred(r.EventId, r.Sequence, match.Id, type, audience, alsoTo, r.PayloadJson);
        });
    }
}

/// <summary>A match as each side may know it.</summary>
public static class MatchViews
{
    /// <summary>The owner's view: its own record; the asking record only when the owner may read it.</summary>
    public static Match ForOwner(MatchRecord m, bool readsAskingRecord)
    {
        var view = Common(m);
        view.Record = new RecordRef { RecordType = m.RecordType, RecordId = m.RecordId };
        if (readsAskingRecord && m.AskingRecordId.Length > 0)
        {
            view.AskingRecord = new RecordRef { RecordType = m.AskingRecordType, RecordId = m.AskingRecordId };
        }
        return view;
    }

    /// <summary>The asking country's view: its own record; the owner's only once it may read it.</summary>
    public static Match ForAsker(MatchRecord m)
    {
        var view = Common(m);
        if (m.State is MatchState.Readable or MatchState.Released)
        {
            view.Record = new RecordRef { RecordType = m.RecordType, RecordId = m.RecordId };
        }
        if (m.AskingRecordId.Length > 0)
        {
            view.AskingRecord = new RecordRef { RecordType = m.AskingRecordType, RecordId = m.AskingRecordId };
        }
        return view;
    }

    /// <summary>The centre's view: everything.</summary>
    public static Match ForCentre(MatchRecord m)
    {
        var view = ForOwner(m, readsAskingRecord: true);
        return view;
    }

    private static Match Common(MatchRecord m)
    {
        var view = new Match
        {
            MatchId = m.Id.ToString(),
            Origin = m.Origin,
            AskingCountry = m.AskingCountry,
            OwnerCountry = m.OwnerCountry,
            KeyKind = m.KeyKind,
            State = m.State,
            FoundAt = Timestamp.FromDateTime(DateTime.SpecifyKind(m.FoundAtUtc, DateTimeKind.Utc)),
            DecisionReason = m.DecisionReason,
            Purpose = m.Purpose,
        };
        if (m.DecidedAtUtc is { } decided)
        {
            view.DecidedAt = Timestamp.FromDateTime(DateTime.SpecifyKind(decided, DateTimeKind.Utc));
        }
        return view;
    }
}
