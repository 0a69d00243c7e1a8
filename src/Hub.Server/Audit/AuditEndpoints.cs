using Hub.Server.Access;
using Hub.Server.Data;

namespace Hub.Server.Audit;

public static class AuditEndpoints
{
    /// <summary>
    /// GET /admin/audit/verify (admins only): recomputes the chain and names the first broken
    /// entry. Refusals are problem documents like every other HTTP error.
    /// </summary>
    public static void MapAuditEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/admin/audit/verify", async (HttpContext context, HubDbContext db, AccessPolicy policy, GroupCommit writes) =>
        {
            var caller = Caller.From(context.User);
            var decision = policy.CanAdminister(caller);
            if (!decision.Allowed)
            {
                await writes.AuditAsync(new AuditEvent(caller, Channels.Http, "audit.verify", AuditOutcomes.Denied, Detail: decision.Reason), context.RequestAborted);
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: decision.Reason);
            }
            var result = await AuditChain.VerifyAsync(db, context.RequestAborted);
            await writes.AuditAsync(new AuditEvent(caller, Channels.Http, "audit.verify", AuditOutcomes.Allowed, "audit", "chain", result.Reason), context.RequestAborted);
            return Results.Ok(result);
        });
}
