using Grpc.Core;
using Grpc.Core.Interceptors;
using Hub.Server.Access;
using Hub.Server.Audit;
using Hub.Server.Data;

namespace Hub.Server.ErrorHandling;

/// <summary>
/// Every gRPC call (and so every HTTP/JSON call, transcoded) passes here: a
/// <see cref="HubException"/> becomes its status, audited once as a refusal.
/// </summary>
public sealed class ErrorInterceptor(GroupCommit writes) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (HubException ex)
        {
            throw await RefuseAsync(ex, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (HubException ex)
        {
            throw await RefuseAsync(ex, context);
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

    /// <summary>"/hub.v1.Cases/OpenCase" → "Cases.OpenCase".</summary>
    internal static string MethodName(string method)
    {
        var service = method.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return service.Length == 2 ? service[0][(service[0].LastIndexOf('.') + 1)..] + "." + service[1] : method;
    }
}

/// <summary>Audit details are bounded, whoever wrote the text they quote.</summary>
public static class AuditText
{
    public const int MaxLength = 500;

    public static string Bounded(string text) => text.Length <= MaxLength ? text : text[..MaxLength] + "…";
}
