using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Hub.Client;
using Hub.Contracts.V1;


namespace Hub.Load.Data;

/// <summary>The alerts the tool posts, stores and broadcasts.</summary>
internal static class SampleFeed
{
    /// <summary>The hub's own JSON settings for stored and pushed alerts (ProtoJson.Formatter).</summary>
    public static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false));

    /// <summary>The README's sample (12.4 kg heroin and 850 g hashish at Korday) with a fresh idempotency key.</summary>
    public static PostAlertRequest Post(string country = "KAZ") => SampleAlerts.HeroinAtKorday(country);

    /// <summary>The sample as the hub stores and pushes it: proto3 JSON of a SeizureAlert with normalised quantities.</summary>
    public static string AlertJson(long sequence = 1)
    {
        var content = Post().Alert;
        foreach (var item in content.Items)
        {
            (item.NormalizedQuantity, item.NormalizedDimension) = AlertFactory.Normalize(item.Quantity, item.Unit);
        }
        return Formatter.Format(new SeizureAlert
        {
            Id = Guid.NewGuid().ToString(),
            Sequence = sequence,
            ReceivedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            Content = content,
        });
    }
}

/// <summary>
/// Realistic stored alerts for the growth scenario: the member states in proportion to their
/// share of the region's reported seizures, the substance mix of the Afghan route (heroin,
/// hashish and opium first; synthetics and precursors rarer), one to three items, the
/// distributions and handling codes liaison officers actually pick.
/// </summary>
internal static class AlertFactory
{
    private static readonly (string Code, double Weight)[] Countries =
        [("KAZ", 24), ("UZB", 17), ("TJK", 17), ("KGZ", 14), ("RUS", 16), ("TKM", 6), ("AZE", 6)];

    private static readonly (Substance Substance, double Weight, QuantityUnit Unit, double Min, double Max)[] Substances =
    [
        (Substance.Heroin, 28, QuantityUnit.Kg, 0.05, 80),
        (Substance.Hashish, 24, QuantityUnit.Kg, 0.1, 400),
        (Substance.Marijuana, 14, QuantityUnit.Kg, 0.2, 900),
        (Substance.Opium, 8, QuantityUnit.Kg, 0.1, 150),
        (Substance.RawOpium, 3, QuantityUnit.Kg, 0.5, 60),
        (Substance.PoppyStraw, 2, QuantityUnit.Kg, 1, 500),
        (Substance.Methamphetamine, 6, QuantityUnit.G, 5, 20_000),
        (Substance.Psychotropic, 7, QuantityUnit.Pills, 20, 60_000),
        (Substance.Cocaine, 2, QuantityUnit.G, 10, 5_000),
        (Substance.AceticAnhydride, 2, QuantityUnit.L, 5, 4_000),
        (Substance.OtherPrecursor, 2, QuantityUnit.L, 5, 2_000),
        (Substance.OpiumPoppy, 2, QuantityUnit.Kg, 1, 300),
    ];

    private static readonly double[] SubstanceWeights = Substances.Select(s => s.Weight).ToArray();

    private static readonly (Distribution Distribution, double Weight)[] Distributions =
        [(Distribution.Members, 58), (Distribution.MembersAndObservers, 14), (Distribution.Addressed, 18), (Distribution.Originator, 10)];

    private static readonly (HandlingCode Code, double Weight)[] HandlingCodes =
        [(HandlingCode.H0, 25), (HandlingCode.H1, 47), (HandlingCode.H2, 22), (HandlingCode.H3, 6)];

    private static readonly string[] Places =
    [
        "Korday, Zhambyl region", "Khorgos, Almaty region", "Dostyk, Abai region", "Zhibek Zholy, Turkistan region",
        "Termez, Surxondaryo", "Oybek, Tashkent region", "Dostlik, Andijan", "Nizhny Panj, Khatlon",
        "Kulma pass, Gorno-Badakhshan", "Dushanbe airport", "Osh, Kara-Suu", "Bishkek, Ak-Tilek", "Manas airport",
        "Orenburg, Sagarchin", "Troitsk, Chelyabinsk region", "Astrakhan port", "Farap, Lebap", "Turkmenbashi port",
        "Baku port", "Astara, Lankaran", "Shymkent rail station", "Aktau port",
    ];

    private static readonly string[] Agencies =
    [
        "Border Service of the National Security Committee", "Ministry of Internal Affairs, Counter-Narcotics Department",
        "Customs Committee", "Drug Control Agency", "State Customs Service", "Prosecutor General's Office",
    ];

    private static readonly string[] Summaries =
    [
        "Found in a hidden compartment of a truck during a targeted inspection at the crossing.",
        "Concealed among a consignment of dried fruit declared for export; two drivers detained.",
        "Courier detained on arrival; packages swallowed, recovered under medical supervision.",
        "Parcel intercepted at the sorting centre after a risk profile alert from the destination country.",
        "Joint operation with the neighbouring border service after an information exchange through the centre.",
        "Controlled delivery ended with the interdiction of the consignment and the arrest of the receivers.",
        "Found in a railway wagon loaded with cotton; the wagon's route matches an earlier alert.",
        "Tip-off from a member agency; vehicle stopped on the highway, driver detained.",
    ];

