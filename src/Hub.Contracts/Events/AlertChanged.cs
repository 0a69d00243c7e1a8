namespace Hub.Contracts.Events;

// The namespace and name of this record are the wire name of its exchange on RabbitMQ
// (Hub.Contracts.Events:AlertChanged): moving or renaming it breaks every subscriber.

/// <summary>
/// Published once a change to a stored alert — a correction, a release change, a
/// withdrawal — has been stored. It carries no content: every subscriber renders the alert
/// from its current state when it sends it on, so that a withdrawn alert's content never
/// travels again.
/// </summary>
/// <param name="EventId">Unique per event; subscribers de-duplicate on it.</param>
/// <param name="AlertId">The alert's id.</param>
/// <param name="Sequence">The event's position in the alert feed, after the alert's own.</param>
/// <param name="Type">corrected, released or withdrawn.</param>
/// <param name="OccurredAt">When the change was stored.</param>
public sealed record AlertChanged(Guid EventId, Guid AlertId, long Sequence, string Type, DateTimeOffset OccurredAt);
