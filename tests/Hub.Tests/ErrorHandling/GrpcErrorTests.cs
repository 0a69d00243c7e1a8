using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Hub.Client;
using Hub.Contracts.V1;
using Hub.Server.Validation;

namespace Hub.Tests.ErrorHandling;

/// <summary>
/// What a gRPC client can get wrong, and what it is told: a documented status, and the fields
/// at fault as google.rpc.BadRequest in google.rpc.Status (grpc-status-details-bin), read
/// here as any client would, with Grpc.StatusProto.
/// </summary>
public sealed class GrpcErrorTests(HubFactory hub) : IClassFixture<HubFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Method<byte[], byte[]> RawPostAlert = new(MethodType.Unary, "hub.v1.SeizureAlerts", "PostAlert",
        Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));

    private static async Task<RpcException> RefusedAsync(Func<Task> call) => await Assert.ThrowsAsync<RpcException>(call);

    private static List<BadRequest.Types.FieldViolation> Violations(RpcException ex) =>
        [.. ex.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations ?? []];

    private async Task<RpcException> PostAsync(PostAlertRequest request)
    {
        var client = await hub.AgencyAlertsClientAsync("KAZ");
        return await RefusedAsync(() => client.PostAlertAsync(request, cancellationToken: Ct).ResponseAsync);
    }

    private async Task<RpcException> PostRawAsync(byte[] body)
    {
        var invoker = hub.CreateGrpcChannel(await hub.AgencyTokenAsync("KAZ")).CreateCallInvoker();
        return await RefusedAsync(() => invoker.AsyncUnaryCall(RawPostAlert, null, new CallOptions(cancellationToken: Ct), body).ResponseAsync);
    }

    [Fact]
    public async Task Missing_fields_are_each_named_in_BadRequest_and_in_a_readable_message()
    {
        var request = SampleAlerts.HeroinAtKorday();
        request.IdempotencyKey = "";
        request.Alert.ReportingAgency = "";
        request.Alert.Items.Clear();

        var ex = await PostAsync(request);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var status = ex.GetRpcStatus()!;
        Assert.Equal((int)Code.InvalidArgument, status.Code);
        Assert.Equal(["idempotency_key", "alert.reporting_agency", "alert.items"], Violations(ex).Select(v => v.Field));
        Assert.Equal("required", Violations(ex)[0].Description);
        Assert.StartsWith("idempotency_key: required; alert.reporting_agency: required; alert.items: ", ex.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(ex.Trailers, t => t.Key == "field-errors");
    }

    [Fact]
    public async Task No_alert_at_all_names_the_alert()
    {
        var ex = await PostAsync(new PostAlertRequest { IdempotencyKey = "kaz-no-alert-0001" });

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("alert", Assert.Single(Violations(ex)).Field);
    }

    [Theory]
    [InlineData(Timestamps.MaxSeconds + 1, 0, "seconds")]
    [InlineData(Timestamps.MinSeconds - 1, 0, "seconds")]
    [InlineData(1_700_000_000, -1, "nanos")]
    [InlineData(1_700_000_000, 1_000_000_000, "nanos")]
    public async Task A_timestamp_no_clock_can_show_is_invalid_argument_naming_it(long seconds, int nanos, string part)
    {
        var request = SampleAlerts.HeroinAtKorday();
        request.Alert.SeizedAt = new Timestamp { Seconds = seconds, Nanos = nanos };

        var ex = await PostAsync(request);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var violation = Assert.Single(Violations(ex));
        Assert.Equal("alert.seized_at", violation.Field);
        Assert.StartsWith(part + " ", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_timestamp_out_of_range_in_a_query_is_refused_before_the_service_converts_it()
    {
        var client = await hub.AgencyAlertsClientAsync("KAZ");
        var request = new ListAlertsRequest { SeizedFrom = new Timestamp { Seconds = long.MaxValue } };

        var ex = await RefusedAsync(() => client.ListAlertsAsync(request, cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("seized_from", Assert.Single(Violations(ex)).Field);
    }

    [Fact]
    public async Task Unknown_enum_numbers_are_named_wherever_they_are()
    {
        var request = SampleAlerts.HeroinAtKorday();
        request.Alert.Distribution = (Distribution)77;
        request.Alert.Items[1].Unit = (QuantityUnit)1234;
        request.Alert.Identifiers[0].Kind = (IdentifierKind)(-5);

        var ex = await PostAsync(request);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var fields = Violations(ex).Select(v => v.Field).ToList();
        Assert.Contains("alert.distribution", fields);
        Assert.Contains("alert.items[1].unit", fields);
        Assert.Contains("alert.identifiers[0].kind", fields);
        Assert.Contains(Violations(ex), v => v.Field == "alert.distribution" && v.Description.Contains("77", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invalid_UTF8_in_a_string_field_is_invalid_argument_naming_the_field()
    {
        var valid = SampleAlerts.HeroinAtKorday().ToByteArray();
        // A second occurrence of `alert` (field 2) is merged into the first by any parser:
        // here it carries reporting_agency (field 2) with 0xC3 0x28, which is not UTF-8.
        byte[] agency = [0x12, 0x02, 0xC3, 0x28];
        byte[] body = [.. valid, 0x12, (byte)agency.Length, .. agency];

        var ex = await PostRawAsync(body);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var violation = Assert.Single(Violations(ex));
        Assert.Equal("alert.reporting_agency", violation.Field);
        Assert.Equal("is not valid UTF-8", violation.Description);
    }

    [Fact]
    public async Task Garbage_bytes_are_invalid_argument_not_unknown()
    {
        var ex = await PostRawAsync([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("hub.v1.PostAlertRequest", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(Violations(ex));
    }

    [Fact]
    public async Task A_length_running_past_the_end_names_the_field_it_cut()
    {
        var valid = SampleAlerts.HeroinAtKorday().ToByteArray();
        // `alert` (field 2) claiming 100 bytes of which 3 follow.
        byte[] body = [.. valid, 0x12, 100, 0x0A, 0x01, 0x41];

        var ex = await PostRawAsync(body);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("alert", Assert.Single(Violations(ex)).Field);
    }

    [Fact]
    public async Task A_valid_message_sent_as_raw_bytes_still_works()
    {
        var invoker = hub.CreateGrpcChannel(await hub.AgencyTokenAsync("KAZ")).CreateCallInvoker();

        var response = await invoker.AsyncUnaryCall(RawPostAlert, null, new CallOptions(cancellationToken: Ct), SampleAlerts.HeroinAtKorday().ToByteArray());

        Assert.False(PostAlertResponse.Parser.ParseFrom(response).Duplicate);
    }

    [Fact]
    public async Task An_unknown_alert_is_not_found()
    {
        var client = await hub.AgencyAlertsClientAsync("KGZ");

        var ex = await RefusedAsync(() => client.GetAlertAsync(new GetAlertRequest { Id = Guid.NewGuid().ToString() }, cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task Posting_for_another_country_is_permission_denied()
    {
        var ex = await PostAsync(SampleAlerts.HeroinAtKorday("KGZ"));

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
    }

    [Fact]
    public async Task Not_found_names_the_id_in_BadRequest()
    {
        var client = await hub.AgencyAlertsClientAsync("KGZ");

        var ex = await RefusedAsync(() => client.GetAlertAsync(new GetAlertRequest { Id = Guid.NewGuid().ToString() }, cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Equal("id", Assert.Single(Violations(ex)).Field);
    }

    [Fact]
    public async Task Permission_denied_names_the_field_that_decided_it()
    {
        var ex = await PostAsync(SampleAlerts.HeroinAtKorday("KGZ"));

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.Equal("alert.reporting_country", Assert.Single(Violations(ex)).Field);
    }

    [Fact]
    public async Task Services_bound_with_guarded_marshallers_keep_their_endpoints_streaming_and_reflection_included()
    {
        var anonymous = new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(hub.CreateGrpcChannel(null));
        using (var probe = anonymous.ServerReflectionInfo(cancellationToken: Ct))
        {
            // Reflection is for signed-in callers only.
            var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                await probe.RequestStream.WriteAsync(new Grpc.Reflection.V1Alpha.ServerReflectionRequest { ListServices = "" }, Ct);
                await probe.ResponseStream.MoveNext(Ct);
            });
            Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        }
        var reflection = new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(hub.CreateGrpcChannel(await hub.AgencyTokenAsync("KAZ")));
        using var call = reflection.ServerReflectionInfo(cancellationToken: Ct);

        await call.RequestStream.WriteAsync(new Grpc.Reflection.V1Alpha.ServerReflectionRequest { ListServices = "" }, Ct);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(Ct));

        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("hub.v1.SeizureAlerts", services);
        Assert.Contains("hub.v1.Cases", services);
    }
}
