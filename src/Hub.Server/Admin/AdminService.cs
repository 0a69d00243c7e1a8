using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Audit;
using Hub.Server.Data;
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
    IOpenIddictTokenManager tokens,
    AccessPolicy policy,
    AccessDirectory directory,
    AuditChain audit,
    GroupCommit writes,
    IServiceProvider services) : Wire.Admin.AdminBase
{
    [GeneratedRegex("^[a-z0-9._-]{3,64}$")]
    private static partial Regex NamePattern();

    private async Task<Caller> RequireAdminAsync(ServerCallContext context, string action)
    {
        var caller = Caller.From(context.GetHttpContext().User);
        var decision = policy.CanAdminister(caller);
        if (!decision.Allowed)
        {
            await writes.AuditAsync(new AuditEvent(caller, Channels.Grpc, action, AuditOutcomes.Denied, Detail: decision.Reason), context.CancellationToken);
            throw new RpcException(new Status(StatusCode.PermissionDenied, decision.Reason));
        }
        return caller;
    }

    private Task AuditAsync(Caller caller, string action, string recordType, string recordId, string? detail, CancellationToken ct) =>
        writes.AuditAsync(new AuditEvent(caller, Channels.Grpc, action, AuditOutcomes.Allowed, recordType, recordId, detail), ct);

    public override async Task<Person> CreatePerson(CreatePersonRequest request, ServerCallContext context)
    {
        var caller = await RequireAdminAsync(context, "person.create");
        var errors = new FieldErrors();
        if (!NamePattern().IsMatch(request.UserName))
        {
            errors.Add("user_name", "must be 3 to 64 characters from a-z 0-9 . _ -");
        }
        if (string.IsNullOrWhiteSpace(request.DisplayName) || request.DisplayName.Length > 200)
        {
            errors.Add("display_name", "required, at most 200 characters");
        }
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
        foreach (var failure in await PasswordErrorsAsync(request.Password))
        {
            errors.Add("password", failure);
        }
        errors.ThrowIfAny();
        if (await users.FindByNameAsync(request.UserName) is not null)
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, $"user_name: {request.UserName} is taken"));
        }

        var user = new HubUser { UserName = request.UserName, DisplayName = request.DisplayName, Country = request.Country, LockoutEnabled = true };
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(context.CancellationToken);
            Check(await users.CreateAsync(user, request.Password));
            Check(await users.AddToRolesAsync(user, request.Roles.Distinct()));
            await audit.AppendAsync(db, [new AuditEvent(caller, Channels.Grpc, "person.create", AuditOutcomes.Allowed, "person", user.Id,
                $"{user.UserName} ({user.Country}: {string.Join(',', request.Roles)})")], context.CancellationToken);
            await db.SaveChangesAsync(context.CancellationToken);
            await transaction.CommitAsync(context.CancellationToken);
        });
        return await ToPersonAsync(user);
    }

    public override async Task<Person> DisablePerson(DisablePersonRequest request, ServerCallContext context)
    {
        var caller = await RequireAdminAsync(context, "person.disable");
        var user = await users.FindByNameAsync(request.UserName)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"user_name: no person {request.UserName}"));
        user.IsDisabled = true;
        Check(await users.UpdateAsync(user));
        Check(await users.UpdateSecurityStampAsync(user));
        await tokens.RevokeBySubjectAsync(user.Id, context.CancellationToken);
        await AuditAsync(caller, "person.disable", "person", user.Id, user.UserName, context.CancellationToken);
        await directory.RefreshAsync(context.CancellationToken);
        return await ToPersonAsync(user);
    }

    public override async Task<CreateAgencyClientResponse> CreateAgencyClient(CreateAgencyClientRequest request, ServerCallContext context)
    {
        var caller = await RequireAdminAsync(context, "client.create");
        var errors = new FieldErrors();
        if (!NamePattern().IsMatch(request.ClientId))
        {
            errors.Add("client_id", "must be 3 to 64 characters from a-z 0-9 . _ -");
        }
        if (string.IsNullOrWhiteSpace(request.DisplayName) || request.DisplayName.Length > 200)
        {
            errors.Add("display_name", "required, at most 200 characters");
        }
        if (directory.StatusOf(request.Country) != Entity.CountryStatus.Member)
        {
            errors.Add("country", $"'{AlertValidatorText(request.Country)}' is not a member state; only member agencies' systems post and receive");
        }
        errors.ThrowIfAny();
        if (await applications.FindByClientIdAsync(request.ClientId, context.CancellationToken) is not null)
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, $"client_id: {request.ClientId} is taken"));
        }
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await applications.CreateAsync(AgencyClients.Describe(request.ClientId, secret, request.DisplayName, request.Country), context.CancellationToken);
        await AuditAsync(caller, "client.create", "client", request.ClientId, request.Country, context.CancellationToken);
        return new CreateAgencyClientResponse
        {
            Client = new AgencyClient { ClientId = request.ClientId, DisplayName = request.DisplayName, Country = request.Country },
            ClientSecret = secret,
        };
    }

    public override async Task<AgencyClient> DisableAgencyClient(DisableAgencyClientRequest request, ServerCallContext context)
    {
        var caller = await RequireAdminAsync(context, "client.disable");
        var application = await applications.FindByClientIdAsync(request.ClientId, context.CancellationToken);
        if (application is null || AgencyClients.CountryOf(await applications.GetPropertiesAsync(application, context.CancellationToken)) is null)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"client_id: no agency client {request.ClientId}"));
        }
        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application, context.CancellationToken);
        descriptor.Properties[AgencyClients.DisabledProperty] = JsonSerializer.SerializeToElement(true);
        await applications.UpdateAsync(application, descriptor, context.CancellationToken);
        var applicationId = await applications.GetIdAsync(application, context.CancellationToken);
        await tokens.RevokeByApplicationIdAsync(applicationId!, context.CancellationToken);
        await AuditAsync(caller, "client.disable", "client", request.ClientId, null, context.CancellationToken);
        await directory.RefreshAsync(context.CancellationToken);
        return new AgencyClient
        {
            ClientId = request.ClientId,
            DisplayName = descriptor.DisplayName ?? "",
            Country = AgencyClients.CountryOf(System.Collections.Immutable.ImmutableDictionary.ToImmutableDictionary(descriptor.Properties)) ?? "",
            Disabled = true,
        };
    }

    public override async Task<ListCountriesResponse> ListCountries(ListCountriesRequest request, ServerCallContext context)
    {
        await RequireAdminAsync(context, "directory.list");
        var countries = await db.Countries.AsNoTracking().OrderBy(c => c.Code).ToListAsync(context.CancellationToken);
        var response = new ListCountriesResponse();
        response.Countries.AddRange(countries.Select(ToWire));
        return response;
    }

    public override async Task<Wire.Participant> SetCountryStatus(SetCountryStatusRequest request, ServerCallContext context)
    {
        var caller = await RequireAdminAsync(context, "directory.set-status");
        var errors = new FieldErrors();
        if (request.Status == Wire.ParticipantStatus.Unspecified || !Enum.IsDefined(request.Status))
        {
            errors.Add("status", "must be MEMBER, OBSERVER or APPLICANT");
        }
        if (request.Note.Length > 200)
        {
            errors.Add("note", "at most 200 characters");
        }
        errors.ThrowIfAny();
        var country = await db.Countries.SingleOrDefaultAsync(c => c.Code == request.Code, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"code: no participant {AlertValidatorText(request.Code)} in the directory"));
        var before = country.Status;
        country.Status = request.Status switch
        {
            Wire.ParticipantStatus.Member => Entity.CountryStatus.Member,
            Wire.ParticipantStatus.Observer => Entity.CountryStatus.Observer,
            _ => Entity.CountryStatus.Applicant,
        };
        country.Note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note;
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(context.CancellationToken);
            await audit.AppendAsync(db, [new AuditEvent(caller, Channels.Grpc, "directory.set-status", AuditOutcomes.Allowed, "country", country.Code,
                $"{before} -> {country.Status}")], context.CancellationToken);
            await db.SaveChangesAsync(context.CancellationToken);
            await transaction.CommitAsync(context.CancellationToken);
        });
        await directory.RefreshAsync(context.CancellationToken);
        return ToWire(country);
    }

    public override async Task<VerifyAuditTrailResponse> VerifyAuditTrail(VerifyAuditTrailRequest request, ServerCallContext context)
    {
        var caller = await RequireAdminAsync(context, "audit.verify");
        var result = await AuditChain.VerifyAsync(db, context.CancellationToken);
        await AuditAsync(caller, "audit.verify", "audit", "chain", result.Reason, context.CancellationToken);
        return new VerifyAuditTrailResponse
        {
            Intact = result.Intact,
            EntriesChecked = result.EntriesChecked,
            FirstBrokenSequence = result.FirstBrokenSequence ?? 0,
            Reason = result.Reason,
        };
    }

    private Messaging.DeadLetters RequireBroker() =>
        services.GetService<Messaging.DeadLetters>()
        ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, "dead letters exist only when the hub runs on RabbitMQ (ConnectionStrings:RabbitMq)"));

    public override async Task<ListDeadLettersResponse> ListDeadLetters(ListDeadLettersRequest request, ServerCallContext context)
    {
        await RequireAdminAsync(context, "dead-letters.list");
        if (request.Limit is < 0 or > 100)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "limit: must be between 0 and 100"));
        }
        var (letters, counts) = await RequireBroker().PeekAsync(request.Limit == 0 ? 20 : request.Limit, context.CancellationToken);
        var response = new ListDeadLettersResponse();
        response.DeadLetters.AddRange(letters.Select(l => new DeadLetter
        {
            Queue = l.Queue, MessageId = l.MessageId ?? "", Reason = l.Reason, ExceptionType = l.ExceptionType, BodyPreview = l.BodyPreview,
        }));
        foreach (var (queue, count) in counts)
        {
            response.Counts[queue] = count;
        }
        return response;
    }

    public override async Task<ReplayDeadLettersResponse> ReplayDeadLetters(ReplayDeadLettersRequest request, ServerCallContext context)
    {
        var caller = await RequireAdminAsync(context, "dead-letters.replay");
        if (!Messaging.DeadLetters.Queues.Contains(request.Queue))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"queue: must be one of {string.Join(", ", Messaging.DeadLetters.Queues)}"));
        }
        if (request.Limit is < 0 or > 10_000)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "limit: must be between 0 and 10000"));
        }
        var replayed = await RequireBroker().ReplayAsync(request.Queue, request.Limit == 0 ? 10_000 : request.Limit, context.CancellationToken);
        await AuditAsync(caller, "dead-letters.replay", "queue", request.Queue, $"{replayed} messages", context.CancellationToken);
        return new ReplayDeadLettersResponse { Replayed = replayed };
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

    private async Task<Person> ToPersonAsync(HubUser user)
    {
        var person = new Person
        {
            Id = user.Id,
            UserName = user.UserName ?? "",
            DisplayName = user.DisplayName,
            Country = user.Country,
            Disabled = user.IsDisabled,
        };
        person.Roles.AddRange(await users.GetRolesAsync(user));
        return person;
    }

    private static Wire.Participant ToWire(Entity.Country c) => new()
    {
        Code = c.Code,
        Name = c.Name,
        Organisation = c.Kind == Entity.ParticipantKind.Organisation,
        Status = c.Status switch
        {
            Entity.CountryStatus.Member => Wire.ParticipantStatus.Member,
            Entity.CountryStatus.Observer => Wire.ParticipantStatus.Observer,
            _ => Wire.ParticipantStatus.Applicant,
        },
        Note = c.Note ?? "",
    };

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, string.Join("; ", result.Errors.Select(e => e.Description))));
        }
    }

    private static string AlertValidatorText(string text) => Alerts.AlertValidator.Truncate(text);
}
