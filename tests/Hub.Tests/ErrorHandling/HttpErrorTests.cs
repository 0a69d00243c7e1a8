using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hub.Tests.ErrorHandling;

/// <summary>
/// The same errors over HTTP/JSON: RFC 9457 problem documents whose <c>errors</c> are keyed by
/// the JSON paths the client sent, built from the BadRequest details (or, for a body
/// transcoding could not read, from the body), with the gRPC code kept.
/// </summary>
public sealed class HttpErrorTests(HubFactory hub) : IClassFixture<HubFactory>
{
    private static readonly Uri Alerts = new("/api/v1/alerts", UriKind.Relative);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<HttpClient> AsAsync(string person)
    {
        var http = hub.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await hub.PersonTokenAsync(person));
        return http;
    }

    private static JsonObject Alert(string country = "KAZ") => new()
    {
        ["idempotencyKey"] = Guid.NewGuid().ToString(),
        ["alert"] = new JsonObject
        {
            ["reportingCountry"] = country,
            ["reportingAgency"] = "Committee of National Security",
            ["seizedAt"] = DateTimeOffset.UtcNow.AddHours(-1).ToString("O"),
            ["location"] = new JsonObject { ["place"] = "Korday" },
            ["items"] = new JsonArray(new JsonObject { ["substance"] = "SUBSTANCE_HEROIN", ["quantity"] = 12.5, ["unit"] = "QUANTITY_UNIT_KG" }),
            ["distribution"] = "DISTRIBUTION_MEMBERS",
            ["handlingCode"] = "HANDLING_CODE_H1",
        },
    };

    /// <summary>The problem document of a refused call, after checking that it is one.</summary>
    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, int grpcStatus)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(grpcStatus, problem.GetProperty("grpcStatus").GetInt32());
        return problem;
    }

    private static List<string> Keys(JsonElement problem) => [.. problem.GetProperty("errors").EnumerateObject().Select(p => p.Name)];

    private async Task<JsonElement> PostInvalidAsync(string body)
    {
        using var kazakh = await AsAsync("liaison.kaz");
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await kazakh.PostAsync(Alerts, content, Ct);
        return await ProblemAsync(response, HttpStatusCode.BadRequest, 3);
    }

    [Fact]
    public async Task Invalid_fields_are_keyed_by_the_camelCase_paths_the_client_sent()
    {
        var alert = Alert();
        alert["idempotencyKey"] = "";
        alert["alert"]!["reportingAgency"] = "";
        alert["alert"]!["items"]![0]!["quantity"] = -1;

        var problem = await PostInvalidAsync(alert.ToJsonString());

        Assert.Equal(["idempotencyKey", "alert.reportingAgency", "alert.items[0].quantity"], Keys(problem));
        Assert.Equal("required", problem.GetProperty("errors").GetProperty("alert.reportingAgency")[0].GetString());
        Assert.StartsWith("idempotency_key: required; alert.reporting_agency: required", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_enum_number_is_named_by_its_JSON_path()
    {
        var alert = Alert();
        alert["alert"]!["items"]![0]!["unit"] = 4321;

        var problem = await PostInvalidAsync(alert.ToJsonString());

        Assert.Contains("alert.items[0].unit", Keys(problem));
    }

    [Fact]
    public async Task An_unknown_enum_name_is_named_by_its_JSON_path()
    {
        var alert = Alert();
        alert["alert"]!["distribution"] = "DISTRIBUTION_EVERYONE";

        var problem = await PostInvalidAsync(alert.ToJsonString());

        Assert.Equal(["alert.distribution"], Keys(problem));
    }

    [Theory]
    [InlineData("0000-12-31T00:00:00Z")]
    [InlineData("10000-01-01T00:00:00Z")]
    [InlineData("yesterday")]
    public async Task A_timestamp_out_of_range_is_named_by_its_JSON_path(string seizedAt)
    {
        var alert = Alert();
        alert["alert"]!["seizedAt"] = seizedAt;

        var problem = await PostInvalidAsync(alert.ToJsonString());

        Assert.Equal(["alert.seizedAt"], Keys(problem));
    }

    [Fact]
    public async Task A_value_of_the_wrong_kind_is_named_by_its_JSON_path()
    {
        var alert = Alert();
        alert["alert"]!["items"]![0]!["quantity"] = "a lot";

        var problem = await PostInvalidAsync(alert.ToJsonString());

        Assert.Equal(["alert.items[0].quantity"], Keys(problem));
    }

    [Fact]
    public async Task A_property_no_field_has_is_ignored_as_transcoding_ignores_it_and_the_real_fault_is_named()
    {
        var alert = Alert();
        alert["alert"]!["colour"] = "red";
        alert["alert"]!["items"]![0]!["quantity"] = true;

        var problem = await PostInvalidAsync(alert.ToJsonString());

        Assert.Equal(["alert.items[0].quantity"], Keys(problem));
    }

    [Fact]
    public async Task Malformed_JSON_is_a_400_problem_document_naming_where_it_broke()
    {
        var problem = await PostInvalidAsync("""{"idempotencyKey": "kaz-broken-0001", "alert": {"reportingCountry": "KAZ",, }}""");

        Assert.Equal(["alert.reportingCountry"], Keys(problem));
        Assert.Contains("not valid JSON", problem.GetProperty("errors").GetProperty("alert.reportingCountry")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_body_is_a_400_problem_document()
    {
        var problem = await PostInvalidAsync("");

        Assert.Empty(Keys(problem));
        Assert.Equal("the request body is empty; a JSON object is expected", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_at_all_is_a_400_problem_document()
    {
        var problem = await PostInvalidAsync("idempotencyKey=abc");

        Assert.Empty(Keys(problem));
        Assert.StartsWith("the request body is not valid JSON", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_UTF8_in_a_JSON_string_is_named_by_its_JSON_path()
    {
        var json = Encoding.UTF8.GetBytes(Alert().ToJsonString().Replace("Committee of National Security", "Committee \u0001", StringComparison.Ordinal));
        var marker = Array.IndexOf(json, (byte)0x01);
        json[marker] = 0xC3; // a lead byte followed by a space: not UTF-8
        using var kazakh = await AsAsync("liaison.kaz");
        using var content = new ByteArrayContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await kazakh.PostAsync(Alerts, content, Ct);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, 3);
        Assert.Equal(["alert.reportingAgency"], Keys(problem));
    }

    [Fact]
    public async Task An_unknown_alert_is_a_404_problem_document()
    {
        using var kyrgyz = await AsAsync("liaison.kgz");

        using var response = await kyrgyz.GetAsync(new Uri($"/api/v1/alerts/{Guid.NewGuid()}", UriKind.Relative), Ct);

        await ProblemAsync(response, HttpStatusCode.NotFound, 5);
    }

    [Fact]
    public async Task Posting_for_another_country_is_a_403_problem_document()
    {
        using var kazakh = await AsAsync("liaison.kaz");

        using var response = await kazakh.PostAsJsonAsync(Alerts, Alert("KGZ"), Ct);

        await ProblemAsync(response, HttpStatusCode.Forbidden, 7);
    }

    [Fact]
    public async Task Permission_denied_is_keyed_by_the_JSON_path_of_the_field_that_decided_it()
    {
        using var kazakh = await AsAsync("liaison.kaz");

        using var response = await kazakh.PostAsJsonAsync(Alerts, Alert("KGZ"), Ct);

        var problem = await ProblemAsync(response, HttpStatusCode.Forbidden, 7);
        Assert.Equal(["alert.reportingCountry"], Keys(problem));
    }

    [Theory]
    [InlineData("pageSize=many", "pageSize")]
    [InlineData("page_size=99999999999", "page_size")]
    [InlineData("substance=SUBSTANCE_TEA", "substance")]
    [InlineData("substance=4242", "substance")]
    [InlineData("seizedFrom=last%20week", "seizedFrom")]
    public async Task A_query_parameter_transcoding_cannot_read_is_named_as_the_client_wrote_it(string query, string key)
    {
        using var kyrgyz = await AsAsync("liaison.kgz");

        using var response = await kyrgyz.GetAsync(new Uri("/api/v1/alerts?reportingCountry=KAZ&" + query, UriKind.Relative), Ct);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, 3);
        Assert.Equal([key], Keys(problem));
    }

    [Fact]
    public async Task A_malformed_id_in_the_route_is_a_400_problem_document()
    {
        using var kyrgyz = await AsAsync("liaison.kgz");

        using var response = await kyrgyz.GetAsync(new Uri("/api/v1/alerts/not-a-uuid", UriKind.Relative), Ct);

        await ProblemAsync(response, HttpStatusCode.BadRequest, 3);
    }
}
