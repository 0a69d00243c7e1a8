using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hub.Tests.Api;

/// <summary>
/// The console's HTTP/JSON API: the gRPC services transcoded, with the same rules (it is the
/// same code) and problem documents for errors.
/// </summary>
public sealed class HttpApiTests(HubFactory hub) : IClassFixture<HubFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<HttpClient> AsAsync(string person)
    {
        var http = hub.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await hub.PersonTokenAsync(person));
        return http;
    }

    private static JsonObject Alert(string country = "KAZ", double quantity = 12.5) => new()
    {
        ["idempotencyKey"] = Guid.NewGuid().ToString(),
        ["alert"] = new JsonObject
        {
            ["reportingCountry"] = country,
            ["reportingAgency"] = "Committee of National Security",
            ["seizedAt"] = DateTimeOffset.UtcNow.AddHours(-1).ToString("O"),
            ["location"] = new JsonObject { ["place"] = "Korday", ["coordinates"] = new JsonObject { ["latitude"] = 43.04, ["longitude"] = 74.71 } },
            ["items"] = new JsonArray(new JsonObject { ["substance"] = "SUBSTANCE_HEROIN", ["quantity"] = quantity, ["unit"] = "QUANTITY_UNIT_KG" }),
            ["distribution"] = "DISTRIBUTION_MEMBERS",
            ["handlingCode"] = "HANDLING_CODE_H1",
        },
    };

    [Fact]
    public async Task A_liaison_officer_posts_an_alert_as_JSON_and_others_read_it()
    {
        using var kazakh = await AsAsync("liaison.kaz");

        using var posted = await kazakh.PostAsJsonAsync(new Uri("/api/v1/alerts", UriKind.Relative), Alert(), Ct);

        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var body = JsonNode.Parse(await posted.Content.ReadAsStringAsync(Ct))!;
        var id = body["alert"]!["id"]!.GetValue<string>();
        Assert.Equal(12.5, body["alert"]!["content"]!["items"]![0]!["normalizedQuantity"]!.GetValue<double>());
        using var kyrgyz = await AsAsync("liaison.kgz");
        var read = JsonNode.Parse(await kyrgyz.GetStringAsync(new Uri($"/api/v1/alerts/{id}", UriKind.Relative), Ct))!;
        Assert.Equal("KAZ", read["content"]!["reportingCountry"]!.GetValue<string>());
        var list = JsonNode.Parse(await kyrgyz.GetStringAsync(new Uri("/api/v1/alerts?reportingCountry=KAZ&pageSize=5", UriKind.Relative), Ct))!;
        Assert.Contains(list["alerts"]!.AsArray(), a => a!["id"]!.GetValue<string>() == id);
    }

    [Fact]
    public async Task Invalid_input_is_a_400_problem_document_naming_each_field()
    {
        using var kazakh = await AsAsync("liaison.kaz");
        var alert = Alert(quantity: -1);
        alert["alert"]!["location"]!["place"] = "";

        using var response = await kazakh.PostAsJsonAsync(new Uri("/api/v1/alerts", UriKind.Relative), alert, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var errors = problem.RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("alert.items[0].quantity", out _));
        Assert.True(errors.TryGetProperty("alert.location.place", out _));
        Assert.Equal(3, problem.RootElement.GetProperty("grpcStatus").GetInt32());
    }

    [Fact]
    public async Task The_API_needs_a_token_in_the_header_and_hides_what_the_caller_may_not_see()
    {
        using var anonymous = hub.CreateClient();
        using var noToken = await anonymous.GetAsync(new Uri("/api/v1/alerts", UriKind.Relative), Ct);
        using var queryToken = await anonymous.GetAsync(new Uri("/api/v1/alerts?access_token=" + await hub.PersonTokenAsync("operator"), UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, queryToken.StatusCode);

        using var kazakh = await AsAsync("liaison.kaz");
        var originatorOnly = Alert();
        originatorOnly["alert"]!["distribution"] = "DISTRIBUTION_ORIGINATOR";
        using var posted = await kazakh.PostAsJsonAsync(new Uri("/api/v1/alerts", UriKind.Relative), originatorOnly, Ct);
        var id = JsonNode.Parse(await posted.Content.ReadAsStringAsync(Ct))!["alert"]!["id"]!.GetValue<string>();
        using var uzbek = await AsAsync("liaison.uzb");
        using var hidden = await uzbek.GetAsync(new Uri($"/api/v1/alerts/{id}", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal("application/problem+json", hidden.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task People_land_on_the_console()
    {
        using var http = hub.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var root = await http.GetAsync(new Uri("/", UriKind.Relative), Ct);

        Assert.Equal("/console/", root.Headers.Location?.ToString());
    }
}
