using Hub.Server.Alerts;
using Grpc.Core;
using Hub.Client;
using Hub.Contracts.V1;
using Microsoft.EntityFrameworkCore;

namespace Hub.Tests.Alerts;

public sealed class PostAlertTests(HubFactory hub) : IClassFixture<HubFactory>, IAsyncLifetime
{
    private readonly HubFactory _hub = hub;
    private SeizureAlerts.SeizureAlertsClient _client = null!;

    public async ValueTask InitializeAsync() => _client = await _hub.AgencyAlertsClientAsync("KAZ");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private Task<(int Alerts, int Items, int Outbox)> CountRowsAsync() => _hub.WithDbAsync(async db =>
        (await db.Set<AlertRecord>().CountAsync(), await db.Set<AlertItemRecord>().CountAsync(), 
        // Alert events only: the sample's plate, posted by several countries in this class, also raises match events.
        await db.Outbox.CountAsync(o => o.MessageType == "alert-posted.v1")));

    [Fact]
    public async Task Stores_an_alert_with_its_event_and_normalised_quantities()
    {
        var request = SampleAlerts.HeroinAtKorday();

        var response = await _client.PostAlertAsync(request, cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(response.Duplicate);
        Assert.True(Guid.TryParse(response.Alert.Id, out _));
        Assert.True(response.Alert.Sequence > 0);
        Assert.Equal("KAZ", response.Alert.Content.ReportingCountry);
        var hashish = response.Alert.Content.Items[1];
        Assert.Equal(850, hashish.Quantity);
        Assert.Equal(QuantityUnit.G, hashish.Unit);
        Assert.Equal(0.85, hashish.NormalizedQuantity, 9);
        Assert.Equal(QuantityDimension.MassKg, hashish.NormalizedDimension);

        var stored = await _client.GetAlertAsync(new GetAlertRequest { Id = response.Alert.Id }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(response.Alert, stored);

        var outboxRows = await _hub.WithDbAsync(db => db.Outbox.Where(o => o.MessageType == "alert-posted.v1" && o.Payload.Contains(response.Alert.Id)).CountAsync());
        Assert.Equal(1, outboxRows);
    }

    public static TheoryData<string, string> RefusedByTheServer => new()
    {
        { "unknown substance", "alert.items[0].substance" },
        { "unknown unit", "alert.items[0].unit" },
        { "zero quantity", "alert.items[0].quantity" },
        { "negative quantity", "alert.items[0].quantity" },
        { "country not in the directory", "alert.reporting_country" },
        { "country not a member", "alert.reporting_country" },
        { "unknown addressee", "alert.addressed_countries[1]" },
        { "applicant addressee", "alert.addressed_countries[0]" },
        { "no items", "alert.items" },
        { "seized far in the future", "alert.seized_at" },
        { "over-long summary", "alert.summary" },
        { "malformed idempotency key", "idempotency_key" },
    };

    [Theory]
    [MemberData(nameof(RefusedByTheServer))]
    public async Task Refuses_invalid_alerts_naming_the_field_and_storing_nothing(string how, string field)
    {
        var request = SampleAlerts.HeroinAtKorday();
        var a = request.Alert;
        switch (how)
        {
            case "unknown substance": a.Items[0].Substance = (Substance)999; break;
            case "unknown unit": a.Items[0].Unit = (QuantityUnit)999; break;
            case "zero quantity": a.Items[0].Quantity = 0; break;
            case "negative quantity": a.Items[0].Quantity = -12.4; break;
            case "country not in the directory": a.ReportingCountry = "XYZ"; break;
            case "country not a member": a.ReportingCountry = "TUR"; break;
            case "unknown addressee": a.Distribution = Distribution.Addressed; a.AddressedCountries.Add("KGZ"); a.AddressedCountries.Add("NOPE"); break;
            case "applicant addressee": a.Distribution = Distribution.Addressed; a.AddressedCountries.Add("POL"); break;
            case "no items": a.Items.Clear(); break;
            case "seized far in the future": a.SeizedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddYears(1)); break;
            case "over-long summary": a.Summary = new string('s', 4001); break;
            case "malformed idempotency key": request.IdempotencyKey = "not a key/"; break;
            default: throw new ArgumentException(how);
        }
        var before = await CountRowsAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => _client.PostAlertAsync(request, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.StartsWith(field + ": ", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(ex.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations, v => v.Field == field);
        Assert.DoesNotContain(ex.Trailers, t => t.Key == "field-errors");
        Assert.Equal(before, await CountRowsAsync());
    }

    [Fact]
    public async Task The_same_key_twice_returns_the_first_alert_and_publishes_nothing_new()
    {
        var request = SampleAlerts.HeroinAtKorday(idempotencyKey: "kaz-2026-11-29-0001");
        var first = await _client.PostAlertAsync(request, cancellationToken: TestContext.Current.CancellationToken);
        var afterFirst = await CountRowsAsync();

        var second = await _client.PostAlertAsync(request, cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(first.Duplicate);
        Assert.True(second.Duplicate);
        Assert.Equal(first.Alert, second.Alert);
        Assert.Equal(afterFirst, await CountRowsAsync());
    }

    [Fact]
    public async Task Concurrent_retries_with_one_key_store_one_alert()
    {
        var request = SampleAlerts.HeroinAtKorday(idempotencyKey: "kaz-race-" + Guid.NewGuid().ToString("N")[..12]);
        var before = await CountRowsAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            _client.PostAlertAsync(request, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync));

        Assert.Single(responses.Select(r => r.Alert.Id).Distinct());
        Assert.Single(responses, r => !r.Duplicate);
        var after = await CountRowsAsync();
        Assert.Equal(before.Alerts + 1, after.Alerts);
        Assert.Equal(before.Outbox + 1, after.Outbox);
    }

    [Fact]
    public async Task A_key_reused_for_a_different_alert_is_refused()
    {
        var request = SampleAlerts.HeroinAtKorday(idempotencyKey: "kaz-reused-key-01");
        await _client.PostAlertAsync(request, cancellationToken: TestContext.Current.CancellationToken);
        var before = await CountRowsAsync();
        request.Alert.Items[0].Quantity = 99;

        var ex = await Assert.ThrowsAsync<RpcException>(() => _client.PostAlertAsync(request, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal(StatusCode.AlreadyExists, ex.StatusCode);
        Assert.StartsWith("idempotency_key: ", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await CountRowsAsync());
    }

    [Fact]
    public async Task Keys_are_scoped_to_the_reporting_country()
    {
        var key = "shared-key-" + Guid.NewGuid().ToString("N")[..8];

        var kazakh = await _client.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ", key), cancellationToken: TestContext.Current.CancellationToken);
        var kyrgyzClient = await _hub.AgencyAlertsClientAsync("KGZ");
        var kyrgyz = await kyrgyzClient.PostAlertAsync(SampleAlerts.HeroinAtKorday("KGZ", key), cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(kyrgyz.Duplicate);
        Assert.NotEqual(kazakh.Alert.Id, kyrgyz.Alert.Id);
    }

    [Fact]
    public async Task Output_only_fields_sent_by_a_client_are_replaced()
    {
        var request = SampleAlerts.HeroinAtKorday();
        request.Alert.Items[0].NormalizedQuantity = 1e9;
        request.Alert.Items[0].NormalizedDimension = QuantityDimension.Count;

        var response = await _client.PostAlertAsync(request, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(12.4, response.Alert.Content.Items[0].NormalizedQuantity, 9);
        Assert.Equal(QuantityDimension.MassKg, response.Alert.Content.Items[0].NormalizedDimension);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-uuid")]
    public async Task GetAlert_refuses_a_malformed_id(string id)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _client.GetAlertAsync(new GetAlertRequest { Id = id }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.StartsWith("id: ", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAlert_answers_not_found_for_an_unknown_id()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _client.GetAlertAsync(new GetAlertRequest { Id = Guid.NewGuid().ToString() }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }
}
