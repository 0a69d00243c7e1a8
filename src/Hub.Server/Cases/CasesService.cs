using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Alerts;
using Hub.Server.Audit;
using Hub.Server.Countries;
using Hub.Server.Data;
using Hub.Server.Idempotency;
using Hub.Server.Messaging;
using Hub.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Cases;

/// <summary>The <c>hub.v1.Cases</c> gRPC service.</summary>
public sealed partial class CasesService(
    HubDbContext db,
    AccessPolicy policy,
    AccessDirectory directory,
    AuditChain audit,
    GroupCommit writes,
    OutboxSignal outboxSignal,
    CaseFeed feed,
    IHostApplicationLifetime lifetime,
    TimeProvider clock) : Contracts.V1.Cases.CasesBase
{
    private static Caller CallerOf(ServerCallContext context) => Caller.From(context.GetHttpContext().User);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private Task AuditAloneAsync(Caller caller, string action, string outcome, string? recordType, string? recordId, string? detail, CancellationToken ct) =>
        writes.AuditAsync(new AuditEvent(caller, Channels.Grpc, action, outcome, recordType, recordId, detail), ct);

    /// <summary>Refuses with PERMISSION_DENIED, audited.</summary>
    private async Task DenyIfAsync(Decision decision, Caller caller, string action, string? recordId, CancellationToken ct)
    {
        if (!decision.Allowed)
        {
            await AuditAloneAsync(caller, action, AuditOutcomes.Denied, "case", recordId, decision.Reason, ct);
            throw new RpcException(new Status(StatusCode.PermissionDenied, decision.Reason));
        }
    }

    /// <summary>Runs a write, its audit entry and its events in one transaction.</summary>
    private async Task<T> InTransactionAsync<T>(Func<Task<T>> write, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        var result = await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var value = await write();
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return value;
        });
        outboxSignal.Notify();
        return result;
    }

    private static Guid ParseId(string value, string field) =>
        Guid.TryParse(value, out var id) ? id : throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field}: must be a UUID"));

    /// <summary>The case if the caller may see it; NOT_FOUND otherwise, whether or not it exists.</summary>
    private async Task<CaseRecord> VisibleCaseAsync(Caller caller, Guid id, string action, CancellationToken ct, bool tracked = false)
    {
        var query = db.Set<CaseRecord>().Include(c => c.Participants).AsQueryable();
        var found = await (tracked ? query : query.AsNoTracking()).FirstOrDefaultAsync(c => c.Id == id, ct);
        if (found is null || !policy.CanSeeCase(caller, CaseMapping.AccessOf(found)))
        {
            await AuditAloneAsync(caller, action, AuditOutcomes.Denied, "case", id.ToString(), found is null ? "no such case" : "not a participant", ct);
            throw new RpcException(new Status(StatusCode.NotFound, $"case {id} not found"));
        }
        return found;
    }

    /// <summary>The message (with its case) if the caller may read it; NOT_FOUND otherwise.</summary>
    private async Task<(CaseMessageRecord Message, CaseRecord Case)> VisibleMessageAsync(Caller caller, Guid id, string action, string field, CancellationToken ct)
    {
        var message = await db.Set<CaseMessageRecord>().Include(m => m.Receipts).Include(m => m.Attachments).FirstOrDefaultAsync(m => m.Id == id, ct);
        var owner = message is null ? null : await db.Set<CaseRecord>().Include(c => c.Participants).FirstAsync(c => c.Id == message.CaseId, ct);
        if (message is null || !policy.CanReadMessage(caller, CaseMapping.AccessOf(message, owner!)))
        {
            await AuditAloneAsync(caller, action, AuditOutcomes.Denied, "case-message", id.ToString(), message is null ? "no such message" : "not released to the caller", ct);
            throw new RpcException(new Status(StatusCode.NotFound, $"{field}: message {id} not found"));
        }
        return (message, owner!);
    }

    private List<string> CheckCountries(IEnumerable<string> countries, string field, FieldErrors errors)
    {
        var list = countries.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (directory.StatusOf(list[i]) is not (CountryStatus.Member or CountryStatus.Observer))
            {
                errors.Add($"{field}[{i}]", $"'{Alerts.AlertValidator.Truncate(list[i])}' is not a member or observer in the directory");
            }
        }
        return list;
    }

    // ---- Cases -------------------------------------------------------------------------

    public override async Task<Case> OpenCase(OpenCaseRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var caller = CallerOf(context);
        var errors = new FieldErrors();
        CaseValidation.IdempotencyKey(request.IdempotencyKey, errors);
        CaseValidation.Text(request.Title, "title", CaseValidation.MaxTitle, errors);
        var invited = CheckCountries(request.InvitedCountries.Distinct(), "invited_countries", errors);
        for (var i = 0; i < request.NationalReferences.Count; i++)
        {
            var reference = request.NationalReferences[i];
            if (reference.Country != request.OwnerCountry && !invited.Contains(reference.Country))
            {
                errors.Add($"national_references[{i}].country", "must be the owner or an invited country");
            }
            CaseValidation.Text(reference.Reference, $"national_references[{i}].reference", 100, errors);
        }
        var linked = new List<Guid>();
        for (var i = 0; i < request.LinkedAlertIds.Count; i++)
        {
            if (!Guid.TryParse(request.LinkedAlertIds[i], out var alertId))
            {
                errors.Add($"linked_alert_ids[{i}]", "must be a UUID");
                continue;
            }
            var alert = await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == alertId, ct);
            if (alert is null || !policy.CanRead(caller, RecordAccess.Of(alert)))
            {
                errors.Add($"linked_alert_ids[{i}]", "no such alert");
            }
            linked.Add(alertId);
        }
        if (errors.Any)
        {
            await AuditAloneAsync(caller, "case.open", AuditOutcomes.Invalid, "case", null, errors.All[0].ToString(), ct);
            errors.ThrowIfAny();
        }
        await DenyIfAsync(policy.CanPostFor(caller, request.OwnerCountry), caller, "case.open", null, ct);

        var scope = "case:" + request.OwnerCountry;
        var hash = IdempotentWrites.HashOf(request);
        if (await IdempotentWrites.FindAsync(db, scope, request.IdempotencyKey, hash, "idempotency_key", ct) is { } earlierId)
        {
            return CaseMapping.ToProto(await db.Set<CaseRecord>().Include(c => c.Participants).AsNoTracking().FirstAsync(c => c.Id == Guid.Parse(earlierId), ct));
        }

        var now = Now;
        var record = new CaseRecord
        {
            Id = Guid.NewGuid(),
            Title = request.Title,
            OwnerCountry = request.OwnerCountry,
            OpenedAtUtc = now,
            NationalReferences = string.Join('\n', request.NationalReferences.Select(r => $"{r.Country}={r.Reference.Replace('\n', ' ')}")),
            LinkedAlertIds = string.Join(',', linked),
            Participants = [new CaseParticipantRecord { Country = request.OwnerCountry, State = ParticipationState.Accepted, ChangedAtUtc = now },
                .. invited.Where(c => c != request.OwnerCountry).Select(c => new CaseParticipantRecord { Country = c, State = ParticipationState.Invited, ChangedAtUtc = now })],
        };
        return await InTransactionAsync(async () =>
        {
            db.Set<CaseRecord>().Add(record);
            IdempotentWrites.Remember(db, scope, request.IdempotencyKey, hash, record.Id.ToString(), now);
            var proto = CaseMapping.ToProto(record);
            await CaseEventLog.AppendAsync(db, record.Id, "case.opened", policy.CountriesMaySeeCase(CaseMapping.AccessOf(record)), new CaseEvent { Case = proto }, now, ct);
            await audit.AppendAsync(db, [new AuditEvent(caller, Channels.Grpc, "case.open", AuditOutcomes.Allowed, "case", record.Id.ToString(), $"invited {string.Join(',', invited)}")], ct);
            return proto;
        }, ct);
    }

    public override async Task<Case> Invite(InviteRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var caller = CallerOf(context);
        var errors = new FieldErrors();
        var countries = CheckCountries(request.Countries.Distinct(), "countries", errors);
        if (countries.Count == 0)
        {
            errors.Add("countries", "at least one country is required");
        }
        errors.ThrowIfAny();
        var record = await VisibleCaseAsync(caller, ParseId(request.CaseId, "case_id"), "case.invite", ct, tracked: true);
        await DenyIfAsync(policy.CanActFor(caller, record.OwnerCountry), caller, "case.invite", record.Id.ToString(), ct);
        RequireOpen(record);
        var now = Now;
        foreach (var country in countries.Where(c => record.Participants.All(p => p.Country != c)))
        {
            record.Participants.Add(new CaseParticipantRecord { Country = country, State = ParticipationState.Invited, ChangedAtUtc = now });
        }
        return await ChangedAsync(caller, record, "case.invite", string.Join(',', countries), ct);
    }

    public override async Task<Case> AcceptInvitation(CaseRef request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var caller = CallerOf(context);
        var record = await VisibleCaseAsync(caller, ParseId(request.CaseId, "case_id"), "case.accept", ct, tracked: true);
        await DenyIfAsync(policy.CanActFor(caller, caller.Country), caller, "case.accept", record.Id.ToString(), ct);
        var participant = record.Participants.First(p => p.Country == caller.Country);
        if (participant.State == ParticipationState.Accepted)
        {
            return CaseMapping.ToProto(record);
        }
        RequireOpen(record);
        participant.State = ParticipationState.Accepted;
        participant.ChangedAtUtc = Now;
        return await ChangedAsync(caller, record, "case.accept", caller.Country, ct);
    }

    public override async Task<Case> CloseCase(CaseRef request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var caller = CallerOf(context);
        var record = await VisibleCaseAsync(caller, ParseId(request.CaseId, "case_id"), "case.close", ct, tracked: true);
        await DenyIfAsync(policy.CanActFor(caller, record.OwnerCountry), caller, "case.close", record.Id.ToString(), ct);
        RequireOpen(record);
        record.Open = false;
        return await ChangedAsync(caller, record, "case.close", null, ct);
    }

    private static void RequireOpen(CaseRecord record)
    {
        if (!record.Open)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "case_id: the case is closed"));
        }
    }

    private Task<Case> ChangedAsync(Caller caller, CaseRecord record, string action, string? detail, CancellationToken ct) =>
        InTransactionAsync(async () =>
        {
            var proto = CaseMapping.ToProto(record);
            await CaseEventLog.AppendAsync(db, record.Id, "case.updated", policy.CountriesMaySeeCase(CaseMapping.AccessOf(record)), new CaseEvent { Case = proto }, Now, ct);
            await audit.AppendAsync(db, [new AuditEvent(caller, Channels.Grpc, action, AuditOutcomes.Allowed, "case", record.Id.ToString(), detail)], ct);
            return proto;
        }, ct);

    public override async Task<Case> GetCase(CaseRef request, ServerCallContext context)
    {
        var caller = CallerOf(context);
        var record = await VisibleCaseAsync(caller, ParseId(request.CaseId, "case_id"), "case.read", context.CancellationToken);
        await AuditAloneAsync(caller, "case.read", AuditOutcomes.Allowed, "case", record.Id.ToString(), null, context.CancellationToken);
        return CaseMapping.ToProto(record);
    }

    public override async Task<ListCasesResponse> ListCases(ListCasesRequest request, ServerCallContext context)
    {
        var caller = CallerOf(context);
        var query = db.Set<CaseRecord>().Include(c => c.Participants).AsNoTracking();
        if (!caller.IsCentreStaff)
        {
            var country = caller.Country;
            query = query.Where(c => c.Participants.Any(p => p.Country == country));
        }
        var cases = (await query.OrderByDescending(c => c.OpenedAtUtc).Take(500).ToListAsync(context.CancellationToken))
            .Where(c => policy.CanSeeCase(caller, CaseMapping.AccessOf(c))).ToList();
        await AuditAloneAsync(caller, "case.list", AuditOutcomes.Allowed, null, null, $"{cases.Count} cases", context.CancellationToken);
        var response = new ListCasesResponse();
        response.Cases.AddRange(cases.Select(CaseMapping.ToProto));
        return response;
    }
}
