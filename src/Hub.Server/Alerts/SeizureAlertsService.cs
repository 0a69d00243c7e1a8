using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Audit;
using Hub.Server.Data;
using Hub.Server.ErrorHandling;
using Hub.Server.Records;
using Hub.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Alerts;

/// <summary>The <c>hub.v1.SeizureAlerts</c> gRPC service.</summary>
public sealed partial class SeizureAlertsService(
    HubDbContext db,
    AccessPolicy policy,
    AccessDirectory directory,
    GroupCommit writes,
    RecordPipeline pipeline,
    FeedWatcher watcher,
    AlertFeedKind kind,
    NodeFeed<FeedItem<AlertEvent>> feed,
    TimeProvider clock) : SeizureAlerts.SeizureAlertsBase
{
    internal const string RecordType = "alert";

    private static Caller CallerOf(ServerCallContext context) => Caller.From(context.GetHttpContext().User);

    private Task AuditAsync(Caller caller, string channel, string action, string outcome, string? recordId, string? detail, CancellationToken ct) =>
        writes.AuditAsync(new AuditEvent(caller, channel, action, outcome, RecordType, recordId, detail), ct);

    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public override async Task<PostAlertResponse> PostAlert(PostAlertRequest request, ServerCallContext context)
    {
        var caller = CallerOf(context);
        var errors = AlertValidator.Validate(request, clock.GetUtcNow());
        if (request.Alert is not null)
        {
            AlertDirectoryChecks.Check(directory, request.Alert, errors);
        }
        errors.ThrowIfAny();
        var decision = policy.CanPostFor(caller, request.Alert!.ReportingCountry);
        if (!decision.Allowed)
        {
            throw HubException.Denied(decision.Reason, RecordType, field: "alert.reporting_country").For("alert.post");
        }

        var (asSent, content) = Normalized(request.Alert!);
        return await pipeline.WriteAsync(caller, new PostAlertChange(asSent, content, request.IdempotencyKey), context.CancellationToken);
    }

    /// <summary>The content as the client sent it (output-only fields cleared) and as stored (normalised quantities filled in).</summary>
    private static (SeizureAlertContent AsSent, SeizureAlertContent Stored) Normalized(SeizureAlertContent sent)
    {
        var asSent = sent.Clone();
        foreach (var item in asSent.Items)
        {
            // Output-only fields: whatever a client sent there is not part of its alert.
            item.NormalizedQuantity = 0;
            item.NormalizedDimension = QuantityDimension.Unspecified;
        }
        var content = asSent.Clone();
        foreach (var item in content.Items)
        {
            (item.NormalizedQuantity, item.NormalizedDimension) = Quantities.Normalize(item.Quantity, item.Unit);
        }
        return (asSent, content);
    }

    public override async Task<SeizureAlert> GetAlert(GetAlertRequest request, ServerCallContext context)
    {
        if (!Guid.TryParse(request.Id, out var id))
        {
            throw HubException.Invalid("id", "must be a UUID");
        }
        var caller = CallerOf(context);
        var (record, sight) = await ReadableAsync(caller, id, "id", "alert.read", context.CancellationToken);
        await AuditAsync(caller, Channels.Grpc, "alert.read", AuditOutcomes.Allowed, id.ToString(), sight == Sight.Full ? null : "withdrawn: content withheld", context.CancellationToken);
        return AlertMapping.ToProto(record, sight);
    }

    /// <summary>The alert and what the caller sees of it; NOT_FOUND when it does not exist or is not released to the caller.</summary>
    private async Task<(AlertRecord Record, Sight Sight)> ReadableAsync(Caller caller, Guid id, string field, string action, CancellationToken ct)
    {
        var record = await db.Set<AlertRecord>().AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        var sight = record is null ? Sight.None : AlertMapping.ReadSight(policy, caller, record);
        if (record is null || sight == Sight.None)
        {
            throw HubException.NotFound(field, $"alert {id}", RecordType, id.ToString(), record is null ? "no such alert" : "not released to the caller").For(action);
        }
        return (record, sight);
    }

    public override async Task<ListAlertsResponse> ListAlerts(ListAlertsRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        if (request.ReportingCountry.Length > 0 && (request.ReportingCountry.Length > 16 || !request.ReportingCountry.All(char.IsAsciiLetterUpper)))
        {
            errors.Add("reporting_country", "must be an upper-case country or organisation code");
        }
        if (!Enum.IsDefined(request.Substance))
        {
            errors.Add("substance", $"unknown substance {(int)request.Substance}");
        }
        if (request.PageSize is < 0 or > MaxPageSize)
        {
            errors.Add("page_size", $"must be between 0 and {MaxPageSize}");
        }
        if (request.SeizedFrom is not null && request.SeizedTo is not null && request.SeizedFrom.ToDateTime() >= request.SeizedTo.ToDateTime())
        {
            errors.Add("seized_to", "must be after seized_from");
        }
        var filterKey = string.Join('|', request.ReportingCountry, (int)request.Substance, request.SeizedFrom, request.SeizedTo, request.IncludeWithdrawn);
        long? before = null;
        if (request.PageToken.Length > 0)
        {
            if (PageToken.TryRead(request.PageToken, filterKey, out var sequence))
            {
                before = sequence;
            }
            else
            {
                errors.Add("page_token", "not a token issued for these filters");
            }
        }
        errors.ThrowIfAny();

        var caller = CallerOf(context);
        var query = db.Set<AlertRecord>().AsNoTracking().Where(policy.Readable<AlertRecord>(caller));
        if (!request.IncludeWithdrawn)
        {
            query = query.Where(a => a.WithdrawalCause == WithdrawalCause.Unspecified);
        }
        if (request.ReportingCountry.Length > 0)
        {
            query = query.Where(a => a.ReportingCountry == request.ReportingCountry);
        }
        if (request.Substance != Substance.Unspecified)
        {
            var substance = request.Substance;
            query = query.Where(a => a.Items.Any(i => i.Substance == substance));
        }
        if (request.SeizedFrom is not null)
        {
            var from = request.SeizedFrom.ToDateTime();
            query = query.Where(a => a.SeizedAtUtc >= from);
        }
        if (request.SeizedTo is not null)
        {
            var to = request.SeizedTo.ToDateTime();
            query = query.Where(a => a.SeizedAtUtc < to);
        }
        if (before is { } b)
        {
            query = query.Where(a => a.Sequence < b);
        }
        var pageSize = request.PageSize == 0 ? DefaultPageSize : request.PageSize;
        var page = await query.OrderByDescending(a => a.Sequence).Take(pageSize + 1).ToListAsync(context.CancellationToken);

        var response = new ListAlertsResponse();
        response.Alerts.AddRange(page.Take(pageSize).Select(a => AlertMapping.ToProto(a, AlertMapping.ReadSight(policy, caller, a))));
        if (page.Count > pageSize)
        {
            response.NextPageToken = PageToken.Create(page[pageSize - 1].Sequence, filterKey);
        }
        await AuditAsync(caller, Channels.Grpc, "alert.list", AuditOutcomes.Allowed, null,
            $"{response.Alerts.Count} alerts: {string.Join(',', response.Alerts.Select(a => a.Id))}", context.CancellationToken);
        return response;
    }

    public override Task WatchAlerts(WatchAlertsRequest request, IServerStreamWriter<AlertEvent> responseStream, ServerCallContext context) =>
        watcher.WatchAsync(kind, feed, request.AfterSequence, null, responseStream, context);
}
