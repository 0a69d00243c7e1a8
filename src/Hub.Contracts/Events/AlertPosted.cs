namespace Hub.Contracts.Events;

// The namespace and name of this record are the wire name of its exchange on RabbitMQ
// (Hub.Contracts.Events:AlertPosted): moving or renaming it breaks every subscriber.

/// <summary>
/// Published once a seizure alert has been stored. Carries the access attributes every
/// subscriber filters on, and the alert itself as canonical proto3 JSON of
/// <c>hub.v1.SeizureAlert</c> so that it is serialised once and read the same way by
/// .NET nodes, browsers and member agencies' systems.
/// </summary>
/// <param name="EventId">Unique per event; subscribers de-duplicate on it.</param>
/// <param name="AlertId">The alert's id.</param>
/// <param name="Sequence">The alert's position in the feed (strictly increasing).</param>
/// <param name="ReportingCountry">ISO 3166-1 alpha-3 of the originator.</param>
/// <param name="Distribution">The proto enum name, e.g. DISTRIBUTION_MEMBERS.</param>
/// <param name="AddressedCountries">Countries named when the distribution is ADDRESSED.</param>
/// <param name="HandlingCode">The proto enum name, e.g. HANDLING_CODE_H2.</param>
/// <param name="AlertJson">The stored alert as proto3 JSON.</param>
public sealed record AlertPosted(
    Guid EventId,
    Guid AlertId,
    long Sequence,
    string ReportingCountry,
    string Distribution,
    IReadOnlyList<string> AddressedCountries,
    string HandlingCode,
    string AlertJson);
