using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Hub.Server.Access;
using Hub.Server.Audit;
using Hub.Server.Data;
using Hub.Server.Validation;

namespace Hub.Server.ErrorHandling;

/// <summary>
/// Every gRPC call (and so every HTTP/JSON call, transcoded) passes here. A request whose
/// shape no method accepts (<see cref="RequestShape"/>) is refused before the service runs;
/// a <see cref="HubException"/> becomes its status, audited once as a refusal; anything else
/// becomes INTERNAL with a reference that the log line carries too, so that no call ends in
/// UNKNOWN and no exception text reaches a client.
/// </summary>
public sealed partial class ErrorInterceptor(GroupCommit writes, ILogger<ErrorInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            CheckShape(request);
            return await continuation(request, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw await ToRpcExceptionAsync(ex, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            CheckShape(request);
            await continuation(request, responseStream, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw await ToRpcExceptionAsync(ex, context);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw await ToRpcExceptionAsync(ex, context);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw await ToRpcExceptionAsync(ex, context);
        }
    }

    private static void CheckShape<TRequest>(TRequest request)
    {
        if (request is IMessage message)
        {
            RequestShape.Check(message).ThrowIfAny();
        }
    }

    private async Task<RpcException> ToRpcExceptionAsync(Exception ex, ServerCallContext context)
    {
        switch (ex)
        {
            case HubException refusal:
                try
                {
                    return await RefuseAsync(refusal, context);
                }
                catch (Exception auditFailure)
                {
                    // A refusal the audit trail could not record is the hub's fault, not an
                    // answer to give unrecorded.
                    var failed = NewReference();
                    LogUnexpected(logger, auditFailure, context.Method, failed);
                    return ErrorStatus.Internal(failed);
                }
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                // The client went away or its deadline passed: nobody reads this status, and
                // it is no fault of the hub's.
                return new RpcException(new Grpc.Core.Status(StatusCode.Cancelled, "cancelled"));
            default:
                var reference = NewReference();
                LogUnexpected(logger, ex, context.Method, reference);
                return ErrorStatus.Internal(reference);
        }
    }

    private async Task<RpcException> RefuseAsync(HubException ex, ServerCallContext context)
    {
        var caller = Caller.From(context.GetHttpContext().User);
        var outcome = ex.Code == StatusCode.InvalidArgument ? AuditOutcomes.Invalid : AuditOutcomes.Denied;
        await writes.AuditAsync(new AuditEvent(caller, Channels.Grpc, ex.Action ?? MethodName(context.Method), outcome, ex.RecordType, ex.RecordId,
            AuditText.Bounded(ex.AuditReason)), CancellationToken.None);
        return ErrorStatus.ToRpcException(ex);
    }

    /// <summary>Ten characters of Crockford base32: short enough to read out over the phone.</summary>
    internal static string NewReference()
    {
        const string alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
        Span<byte> bytes = stackalloc byte[10];
        RandomNumberGenerator.Fill(bytes);
        Span<char> chars = stackalloc char[10];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[bytes[i] & 31];
        }
        return new string(chars);
    }

    /// <summary>"/hub.v1.Cases/OpenCase" → "Cases.OpenCase".</summary>
    internal static string MethodName(string method)
    {
        var service = method.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return service.Length == 2 ? service[0][(service[0].LastIndexOf('.') + 1)..] + "." + service[1] : method;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unexpected exception in {Method}; answered INTERNAL with ref {Reference}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string reference);
}

/// <summary>Audit details are bounded, whoever wrote the text they quote.</summary>
public static class AuditText
{
    public const int MaxLength = 500;

    public static string Bounded(string text) => text.Length <= MaxLength ? text : text[..MaxLength] + "…";
}
