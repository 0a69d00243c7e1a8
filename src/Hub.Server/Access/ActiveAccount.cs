using Hub.Server.Audit;
using Hub.Server.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Hub.Server.Access;

/// <summary>The caller's account is still enabled (a disabled account's earlier tokens stop working).</summary>
public sealed class ActiveAccountRequirement : IAuthorizationRequirement;

public sealed class ActiveAccountHandler(AccessPolicy policy) : AuthorizationHandler<ActiveAccountRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ActiveAccountRequirement requirement)
    {
        if (policy.IsActive(Caller.From(context.User)))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

/// <summary>
/// Audits every request refused at the door (no token, bad token, disabled account) before
/// answering 401/403 (gRPC UNAUTHENTICATED/PERMISSION_DENIED): an identified caller's each in
/// its row, anonymous ones in bounded rows through <see cref="AnonymousRefusals"/>.
/// </summary>
public sealed class AuditedAuthorizationResultHandler(GroupCommit writes, AnonymousRefusals anonymous) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Succeeded)
        {
            var caller = Caller.From(context.User);
            var channel = context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true ? Channels.Grpc
                : context.Request.Path.StartsWithSegments("/hubs", StringComparison.Ordinal) ? Channels.SignalR
                : Channels.Http;
            var action = "access." + (authorizeResult.Challenged ? "unauthenticated" : "forbidden");
            var row = caller.IsAuthenticated
                ? new AuditEvent(caller, channel, action, AuditOutcomes.Denied, Detail: AnonymousRefusals.Printable(context.Request.Method + " " + context.Request.Path.Value))
                : anonymous.Refused(channel, action, context.Connection.RemoteIpAddress?.ToString(), context.Request.Method, context.Request.Path.Value ?? "");
            if (row is not null)
            {
                await writes.AuditAsync(row, context.RequestAborted);
            }
        }
        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
