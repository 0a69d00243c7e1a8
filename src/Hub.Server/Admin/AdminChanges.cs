using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.ErrorHandling;
using Hub.Server.Identity;
using Hub.Server.Records;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using Entity = Hub.Server.Countries;

using Hub.Server.Validation;

namespace Hub.Server.Admin;

/// <summary>
/// An admin's change through the record pipeline: the admin check made inside the commit,
/// keys scoped to the admin who sent them.
/// </summary>
internal abstract class AdminChange<TResponse>(Caller caller, string action, string recordType, string idempotencyKey, IMessage request) : RecordChange<TResponse>
    where TResponse : class, IMessage<TResponse>, new()
{
    protected Caller Caller => caller;
    public override string Action => action;
    public override string RecordType => recordType;

    public override IdempotencyClaim? Idempotency =>
        idempotencyKey.Length == 0 ? null : new IdempotencyClaim($"{action}:{caller.Subject}", idempotencyKey, request);

    public sealed override Func<TResponse> Apply(RecordContext context)
    {
        var decision = context.Policy.CanAdminister(caller);
        if (!decision.Allowed)
        {
            throw HubException.Denied(decision.Reason).For(action);
        }
        return Change(context);
    }

    protected abstract Func<TResponse> Change(RecordContext context);

    /// <summary>Revokes every token of a subject or an application in the same transaction, so none outlives the change.</summary>
    protected static void RevokeTokens(RecordContext context, string? subject, string? applicationId)
    {
        var tokens = context.Db.Set<OpenIddictEntityFrameworkCoreToken>().AsQueryable();
        tokens = subject is not null ? tokens.Where(t => t.Subject == subject) : tokens.Where(t => t.Application!.Id == applicationId);
        tokens.Where(t => t.Status != OpenIddictConstants.Statuses.Revoked)
            .ExecuteUpdate(s => s.SetProperty(t => t.Status, OpenIddictConstants.Statuses.Revoked));
    }
}

/// <summary>A person, prepared before (password checked and hashed off the commit's thread).</summary>
internal sealed class CreatePersonChange(Caller caller, CreatePersonRequest request, HubUser prepared, ILookupNormalizer normalizer)
    : AdminChange<Person>(caller, "person.create", "person", request.IdempotencyKey, request)
{
    protected override Func<Person> Change(RecordContext context) => Create(context);

    /// <summary>The change itself, also made by <see cref="BootstrapAdmin"/>, which has no admin to check.</summary>
    internal Func<Person> Create(RecordContext context)
    {
        if (context.Db.Users.Any(u => u.NormalizedUserName == prepared.NormalizedUserName))
        {
            throw HubException.AlreadyExists("user_name", $"{request.UserName} is taken").For(Action);
        }
        var roles = request.Roles.Distinct().ToList();
        var names = roles.Select(r => normalizer.NormalizeName(r)).ToList();
        var existing = context.Db.Roles.Where(r => names.Contains(r.NormalizedName!)).ToList();
        context.Db.Users.Add(prepared);
        foreach (var role in roles)
        {
            // A real deployment starts with no roles stored: the first person given one creates it.
            var stored = existing.FirstOrDefault(r => r.NormalizedName == normalizer.NormalizeName(role));
            if (stored is null)
            {
                stored = new IdentityRole(role) { NormalizedName = normalizer.NormalizeName(role) };
                context.Db.Roles.Add(stored);
            }
            context.Db.UserRoles.Add(new IdentityUserRole<string> { UserId = prepared.Id, RoleId = stored.Id });
        }
        context.RecordId = prepared.Id;
        context.Audit(Action, RecordType, prepared.Id, $"{prepared.UserName} ({prepared.Country}: {string.Join(',', roles)})");
        return () => AdminMapping.ToPerson(prepared, roles);
    }
}

