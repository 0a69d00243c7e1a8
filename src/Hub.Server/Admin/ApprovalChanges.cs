using System.Text.Json;
using System.Text.Json.Nodes;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.ErrorHandling;
using Hub.Server.Identity;
using Hub.Server.Records;
using Microsoft.AspNetCore.Identity;
using OpenIddict.EntityFrameworkCore.Models;

namespace Hub.Server.Admin;

/// <summary>
/// Four eyes on accounts (issue 13): an account one admin asked for is enabled only by
/// another. Decided inside the commit on the stored requester, so two approvals racing, or an
/// approval racing a disable, cannot both win.
/// </summary>
internal static class FourEyes
{
    public static void RequireOtherAdmin(Caller approver, string requestedBy, string action, string recordType, string recordId, string field)
    {
        if (approver.Subject == requestedBy)
        {
            throw HubException.Denied("four eyes: the admin who asked for an account cannot approve it", recordType, recordId, field).For(action);
        }
    }

    public static HubException NotAwaiting(string field, string what, string recordType, string recordId, string action) =>
        HubException.FailedPrecondition(field, $"{what} is not awaiting approval (an account once disabled is never enabled again)", recordType, recordId).For(action);
}

internal sealed class ApprovePersonChange(Caller caller, ApprovePersonRequest request, ILookupNormalizer normalizer)
    : AdminChange<Person>(caller, "person.approve", "person", request.IdempotencyKey, request)
{
    protected override Func<Person> Change(RecordContext context)
    {
        var name = normalizer.NormalizeName(request.UserName);
        var user = context.Db.Users.FirstOrDefault(u => u.NormalizedUserName == name)
            ?? throw HubException.NotFound("user_name", $"person {Validation.TextFields.Truncate(request.UserName)}", RecordType, null, "no such person").For(Action);
        if (user.ApprovalRequestedBy is not { } requestedBy)
        {
            throw FourEyes.NotAwaiting("user_name", $"person {user.UserName}", RecordType, user.Id, Action);
        }
        FourEyes.RequireOtherAdmin(Caller, requestedBy, Action, RecordType, user.Id, "user_name");
        user.ApprovalRequestedBy = null;
        user.IsDisabled = false;
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        var roles = (from ur in context.Db.UserRoles join r in context.Db.Roles on ur.RoleId equals r.Id where ur.UserId == user.Id select r.Name!).ToList();
        context.RecordId = user.Id;
        context.Audit(Action, RecordType, user.Id, $"{user.UserName} ({user.Country}: {string.Join(',', roles.Order(StringComparer.Ordinal))}), asked for by {requestedBy}");
        return () => AdminMapping.ToPerson(user, roles);
    }
}

internal sealed class ApproveAgencyClientChange(Caller caller, ApproveAgencyClientRequest request)
    : AdminChange<AgencyClient>(caller, "client.approve", "client", request.IdempotencyKey, request)
{
    protected override Func<AgencyClient> Change(RecordContext context)
    {
        var application = context.Db.Set<OpenIddictEntityFrameworkCoreApplication>().FirstOrDefault(a => a.ClientId == request.ClientId);
        var properties = application?.Properties is { Length: > 0 } json ? JsonNode.Parse(json)!.AsObject() : [];
        if (application is null || properties[AgencyClients.CountryProperty]?.GetValueKind() != JsonValueKind.String)
        {
            throw HubException.NotFound("client_id", $"agency client {Validation.TextFields.Truncate(request.ClientId)}", RecordType, null, "no such agency client").For(Action);
        }
        if (properties[AgencyClients.RequestedByProperty]?.GetValueKind() != JsonValueKind.String)
        {
            throw FourEyes.NotAwaiting("client_id", $"agency client {request.ClientId}", RecordType, request.ClientId, Action);
        }
        var requestedBy = properties[AgencyClients.RequestedByProperty]!.GetValue<string>();
        FourEyes.RequireOtherAdmin(Caller, requestedBy, Action, RecordType, request.ClientId, "client_id");
        properties.Remove(AgencyClients.RequestedByProperty);
        properties.Remove(AgencyClients.DisabledProperty);
        application.Properties = properties.ToJsonString();
        application.ConcurrencyToken = Guid.NewGuid().ToString();
        var country = properties[AgencyClients.CountryProperty]!.GetValue<string>();
        context.RecordId = request.ClientId;
        context.Audit(Action, RecordType, request.ClientId, $"{country}, asked for by {requestedBy}");
        return () => new AgencyClient { ClientId = request.ClientId, DisplayName = application.DisplayName ?? "", Country = country };
    }
}
