using Hub.Server.Access;
using Hub.Server.Data;

namespace Hub.Server.Audit;

public static class AuditEndpoints
{
    /// <summary>
    /// GET /admin/audit/verify (admins only): checks the trail's MACs, links and checkpoints
    /// and names every problem. Refusals are problem documents like every other HTTP error.
    /// </summary>
    public static void MapAuditEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/admin/audit/verify", async (HttpContext context, HubDbContext db, AccessPolicy policy, GroupCommit writes, AuditVerifier verifier) =>
        {
            var caller = Caller.From(context.User);
            var decision = policy.CanAdminister(caller);
            if (!decision.Allowed)
            {
                await writes.AuditAsync(new AuditEvent(caller, Channels.Http, "audit.verify", AuditOutcomes.Denied, Detail: decision.Reason), context.RequestAborted);
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: decision.Reason);
            }
            var result = await verifier.VerifyAsync(db, context.RequestAborted);
            await writes.AuditAsync(new AuditEvent(caller, Channels.Http, "audit.verify", AuditOutcomes.Allowed, "audit", "chain", result.Reason), context.RequestAborted);
            return Results.Ok(result);
        });
}
