using Google.Protobuf.WellKnownTypes;
using Hub.Contracts.V1;

namespace Hub.Tests.Deliveries;

public sealed class DeliveryTestKit(HubFactory hub)
{
    private readonly Dictionary<string, ControlledDeliveries.ControlledDeliveriesClient> _clients = [];

    public async Task<ControlledDeliveries.ControlledDeliveriesClient> AsAsync(string country)
    {
        if (!_clients.TryGetValue(country, out var client))
        {
            client = new ControlledDeliveries.ControlledDeliveriesClient(hub.CreateGrpcChannel(await hub.PersonTokenAsync($"liaison.{country.ToLowerInvariant()}")));
            _clients[country] = client;
        }
        return client;
    }

    /// <summary>Heroin from Tajikistan through Kyrgyzstan and Kazakhstan to Russia.</summary>
    public static ProposeDeliveryRequest Route(params string[] countries)
    {
        countries = countries.Length == 0 ? ["TJK", "KGZ", "KAZ", "RUS"] : countries;
        var request = new ProposeDeliveryRequest
        {
            IdempotencyKey = "cd-" + Guid.NewGuid().ToString("N")[..20],
            InitiatingCountry = countries[0],
            Title = "Heroin in a truck of dried apricots",
            Consignment = { new SeizedItem { Substance = Substance.Heroin, Quantity = 42, Unit = QuantityUnit.Kg } },
            Identifiers = { new Identifier { Kind = IdentifierKind.VehiclePlate, Value = "0123TJ01" } },
            Suspects = "Driver and escort, Tajik nationals.",
            HandlingCode = HandlingCode.H2,
        };
        var crossings = new Dictionary<string, string> { ["KGZ"] = "Karamyk", ["KAZ"] = "Korday", ["RUS"] = "Zhaisan" };
        var start = DateTimeOffset.UtcNow.AddHours(2);
        for (var i = 0; i < countries.Length; i++)
        {
            request.Legs.Add(new RouteLeg
            {
                Country = countries[i],
                EntryCrossingPoint = i == 0 ? "" : crossings.GetValueOrDefault(countries[i], "border post"),
                ExpectedEntryAt = Timestamp.FromDateTimeOffset(start.AddHours(10 * i)),
                ExpectedExitAt = Timestamp.FromDateTimeOffset(start.AddHours(10 * i + 8)),
            });
        }
        return request;
    }

    /// <summary>Proposed, accepted by every route country, started.</summary>
    public async Task<ControlledDelivery> ActiveAsync(params string[] countries)
    {
        var request = Route(countries);
        var proposed = await (await AsAsync(request.InitiatingCountry)).ProposeAsync(request);
        foreach (var leg in request.Legs.Skip(1))
        {
            await (await AsAsync(leg.Country)).RespondAsync(new RespondRequest { DeliveryId = proposed.Id, Accept = true });
        }
        return await (await AsAsync(request.InitiatingCountry)).StartAsync(new DeliveryRef { DeliveryId = proposed.Id });
    }
}