internal sealed class DisablePersonChange(Caller caller, DisablePersonRequest request, ILookupNormalizer normalizer)
    : AdminChange<Person>(caller, "person.disable", "person", request.IdempotencyKey, request)
{
    protected override Func<Person> Change(RecordContext context)
    {
        var name = normalizer.NormalizeName(request.UserName);
        var user = context.Db.Users.FirstOrDefault(u => u.NormalizedUserName == name)
            ?? throw HubException.NotFound("user_name", $"person {request.UserName}", RecordType, null, "no such person").For(Action);
        user.IsDisabled = true;
        // Disabling an account that awaits approval is its refusal: it can never be approved after.
        user.ApprovalRequestedBy = null;
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        RevokeTokens(context, user.Id, null);
        var roles = (from ur in context.Db.UserRoles join r in context.Db.Roles on ur.RoleId equals r.Id where ur.UserId == user.Id select r.Name!).ToList();
        context.RecordId = user.Id;
        context.Audit(Action, RecordType, user.Id, user.UserName);
        return () => AdminMapping.ToPerson(user, roles);
    }
}

/// <summary>An agency's system client, prepared before (secret hashed as OpenIddict checks it). Its answer, secret included, is stored protected.</summary>
internal sealed class CreateAgencyClientChange(Caller caller, CreateAgencyClientRequest request, OpenIddictEntityFrameworkCoreApplication prepared, string secret)
    : AdminChange<CreateAgencyClientResponse>(caller, "client.create", "client", request.IdempotencyKey, request)
{
    public override bool ProtectsStoredResponse => true;

    protected override Func<CreateAgencyClientResponse> Change(RecordContext context)
    {
        if (context.Db.Set<OpenIddictEntityFrameworkCoreApplication>().Any(a => a.ClientId == request.ClientId))
        {
            throw HubException.AlreadyExists("client_id", $"{request.ClientId} is taken").For(Action);
        }
        context.Db.Add(prepared);
        context.RecordId = request.ClientId;
        context.Audit(Action, RecordType, request.ClientId, request.Country);
        return () => new CreateAgencyClientResponse
        {
            Client = new AgencyClient { ClientId = request.ClientId, DisplayName = request.DisplayName, Country = request.Country, Disabled = true, AwaitingApproval = true, RequestedBy = Caller.Subject },
            ClientSecret = secret,
        };
    }
}

internal sealed class DisableAgencyClientChange(Caller caller, DisableAgencyClientRequest request)
    : AdminChange<AgencyClient>(caller, "client.disable", "client", request.IdempotencyKey, request)
{
    protected override Func<AgencyClient> Change(RecordContext context)
    {
        var application = context.Db.Set<OpenIddictEntityFrameworkCoreApplication>().FirstOrDefault(a => a.ClientId == request.ClientId);
        var properties = application?.Properties is { Length: > 0 } json ? JsonNode.Parse(json)!.AsObject() : [];
        if (application is null || properties[AgencyClients.CountryProperty]?.GetValueKind() != JsonValueKind.String)
        {
            throw HubException.NotFound("client_id", $"agency client {request.ClientId}", RecordType, request.ClientId, "no such agency client").For(Action);
        }
        properties[AgencyClients.DisabledProperty] = true;
        properties.Remove(AgencyClients.RequestedByProperty);
        application.Properties = properties.ToJsonString();
        application.ConcurrencyToken = Guid.NewGuid().ToString();
        RevokeTokens(context, null, application.Id);
        context.RecordId = request.ClientId;
        context.Audit(Action, RecordType, request.ClientId, null);
        return () => new AgencyClient
        {
            ClientId = request.ClientId,
            DisplayName = application.DisplayName ?? "",
            Country = properties[AgencyClients.CountryProperty]!.GetValue<string>(),
            Disabled = true,
        };
    }
}

internal sealed class SetCountryStatusChange(Caller caller, SetCountryStatusRequest request)
    : AdminChange<Participant>(caller, "directory.set-status", "country", request.IdempotencyKey, request)
{
    protected override Func<Participant> Change(RecordContext context)
    {
        var country = context.Db.Countries.SingleOrDefault(c => c.Code == request.Code)
            ?? throw HubException.NotFound("code", $"participant {TextFields.Truncate(request.Code)}", RecordType, null, "not in the directory").For(Action);
        var before = country.Status;
        country.Status = request.Status switch
        {
            ParticipantStatus.Member => Entity.CountryStatus.Member,
            ParticipantStatus.Observer => Entity.CountryStatus.Observer,
            _ => Entity.CountryStatus.Applicant,
        };
        country.Note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note;
        context.RecordId = country.Code;
        context.Audit(Action, RecordType, country.Code, $"{before} -> {country.Status}");
        return () => AdminMapping.ToWire(country);
    }
}
