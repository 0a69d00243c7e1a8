namespace Hub.Contracts.Events;

// The namespace and name of this record are the wire name of its exchange on RabbitMQ
// (Hub.Contracts.Events:DeliveryEventOccurred): moving or renaming it breaks every subscriber.

/// <summary>Published for every step of a controlled delivery, with its route countries.</summary>
/// <param name="EventId">Unique per event; subscribers de-duplicate on it.</param>
/// <param name="Sequence">Position in the delivery event feed.</param>
/// <param name="DeliveryId">The operation.</param>
/// <param name="Type">e.g. handover.taken.</param>
/// <param name="EventJson">The event as proto3 JSON of <c>hub.v1.DeliveryEvent</c>.</param>
public sealed record DeliveryEventOccurred(
    Guid EventId,
    long Sequence,
    Guid DeliveryId,
    string Type,
    string EventJson);
