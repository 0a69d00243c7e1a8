using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Server.Identity;
using Microsoft.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;

namespace Hub.Server.Admin;

/// <summary>The Admin service's four-eyes approvals of accounts another admin asked for.</summary>
public sealed partial class AdminService
{
    public override async Task<Person> ApprovePerson(ApprovePersonRequest request, ServerCallContext context)
    {
        var caller = RequireAdmin(context, "person.approve");
        var errors = new Validation.FieldErrors();
        OptionalKey(request.IdempotencyKey, errors);
        errors.ThrowIfAny();
        var person = await pipeline.WriteAsync(caller, new ApprovePersonChange(caller, request, users.KeyNormalizer), context.CancellationToken);
        await directory.RefreshAsync(context.CancellationToken);
        return person;
    }

    public override async Task<AgencyClient> ApproveAgencyClient(ApproveAgencyClientRequest request, ServerCallContext context)
    {
        var caller = RequireAdmin(context, "client.approve");
        var errors = new Validation.FieldErrors();
        OptionalKey(request.IdempotencyKey, errors);
        errors.ThrowIfAny();
        var client = await pipeline.WriteAsync(caller, new ApproveAgencyClientChange(caller, request), context.CancellationToken);
        await directory.RefreshAsync(context.CancellationToken);
        return client;
    }

    public override async Task<ListAwaitingApprovalResponse> ListAwaitingApproval(ListAwaitingApprovalRequest request, ServerCallContext context)
    {
        var caller = RequireAdmin(context, "approval.list");
        var ct = context.CancellationToken;
        var people = await db.Users.AsNoTracking().Where(u => u.ApprovalRequestedBy != null).OrderBy(u => u.UserName).ToListAsync(ct);
        var ids = people.Select(p => p.Id).ToList();
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ids.Contains(ur.UserId) select new { ur.UserId, r.Name }).ToListAsync(ct);
        var response = new ListAwaitingApprovalResponse();
        response.People.AddRange(people.Select(p => AdminMapping.ToPerson(p, roles.Where(r => r.UserId == p.Id).Select(r => r.Name!))));
        // The marker is a JSON property of OpenIddict's row: filtered on its text, then checked parsed.
        var pending = await db.Set<OpenIddictEntityFrameworkCoreApplication>().AsNoTracking()
            .Where(a => a.Properties != null && a.Properties.Contains(AgencyClients.RequestedByProperty))
            .OrderBy(a => a.ClientId).ToListAsync(ct);
        foreach (var application in pending)
        {
            var properties = System.Text.Json.JsonSerializer.Deserialize<System.Collections.Immutable.ImmutableDictionary<string, System.Text.Json.JsonElement>>(application.Properties!)!;
            if (AgencyClients.RequestedBy(properties) is { } requestedBy)
            {
                response.Clients.Add(new AgencyClient
                {
                    ClientId = application.ClientId ?? "",
                    DisplayName = application.DisplayName ?? "",
                    Country = AgencyClients.CountryOf(properties) ?? "",
                    Disabled = true,
                    AwaitingApproval = true,
                    RequestedBy = requestedBy,
                });
            }
        }
        await AuditAsync(caller, "approval.list", "account", "awaiting", $"{response.People.Count} people, {response.Clients.Count} clients", ct);
        return response;
    }
}
