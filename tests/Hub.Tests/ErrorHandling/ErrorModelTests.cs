using Google.Api;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Hub.Client;
using Hub.Contracts.V1;
using Hub.Server.ErrorHandling;
using Hub.Server.Validation;
using Microsoft.Extensions.Logging;

namespace Hub.Tests.ErrorHandling;

/// <summary>The pieces of the error model on their own: paths, shapes, the unexpected.</summary>
public sealed class ErrorModelTests
{
    [Theory]
    [InlineData("alert.items[0].normalized_quantity", "alert.items[0].normalizedQuantity")]
    [InlineData("idempotency_key", "idempotencyKey")]
    [InlineData("alert.location.border_crossing_point", "alert.location.borderCrossingPoint")]
    [InlineData("alert.route.transit_countries[1]", "alert.route.transitCountries[1]")]
    [InlineData("alert.no_such_field.deeper_still", "alert.noSuchField.deeperStill")]
    public void Proto_paths_become_the_JSON_names_a_body_of_star_sent(string proto, string json) =>
        Assert.Equal(json, JsonFieldPaths.ToJson(proto, PostAlertRequest.Descriptor, new HttpRule { Post = "/api/v1/alerts", Body = "*" }));

    [Theory]
    [InlineData("alert.reporting_agency", "reportingAgency")]
    [InlineData("alert.items[2].unit", "items[2].unit")]
    [InlineData("alert", "")]
    [InlineData("idempotency_key", "idempotencyKey")]
    public void With_a_sub_field_body_its_prefix_is_not_what_the_client_sent(string proto, string json) =>
        Assert.Equal(json, JsonFieldPaths.ToJson(proto, PostAlertRequest.Descriptor, new HttpRule { Post = "/api/v1/alerts", Body = "alert" }));

    [Fact]
    public void A_well_formed_request_has_no_shape_errors()
    {
        Assert.False(RequestShape.Check(SampleAlerts.HeroinAtKorday()).Any);
    }

    [Fact]
    public void Shape_errors_name_enums_and_timestamps_at_any_depth()
    {
        var request = SampleAlerts.HeroinAtKorday();
        request.Alert.Items[1].Substance = (Substance)500;
        request.Alert.SeizedAt.Nanos = -3;

        var errors = RequestShape.Check(request).All;

        Assert.Equal(["alert.seized_at", "alert.items[1].substance"], errors.Select(e => e.Field));
    }

    [Theory]
    [InlineData(0L, 0, true)]
    [InlineData(Timestamps.MaxSeconds, Timestamps.MaxNanos, true)]
    [InlineData(Timestamps.MinSeconds, 0, true)]
    [InlineData(Timestamps.MaxSeconds + 1, 0, false)]
    [InlineData(Timestamps.MinSeconds - 1, 0, false)]
    [InlineData(0L, -1, false)]
    [InlineData(0L, Timestamps.MaxNanos + 1, false)]
    public void Timestamps_are_readable_exactly_where_DateTime_can_hold_them(long seconds, int nanos, bool valid)
    {
        var value = new Timestamp { Seconds = seconds, Nanos = nanos };
        var errors = new FieldErrors();

        var read = Timestamps.Read(value, "at", errors);

        Assert.Equal(valid, Timestamps.IsValid(value));
        Assert.Equal(valid, read is not null);
        Assert.Equal(!valid, errors.Any);
        if (valid)
        {
            Assert.Equal(value.ToDateTimeOffset(), read);
        }
    }

    [Fact]
    public void A_missing_required_timestamp_is_required()
    {
        var errors = new FieldErrors();

        Assert.Null(Timestamps.Read(null, "seized_at", errors, required: true));
        Assert.Equal("seized_at: required", Assert.Single(errors.All).ToString());
    }

    [Fact]
    public void Wire_diagnosis_names_a_nested_repeated_string()
    {
        var request = SampleAlerts.HeroinAtKorday();
        request.Alert.Route.TransitCountries[1] = "\u0001\u0001\u0001";
        var bytes = request.ToByteArray();
        var at = bytes.AsSpan().IndexOf([(byte)1, (byte)1, (byte)1]);
        bytes[at] = 0xFF;

        var fault = WireDiagnosis.Find(PostAlertRequest.Descriptor, bytes);

        Assert.Equal("alert.route.transit_countries[1]", fault.Field);
        Assert.Throws<InvalidProtocolBufferException>(() => PostAlertRequest.Parser.ParseFrom(bytes));
    }

    [Fact]
    public void A_refusal_carries_BadRequest_and_a_readable_message()
    {
        var ex = ErrorStatus.ToRpcException(HubException.Invalid([new FieldError("a.b", "required"), new FieldError("c", "too long, by far")]));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("a.b: required; c: too long, by far", ex.Status.Detail);
        var violations = ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations;
        Assert.Equal(["a.b", "c"], violations.Select(v => v.Field));
        Assert.Equal("too long, by far", violations[1].Description);
        Assert.Single(ex.Trailers);
    }

    [Fact]
    public async Task An_unexpected_exception_is_INTERNAL_with_the_reference_the_log_carries()
    {
        var log = new CapturingLogger();
        var interceptor = new ErrorInterceptor(null!, log);
        var context = new FakeCallContext("/hub.v1.SeizureAlerts/GetAlert");

        var ex = await Assert.ThrowsAsync<RpcException>(() => interceptor.UnaryServerHandler<GetAlertRequest, SeizureAlert>(
            new GetAlertRequest(), context, (_, _) => throw new InvalidOperationException("database file is locked at /var/secret/path")));

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.DoesNotContain("secret", ex.Status.Detail, StringComparison.Ordinal);
        var reference = ex.GetRpcStatus()!.GetDetail<RequestInfo>()!.RequestId;
        Assert.Equal(10, reference.Length);
        Assert.Contains(reference, ex.Status.Detail, StringComparison.Ordinal);
        var entry = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Contains(reference, entry.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(entry.Exception);
    }

    [Fact]
    public async Task An_RpcException_a_service_throws_passes_through_unchanged()
    {
        var interceptor = new ErrorInterceptor(null!, new CapturingLogger());
        var thrown = new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "shutting down"));

        var ex = await Assert.ThrowsAsync<RpcException>(() => interceptor.UnaryServerHandler<GetAlertRequest, SeizureAlert>(
            new GetAlertRequest(), new FakeCallContext("/hub.v1.SeizureAlerts/GetAlert"), (_, _) => throw thrown));

        Assert.Same(thrown, ex);
    }

    private sealed class CapturingLogger : ILogger<ErrorInterceptor>
    {
        public List<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception), exception));
    }

    private sealed class FakeCallContext(string method) : ServerCallContext
    {
        protected override string MethodCore => method;
        protected override string HostCore => "localhost";
        protected override string PeerCore => "ipv4:127.0.0.1:1";
        protected override DateTime DeadlineCore => DateTime.MaxValue;
        protected override Metadata RequestHeadersCore { get; } = [];
        protected override CancellationToken CancellationTokenCore => CancellationToken.None;
        protected override Metadata ResponseTrailersCore { get; } = [];
        protected override Grpc.Core.Status StatusCore { get; set; }
        protected override WriteOptions? WriteOptionsCore { get; set; }
        protected override AuthContext AuthContextCore => new(null, []);

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
