using Google.Protobuf.WellKnownTypes;
using Hub.Contracts.V1;

namespace Hub.Client;

/// <summary>
/// A realistic alert for demonstrations and tests, shaped after the report's Kazakh–Kyrgyz
/// cases: heroin in a truck's hidden compartment at the Korday crossing.
/// </summary>
public static class SampleAlerts
{
    public static PostAlertRequest HeroinAtKorday(string reportingCountry = "KAZ", string? idempotencyKey = null) => new()
    {
        IdempotencyKey = idempotencyKey ?? Guid.NewGuid().ToString(),
        Alert = new SeizureAlertContent
        {
            ReportingCountry = reportingCountry,
            ReportingAgency = "Border Service of the National Security Committee",
            SeizedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-2)),
            Location = new SeizureLocation
            {
                Place = "Korday, Zhambyl region",
                BorderCrossingPoint = "Korday",
                Coordinates = new GeoPoint { Latitude = 43.0381, Longitude = 74.7106 },
            },
            Items =
            {
                new SeizedItem { Substance = Substance.Heroin, Quantity = 12.4, Unit = QuantityUnit.Kg },
                new SeizedItem { Substance = Substance.Hashish, Quantity = 850, Unit = QuantityUnit.G },
            },
            Concealment = ConcealmentMethod.VehicleCompartment,
            TransportMode = TransportMode.Road,
            Route = new TrafficRoute { OriginCountry = "AFG", TransitCountries = { "TJK", "KGZ" }, DestinationCountry = "RUS" },
            Detentions = new Detentions { Count = 2, Nationalities = { "KGZ", "KAZ" } },
            Identifiers = { new Identifier { Kind = IdentifierKind.VehiclePlate, Value = "01KG123ABC" } },
            Summary = "Heroin found in a hidden compartment of a truck carrying onions from Bishkek.",
            Distribution = Distribution.Members,
            HandlingCode = HandlingCode.H1,
        },
    };
}
