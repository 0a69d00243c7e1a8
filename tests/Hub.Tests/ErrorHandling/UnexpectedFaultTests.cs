using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Google.Rpc;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Hub.Contracts.V1;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hub.Tests.ErrorHandling;

/// <summary>
/// A fault of the hub's own, as a client meets it through the whole pipeline: INTERNAL on
/// gRPC, a 500 problem document on HTTP, each with a reference that the server's log line
/// carries beside the exception — and never the exception's text.
/// </summary>
public sealed class UnexpectedFaultTests(UnexpectedFaultTests.FaultyHub hub) : IClassFixture<UnexpectedFaultTests.FaultyHub>
{
    public const string FaultHeader = "x-test-fault";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_gRPC_call_ends_INTERNAL_with_a_reference_that_the_log_carries()
    {
        var client = await hub.AgencyAlertsClientAsync("KGZ");

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.GetAlertAsync(new GetAlertRequest { Id = Guid.NewGuid().ToString() },
            new Metadata { { FaultHeader, "1" } }, cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.DoesNotContain(FaultInterceptor.Secret, ex.Status.Detail, StringComparison.Ordinal);
        var reference = ex.GetRpcStatus()!.GetDetail<RequestInfo>()!.RequestId;
        Assert.Contains(reference, ex.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(hub.Errors, e => e.Message.Contains(reference, StringComparison.Ordinal) && e.Exception?.Message == FaultInterceptor.Secret);
    }

    [Fact]
    public async Task An_HTTP_call_is_a_500_problem_document_with_the_reference()
    {
        using var http = hub.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await hub.PersonTokenAsync("liaison.kgz"));
        http.DefaultRequestHeaders.Add(FaultHeader, "1");

        using var response = await http.GetAsync(new Uri($"/api/v1/alerts/{Guid.NewGuid()}", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal(13, problem.GetProperty("grpcStatus").GetInt32());
        var reference = problem.GetProperty("reference").GetString()!;
        Assert.DoesNotContain(FaultInterceptor.Secret, problem.GetRawText(), StringComparison.Ordinal);
        Assert.Contains(hub.Errors, e => e.Message.Contains(reference, StringComparison.Ordinal));
    }

    /// <summary>The hub with one more interceptor, inside the error interceptor, that fails on request.</summary>
    public sealed class FaultyHub : HubFactory
    {
        private readonly Capture _capture = new();

        public IReadOnlyCollection<(string Message, Exception? Exception)> Errors => _capture.Errors;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services =>
            {
                services.Configure<GrpcServiceOptions>(o => o.Interceptors.Add<FaultInterceptor>());
                services.AddSingleton<ILoggerProvider>(_capture);
            });
        }
    }

    public sealed class FaultInterceptor : Interceptor
    {
        public const string Secret = "connection string Password=hunter2";

        public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
            context.RequestHeaders.Get(FaultHeader) is not null ? throw new InvalidOperationException(Secret) : continuation(request, context);
    }

    private sealed class Capture : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<(string Message, Exception? Exception)> Errors { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error)
            {
                Errors.Enqueue((formatter(state, exception), exception));
            }
        }

        public void Dispose()
        {
        }
    }
}
