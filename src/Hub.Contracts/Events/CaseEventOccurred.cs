namespace Hub.Contracts.Events;

// The namespace and name of this record are the wire name of its exchange on RabbitMQ
// (Hub.Contracts.Events:CaseEventOccurred): moving or renaming it breaks every subscriber.

/// <summary>
/// Published for every event in a case (opened, updated, message posted, receipt changed,
/// forward requested or decided, reply overdue). Who receives it is decided when it is
/// sent, from the record's current state, never carried here.
/// </summary>
/// <param name="EventId">Unique per event; subscribers de-duplicate on it.</param>
/// <param name="Sequence">Position in the case event feed.</param>
/// <param name="CaseId">The case.</param>
/// <param name="Type">e.g. message.posted.</param>
/// <param name="EventJson">The event as proto3 JSON of <c>hub.v1.CaseEvent</c>.</param>
public sealed record CaseEventOccurred(
    Guid EventId,
    long Sequence,
    Guid CaseId,
    string Type,
    string EventJson);