    private static readonly string[] Members = ["AZE", "KAZ", "KGZ", "RUS", "TJK", "TKM", "UZB"];
    private static readonly string[] Origins = ["AFG", "AFG", "AFG", "PAK", "IRN", "CHN", "TJK", "KGZ"];

    public static (double Value, QuantityDimension Dimension) Normalize(double quantity, QuantityUnit unit) => unit switch
    {
        QuantityUnit.G => (quantity / 1_000d, QuantityDimension.MassKg),
        QuantityUnit.Kg => (quantity, QuantityDimension.MassKg),
        QuantityUnit.T => (quantity * 1_000d, QuantityDimension.MassKg),
        QuantityUnit.Ml => (quantity / 1_000d, QuantityDimension.VolumeL),
        QuantityUnit.L => (quantity, QuantityDimension.VolumeL),
        _ => (quantity, QuantityDimension.Count),
    };

    private static T Pick<T>(Random rng, (T Value, double Weight)[] table)
    {
        var total = 0d;
        foreach (var (_, w) in table)
        {
            total += w;
        }
        var x = rng.NextDouble() * total;
        foreach (var (v, w) in table)
        {
            x -= w;
            if (x < 0)
            {
                return v;
            }
        }
        return table[^1].Value;
    }

    /// <summary>One stored alert's content, with normalised quantities, seized a little before <paramref name="receivedAt"/>.</summary>
    public static SeizureAlertContent Generate(Random rng, DateTime receivedAt)
    {
        var country = Pick(rng, Countries);
        var distribution = Pick(rng, Distributions);
        var handling = Pick(rng, HandlingCodes);
        var content = new SeizureAlertContent
        {
            ReportingCountry = country,
            ReportingAgency = Agencies[rng.Next(Agencies.Length)],
            SeizedAt = Timestamp.FromDateTime(receivedAt.AddMinutes(-rng.Next(30, 7 * 24 * 60))),
            Location = new SeizureLocation
            {
                Place = Places[rng.Next(Places.Length)],
                Coordinates = new GeoPoint { Latitude = Math.Round(37 + rng.NextDouble() * 18, 4), Longitude = Math.Round(48 + rng.NextDouble() * 32, 4) },
            },
            Concealment = (ConcealmentMethod)rng.Next(1, 10),
            TransportMode = (TransportMode)rng.Next(1, 7),
            Route = new TrafficRoute { OriginCountry = Origins[rng.Next(Origins.Length)], DestinationCountry = Members[rng.Next(Members.Length)] },
            Summary = Summaries[rng.Next(Summaries.Length)],
            Distribution = distribution,
            HandlingCode = handling,
        };
        if (rng.NextDouble() < 0.4)
        {
            content.Location.BorderCrossingPoint = content.Location.Place.Split(',')[0];
        }
        content.Route.TransitCountries.Add(Members[rng.Next(Members.Length)]);
        var items = rng.NextDouble() switch { < 0.7 => 1, < 0.93 => 2, _ => 3 };
        for (var i = 0; i < items; i++)
        {
            var s = Substances[PickIndex(rng, SubstanceWeights)];
            var quantity = Math.Round(s.Min + (s.Max - s.Min) * Math.Pow(rng.NextDouble(), 3), 2);
            var (normalized, dimension) = Normalize(quantity, s.Unit);
            var item = new SeizedItem { Substance = s.Substance, Quantity = quantity, Unit = s.Unit, NormalizedQuantity = normalized, NormalizedDimension = dimension };
            if (s.Substance is Substance.OtherPrecursor)
            {
                item.SubstanceDetail = "ephedrine";
            }
            content.Items.Add(item);
        }
        var detained = rng.Next(0, 4);
        if (detained > 0)
        {
            content.Detentions = new Detentions { Count = detained, Nationalities = { country } };
        }
        content.Identifiers.Add(new Identifier { Kind = IdentifierKind.VehiclePlate, Value = $"{rng.Next(1, 99):00}{country[..2]}{rng.Next(100, 999)}{(char)('A' + rng.Next(26))}{(char)('A' + rng.Next(26))}" });
        if (distribution == Distribution.Addressed)
        {
            var addressee = Members[rng.Next(Members.Length)];
            content.AddressedCountries.Add(addressee == country ? "RUS" : addressee);
            if (rng.NextDouble() < 0.3)
            {
                content.AddressedCountries.Add("INTERPOL");
            }
        }
        if (handling == HandlingCode.H3)
        {
            content.HandlingRestrictions = "Not to be shared with third countries; evidential use only with the originator's written consent.";
        }
        return content;
    }

    private static int PickIndex(Random rng, double[] weights)
    {
        var total = 0d;
        foreach (var w in weights)
        {
            total += w;
        }
        var x = rng.NextDouble() * total;
        for (var i = 0; i < weights.Length; i++)
        {
            x -= weights[i];
            if (x < 0)
            {
                return i;
            }
        }
        return weights.Length - 1;
    }
}
