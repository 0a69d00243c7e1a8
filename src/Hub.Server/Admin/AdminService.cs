using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Audit;
using Hub.Server.Data;
using Hub.Server.ErrorHandling;
using Hub.Server.Records;
using Hub.Server.Identity;
using Hub.Server.Validation;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using Entity = Hub.Server.Countries;
using Wire = Hub.Contracts.V1;

namespace Hub.Server.Admin;

/// <summary>The <c>hub.v1.Admin</c> gRPC service: people, agency clients, the directory, the audit trail.</summary>
public sealed partial class AdminService(
    HubDbContext db,
    UserManager<HubUser> users,
    IOpenIddictApplicationManager applications,
    AccessPolicy policy,
    AccessDirectory directory,
    GroupCommit writes,
    RecordPipeline pipeline,
    IServiceProvider services) : Wire.Admin.AdminBase
{
    [GeneratedRegex("^[a-z0-9._-]{3,64}$")]
    private static partial Regex NamePattern();

    /// <summary>Refused before anything is read or prepared; the pipeline's change decides again inside the commit.</summary>
    private Caller RequireAdmin(ServerCallContext context, string action)
    {
        var caller = Caller.From(context.GetHttpContext().User);
        var decision = policy.CanAdminister(caller);
        return decision.Allowed ? caller : throw HubException.Denied(decision.Reason).For(action);
    }

    private static void OptionalKey(string key, FieldErrors errors)
    {
        if (key.Length > 0)
        {
            TextFields.IdempotencyKey(key, errors);
        }
    }

    private Task AuditAsync(Caller caller, string action, string recordType, string recordId, string? detail, CancellationToken ct) =>
        writes.AuditAsync(new AuditEvent(caller, Channels.Grpc, action, AuditOutcomes.Allowed, recordType, recordId, detail), ct);

    public override async Task<Person> CreatePerson(CreatePersonRequest request, ServerCallContext context)
    {
        var caller = RequireAdmin(context, "person.create");
        var errors = new FieldErrors();
        if (!NamePattern().IsMatch(request.UserName))
        {
            errors.Add("user_name", "must be 3 to 64 characters from a-z 0-9 . _ -");
        }
        TextFields.Text(request.DisplayName, "display_name", 200, errors, singleLine: true);
        var centre = request.Country == CentreCountry.Code;
        if (!centre && directory.StatusOf(request.Country) is null)
        {
            errors.Add("country", $"'{AlertValidatorText(request.Country)}' is neither CARICC nor a country in the directory");
        }
        if (request.Roles.Count == 0)
        {
            errors.Add("roles", "at least one role is required");
        }
        for (var i = 0; i < request.Roles.Count; i++)
        {
            var role = request.Roles[i];
            if (!Roles.All.Contains(role) || role == Roles.AgencySystem)
            {
                errors.Add($"roles[{i}]", $"'{AlertValidatorText(role)}' is not a role for people");
            }
            else if (role is Roles.Operator or Roles.Analyst or Roles.Admin && !centre)
            {
                errors.Add($"roles[{i}]", $"{role} belongs to the centre (country CARICC)");
            }
            else if (role is Roles.LiaisonOfficer or Roles.Observer && centre)
            {
                errors.Add($"roles[{i}]", $"{role} belongs to a country, not to the centre");
            }
        }
        if (request.Roles.Contains(Roles.Admin) && request.Roles.Any(r => r != Roles.Admin))
        {
            // Separation of duties: who manages accounts reads no records, or one insider could
            // make himself a reader of everything.
            errors.Add("roles", "admin cannot be held with a role that reads records");
        }
        foreach (var failure in await PasswordErrorsAsync(request.Password))
        {
            errors.Add("password", failure);
        }
        OptionalKey(request.IdempotencyKey, errors);
        errors.ThrowIfAny();
        // Hashed here, on the request's thread: the password hash is deliberately slow and
        // must not hold the group commit.
        var user = new HubUser
        {
            UserName = request.UserName,
            NormalizedUserName = users.NormalizeName(request.UserName),
            DisplayName = request.DisplayName,
            Country = request.Country,
            LockoutEnabled = true,
            SecurityStamp = Guid.NewGuid().ToString("N"),
            // Four eyes: nobody signs in on one admin's word (admins included, or one admin
            // could make a second and approve through it).
            IsDisabled = true,
            ApprovalRequestedBy = caller.Subject,
        };
        user.PasswordHash = users.PasswordHasher.HashPassword(user, request.Password);
        return await pipeline.WriteAsync(caller, new CreatePersonChange(caller, request, user, users.KeyNormalizer), context.CancellationToken);
    }

    public override async Task<Person> DisablePerson(DisablePersonRequest request, ServerCallContext context)
    {
        var caller = RequireAdmin(context, "person.disable");
        var errors = new FieldErrors();
        OptionalKey(request.IdempotencyKey, errors);
        errors.ThrowIfAny();
        var person = await pipeline.WriteAsync(caller, new DisablePersonChange(caller, request, users.KeyNormalizer), context.CancellationToken);
        services.GetRequiredService<TokenEntries>().Forget();
        await directory.RefreshAsync(context.CancellationToken);
        return person;
    }

    public override async Task<CreateAgencyClientResponse> CreateAgencyClient(CreateAgencyClientRequest request, ServerCallContext context)
    {
        var caller = RequireAdmin(context, "client.create");
        var errors = new FieldErrors();
        if (!NamePattern().IsMatch(request.ClientId))
        {
            errors.Add("client_id", "must be 3 to 64 characters from a-z 0-9 . _ -");
        }
        TextFields.Text(request.DisplayName, "display_name", 200, errors, singleLine: true);
        if (directory.StatusOf(request.Country) != Entity.CountryStatus.Member)
        {
            errors.Add("country", $"'{AlertValidatorText(request.Country)}' is not a member state; only member agencies' systems post and receive");
        }
        OptionalKey(request.IdempotencyKey, errors);
        errors.ThrowIfAny();
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var descriptor = AgencyClients.Describe(request.ClientId, secret, request.DisplayName, request.Country);
        descriptor.Properties[AgencyClients.DisabledProperty] = JsonSerializer.SerializeToElement(true);
        descriptor.Properties[AgencyClients.RequestedByProperty] = JsonSerializer.SerializeToElement(caller.Subject);
        var prepared = await ((HubApplicationManager)applications).PrepareAsync(descriptor, context.CancellationToken);
        return await pipeline.WriteAsync(caller, new CreateAgencyClientChange(caller, request, prepared, secret), context.CancellationToken);
    }

    public override async Task<AgencyClient> DisableAgencyClient(DisableAgencyClientRequest request, ServerCallContext context)
    {
        var caller = RequireAdmin(context, "client.disable");
        var errors = new FieldErrors();
        OptionalKey(request.IdempotencyKey, errors);
        errors.ThrowIfAny();
        var client = await pipeline.WriteAsync(caller, new DisableAgencyClientChange(caller, request), context.CancellationToken);
        services.GetRequiredService<TokenEntries>().Forget();
        await directory.RefreshAsync(context.CancellationToken);
        return client;
    }

    public override async Task<Wire.Participant> SetCountryStatus(SetCountryStatusRequest request, ServerCallContext context)
    {
        var caller = RequireAdmin(context, "directory.set-status");
        var errors = new FieldErrors();
        if (request.Status == Wire.ParticipantStatus.Unspecified || !Enum.IsDefined(request.Status))
        {
            errors.Add("status", "must be MEMBER, OBSERVER or APPLICANT");
        }
        if (request.Note.Length > 200)
        {
            errors.Add("note", "at most 200 characters");
        }
        OptionalKey(request.IdempotencyKey, errors);
        errors.ThrowIfAny();
        var participant = await pipeline.WriteAsync(caller, new SetCountryStatusChange(caller, request), context.CancellationToken);
        await directory.RefreshAsync(context.CancellationToken);
        return participant;
    }

    private async Task<List<string>> PasswordErrorsAsync(string password)
    {
        var failures = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, new HubUser(), password);
            failures.AddRange(result.Errors.Select(e => e.Description));
        }
        return failures;
    }

    private static string AlertValidatorText(string text) => TextFields.Truncate(text);
}
