namespace Hub.Contracts.Events;

// The namespace and name of this record are the wire name of its exchange on RabbitMQ
// (Hub.Contracts.Events:MatchEventOccurred): moving or renaming it breaks every subscriber.

/// <summary>Published for every event of the match feed, for one side of a match.</summary>
/// <param name="EventId">Unique per event; subscribers de-duplicate on it.</param>
/// <param name="Sequence">Position in the match event feed.</param>
/// <param name="MatchId">The match.</param>
/// <param name="Type">found, checked, released or refused.</param>
/// <param name="Audience">The country this side's event is for.</param>
/// <param name="AlsoTo">The other side, when both hear the same thing (a decision); empty otherwise.</param>
/// <param name="EventJson">The event as proto3 JSON of <c>hub.v1.MatchEvent</c>.</param>
public sealed record MatchEventOccurred(
    Guid EventId,
    long Sequence,
    Guid MatchId,
    string Type,
    string Audience,
    string AlsoTo,
    string EventJson);
