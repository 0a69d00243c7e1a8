using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Alerts;
using Hub.Server.Audit;
using Hub.Server.Data;
using Hub.Server.ErrorHandling;
using Hub.Server.Records;
using Hub.Server.Validation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Retention;

/// <summary>The <c>hub.v1.Retention</c> gRPC service: the centre's review list, extensions, purges and legal holds.</summary>
public sealed class RetentionService(
    HubDbContext db,
    AccessPolicy policy,
    GroupCommit writes,
    RecordPipeline pipeline,
    IOptions<RetentionOptions> options,
    [FromKeyedServices(RetentionOptions.ClockKey)] TimeProvider clock) : Contracts.V1.Retention.RetentionBase
{
    public const int MaxPageSize = 200;
    private static readonly TimeSpan LongestExtension = TimeSpan.FromDays(3653);

    private static Caller CallerOf(ServerCallContext context) => Caller.From(context.GetHttpContext().User);

    private void Require(Caller caller, string action, bool readOnly = false)
    {
        var decision = policy.CanManageRetention(caller, readOnly);
        if (!decision.Allowed)
        {
            throw HubException.Denied(decision.Reason).For(action);
        }
    }

    public override async Task<ListDueForReviewResponse> ListDueForReview(ListDueForReviewRequest request, ServerCallContext context)
    {
        if (request.PageSize is < 0 or > MaxPageSize)
        {
            throw HubException.Invalid("page_size", $"must be between 0 and {MaxPageSize}");
        }
        var caller = CallerOf(context);
        Require(caller, "retention.list", readOnly: true);
        var settings = options.Value;
        var due = await AlertRetention.DueBy(db, settings, clock.GetUtcNow().UtcDateTime).AsNoTracking()
            .OrderBy(a => a.KeepUntilUtc ?? a.ReceivedAtUtc.AddSeconds(settings.AlertReview.TotalSeconds)).Take(request.PageSize == 0 ? 50 : request.PageSize).ToListAsync(context.CancellationToken);
        var holds = AlertRetention.Holds(db);
        var response = new ListDueForReviewResponse();
        response.Records.AddRange(due.Select(a => AlertRetention.ToRetained(a, settings, holds.GetValueOrDefault(a.Id.ToString()) ?? [])));
        await writes.AuditAsync(new AuditEvent(caller, Channels.Grpc, "retention.list", AuditOutcomes.Allowed, Detail: $"{response.Records.Count} due"), context.CancellationToken);
        return response;
    }

    public override async Task<RetainedRecord> ExtendRetention(ExtendRetentionRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var id = Record(request.Kind, request.RecordId, errors);
        var now = clock.GetUtcNow();
        var keepUntil = Timestamps.Read(request.KeepUntil, "keep_until", errors, required: true);
        if (keepUntil is { } until && (until <= now || until > now + LongestExtension))
        {
            errors.Add("keep_until", "must be after now and at most ten years ahead");
        }
        RevisionFields.Reason(request.Reason, "reason", errors);
        errors.ThrowIfAny();
        var caller = CallerOf(context);
        Require(caller, "retention.extend");
        return await pipeline.WriteAsync(caller, new ExtendAlertRetentionChange(id, keepUntil!.Value.UtcDateTime, request.Reason, options.Value), context.CancellationToken);
    }

    public override async Task<RetainedRecord> PurgeRecord(PurgeRecordRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var id = Record(request.Kind, request.RecordId, errors);
        RevisionFields.Reason(request.Reason, "reason", errors);
        errors.ThrowIfAny();
        var caller = CallerOf(context);
        Require(caller, "retention.purge");
        return await pipeline.WriteAsync(caller, new PurgeAlertsChange([id], request.Reason, options.Value, null), context.CancellationToken);
    }

    public override async Task<LegalHoldResponse> SetLegalHold(SetLegalHoldRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        if (!Guid.TryParse(request.CaseId, out var caseId))
        {
            errors.Add("case_id", request.CaseId.Length == 0 ? "required" : "must be a UUID");
        }
        RevisionFields.Reason(request.Reason, "reason", errors);
        errors.ThrowIfAny();
        var caller = CallerOf(context);
        Require(caller, "retention.legal-hold");
        return await pipeline.WriteAsync(caller, new LegalHoldChange(caseId, request.Hold, request.Reason), context.CancellationToken);
    }

    private static Guid Record(RetainedKind kind, string recordId, FieldErrors errors)
    {
        if (kind != RetainedKind.Alert)
        {
            errors.Add("kind", kind == RetainedKind.Unspecified ? "required" : $"unknown kind {(int)kind}");
        }
        if (!Guid.TryParse(recordId, out var id))
        {
            errors.Add("record_id", recordId.Length == 0 ? "required" : "must be a UUID");
        }
        return id;
    }
}
