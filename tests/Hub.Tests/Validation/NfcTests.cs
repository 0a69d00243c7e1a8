using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hub.Client;
using Hub.Contracts.V1;

namespace Hub.Tests.Validation;

/// <summary>
/// Text is stored in Unicode NFC whatever the sender's keyboard made of it (issue 13): "Қордай"
/// typed with a combining mark and with the precomposed letter is one place, on every channel.
/// </summary>
public sealed class NfcTests(HubFactory hub) : IClassFixture<HubFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Decomposed: и + combining breve (NFC: й), е + combining diaeresis (NFC: ё).
    private const string Decomposed = "Пограничная служба, пост Жаны\u0438\u0306ол, е\u0308";
    private const string Composed = "Пограничная служба, пост Жаныйол, ё";

    [Fact]
    public async Task A_decomposed_name_posted_over_gRPC_is_stored_and_read_composed_in_nested_and_repeated_fields()
    {
        var request = SampleAlerts.HeroinAtKorday("KAZ");
        request.Alert.ReportingAgency = Decomposed;
        request.Alert.Identifiers.Add(new Identifier { Kind = IdentifierKind.Other, Value = "Ои\u0306бек" });
        Assert.NotEqual(Composed, Decomposed);

        var posted = await (await hub.AgencyAlertsClientAsync("KAZ")).PostAlertAsync(request, cancellationToken: Ct);
        var read = await (await hub.OperatorAlertsClientAsync()).GetAlertAsync(new GetAlertRequest { Id = posted.Alert.Id }, cancellationToken: Ct);

        Assert.Equal(Composed, read.Content.ReportingAgency);
        Assert.Equal("Ойбек", read.Content.Identifiers[^1].Value);
    }

    [Fact]
    public async Task A_decomposed_name_posted_as_JSON_is_stored_composed()
    {
        using var http = hub.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await hub.PersonTokenAsync("liaison.kgz"));
        var alert = new JsonObject
        {
            ["idempotencyKey"] = Guid.NewGuid().ToString(),
            ["alert"] = new JsonObject
            {
                ["reportingCountry"] = "KGZ",
                ["reportingAgency"] = Decomposed,
                ["seizedAt"] = DateTimeOffset.UtcNow.AddHours(-1).ToString("O"),
                ["location"] = new JsonObject { ["place"] = "Караке\u0308л" },
                ["items"] = new JsonArray(new JsonObject { ["substance"] = "SUBSTANCE_HASHISH", ["quantity"] = 3, ["unit"] = "QUANTITY_UNIT_KG" }),
                ["distribution"] = "DISTRIBUTION_MEMBERS",
                ["handlingCode"] = "HANDLING_CODE_H1",
            },
        };

        using var posted = await http.PostAsJsonAsync(new Uri("/api/v1/alerts", UriKind.Relative), alert, Ct);
        posted.EnsureSuccessStatusCode();
        var id = JsonNode.Parse(await posted.Content.ReadAsStringAsync(Ct))!["alert"]!["id"]!.GetValue<string>();
        var read = await (await hub.OperatorAlertsClientAsync()).GetAlertAsync(new GetAlertRequest { Id = id }, cancellationToken: Ct);

        Assert.Equal(Composed, read.Content.ReportingAgency);
        Assert.Equal("Каракёл", read.Content.Location.Place);
    }
}
