using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hub.Tests.Matching;

/// <summary>The console's HTTP/JSON routes of hub.v1.Matches: a check, the list, a decision, and problem documents naming JSON fields.</summary>
public sealed class MatchingHttpTests(HubFactory hub) : IClassFixture<HubFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<HttpClient> AsAsync(string person)
    {
        var http = hub.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await hub.PersonTokenAsync(person));
        return http;
    }

    [Fact]
    public async Task An_officer_checks_lists_and_the_owner_refuses_over_JSON()
    {
        var plate = "KG" + System.Security.Cryptography.RandomNumberGenerator.GetInt32(100_000, 999_999);
        using var kyrgyz = await AsAsync("liaison.kgz");
        var alert = new JsonObject
        {
            ["idempotencyKey"] = Guid.NewGuid().ToString(),
            ["alert"] = new JsonObject
            {
                ["reportingCountry"] = "KGZ",
                ["reportingAgency"] = "State Service for Drug Control",
                ["seizedAt"] = DateTimeOffset.UtcNow.AddHours(-1).ToString("O"),
                ["location"] = new JsonObject { ["place"] = "Osh" },
                ["items"] = new JsonArray(new JsonObject { ["substance"] = "SUBSTANCE_HASHISH", ["quantity"] = 3, ["unit"] = "QUANTITY_UNIT_KG" }),
                ["identifiers"] = new JsonArray(new JsonObject { ["kind"] = "IDENTIFIER_KIND_VEHICLE_PLATE", ["value"] = plate }),
                ["distribution"] = "DISTRIBUTION_ORIGINATOR",
                ["handlingCode"] = "HANDLING_CODE_H1",
            },
        };
        using (var posted = await kyrgyz.PostAsJsonAsync(new Uri("/api/v1/alerts", UriKind.Relative), alert, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        using var kazakh = await AsAsync("liaison.kaz");
        using var checkedResponse = await kazakh.PostAsJsonAsync(new Uri("/api/v1/matches/checks", UriKind.Relative), new JsonObject
        {
            ["identifiers"] = new JsonArray(new JsonObject { ["kind"] = "IDENTIFIER_KIND_VEHICLE_PLATE", ["value"] = plate.ToLowerInvariant() }),
            ["purpose"] = "case KZ-7",
        }, Ct);
        Assert.Equal(HttpStatusCode.OK, checkedResponse.StatusCode);
        var result = JsonNode.Parse(await checkedResponse.Content.ReadAsStringAsync(Ct))!["results"]![0]!;
        Assert.True(result["hit"]!.GetValue<bool>());
        var matchId = result["hits"]![0]!["matchId"]!.GetValue<string>();
        Assert.Null(result["hits"]![0]!["record"]);

        var pending = JsonNode.Parse(await kyrgyz.GetStringAsync(new Uri("/api/v1/matches?pendingOnly=true", UriKind.Relative), Ct))!;
        Assert.Contains(pending["matches"]!.AsArray(), m => m!["matchId"]!.GetValue<string>() == matchId);

        using var refused = await kyrgyz.PostAsJsonAsync(new Uri($"/api/v1/matches/{matchId}/decision", UriKind.Relative),
            new JsonObject { ["release"] = false, ["reason"] = "source protection" }, Ct);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var seen = JsonNode.Parse(await kazakh.GetStringAsync(new Uri("/api/v1/matches", UriKind.Relative), Ct))!["matches"]!.AsArray()
            .Single(m => m!["matchId"]!.GetValue<string>() == matchId)!;
        Assert.Equal("MATCH_STATE_REFUSED", seen["state"]!.GetValue<string>());
        Assert.Equal("source protection", seen["decisionReason"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_bad_check_is_a_400_naming_the_JSON_fields()
    {
        using var kazakh = await AsAsync("liaison.kaz");
        using var response = await kazakh.PostAsJsonAsync(new Uri("/api/v1/matches/checks", UriKind.Relative), new JsonObject
        {
            ["persons"] = new JsonArray(new JsonObject { ["name"] = "X", ["nationality"] = "kz" }),
            ["purpose"] = "",
        }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var errors = problem.RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("persons[0].name", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("persons[0].nationality", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("purpose", out _), errors.ToString());
    }
}
