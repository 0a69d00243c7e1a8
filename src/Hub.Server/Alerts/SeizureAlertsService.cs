using System.Globalization;
using System.Security.Cryptography;
using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;
using Hub.Contracts.Events;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Audit;
using Hub.Server.Data;
using Hub.Server.Idempotency;
using Hub.Server.Messaging;
using Hub.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Alerts;

/// <summary>The <c>hub.v1.SeizureAlerts</c> gRPC service.</summary>
public sealed class SeizureAlertsService(
    HubDbContext db,
    AlertFeed feed,
    OutboxSignal outboxSignal,
    AccessPolicy policy,
    AccessDirectory directory,
    GroupCommit writes,
    IHostApplicationLifetime lifetime,
    TimeProvider clock) : SeizureAlerts.SeizureAlertsBase
{
    internal const string RecordType = "alert";

    private static Caller CallerOf(ServerCallContext context) => Caller.From(context.GetHttpContext().User);

    private Task AuditAsync(Caller caller, string channel, string action, string outcome, string? recordId, string? detail, CancellationToken ct) =>
        writes.AuditAsync(new AuditEvent(caller, channel, action, outcome, RecordType, recordId, detail), ct);

    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    private const int ReplayBatch = 500;

    public override async Task<PostAlertResponse> PostAlert(PostAlertRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var caller = CallerOf(context);
        var now = clock.GetUtcNow();
        var errors = AlertValidator.Validate(request, now);
        if (request.Alert is not null)
        {
            AlertDirectoryChecks.Check(directory, request.Alert, errors);
        }
        if (errors.Any)
        {
            await AuditAsync(caller, Channels.Grpc, "alert.post", AuditOutcomes.Invalid, null, errors.All[0].ToString(), ct);
            errors.ThrowIfAny();
        }
        var decision = policy.CanPostFor(caller, request.Alert!.ReportingCountry);
        if (!decision.Allowed)
        {
            await AuditAsync(caller, Channels.Grpc, "alert.post", AuditOutcomes.Denied, null, decision.Reason, ct);
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"alert.reporting_country: {decision.Reason}"));
        }

        var content = request.Alert!.Clone();
        foreach (var item in content.Items)
        {
            // Output-only fields: whatever a client sent there is not part of its alert.
            item.NormalizedQuantity = 0;
            item.NormalizedDimension = QuantityDimension.Unspecified;
        }
        var contentHash = IdempotentWrites.HashOf(content);
        foreach (var item in content.Items)
        {
            (item.NormalizedQuantity, item.NormalizedDimension) = Quantities.Normalize(item.Quantity, item.Unit);
        }

        // A retry (the key is taken) is found inside the group commit, with the keys of every
        // write of the batch in one query, rather than by a query of its own for every post.
        var keyScope = KeyScope(content.ReportingCountry);
        var write = new AlertWrite(caller, content, now.UtcDateTime, (keyScope, request.IdempotencyKey, contentHash));
        try
        {
            var stored = await writes.WriteAsync(write);
            outboxSignal.Notify();
            return new PostAlertResponse { Alert = stored, Duplicate = false };
        }
        catch (Exception ex) when (ex is IdempotencyKeyTakenException or DbUpdateException)
        {
            // A retry, or a concurrent call with the same key on another node won the race
            // (the primary key refused ours): answer as its retry.
            return await FindEarlierAsync(caller, keyScope, request.IdempotencyKey, contentHash, ct) ?? throw new InvalidOperationException("the alert could not be stored", ex);
        }
    }

    /// <summary>Keys are scoped to the reporting country: two countries may pick the same key.</summary>
    private static string KeyScope(string country) => "alert:" + country;

    /// <summary>The response to a retried post, or null for a first one.</summary>
    private async Task<PostAlertResponse?> FindEarlierAsync(Caller caller, string scope, string key, string contentHash, CancellationToken ct)
    {
        string? recordId;
        try
        {
            recordId = await IdempotentWrites.FindAsync(db, scope, key, contentHash, "idempotency_key", ct);
        }
        catch (RpcException)
        {
            await AuditAsync(caller, Channels.Grpc, "alert.post", AuditOutcomes.Invalid, null, "idempotency key reused for different content", ct);
            throw;
        }
        if (recordId is null)
        {
            return null;
        }
        var id = Guid.Parse(recordId);
        var earlier = await db.Alerts.AsNoTracking().SingleAsync(a => a.Id == id, ct);
        await AuditAsync(caller, Channels.Grpc, "alert.post-retry", AuditOutcomes.Allowed, recordId, "same idempotency key: the stored alert is returned", ct);
        return new PostAlertResponse { Alert = AlertMapping.ToProto(earlier), Duplicate = true };
    }

    public override async Task<SeizureAlert> GetAlert(GetAlertRequest request, ServerCallContext context)
    {
        if (!Guid.TryParse(request.Id, out var id))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "id: must be a UUID"));
        }
        var caller = CallerOf(context);
        var record = await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, context.CancellationToken);
        if (record is null || !policy.CanRead(caller, RecordAccess.Of(record)))
        {
            // The same answer whether it does not exist or may not be seen: no hint either way.
            await AuditAsync(caller, Channels.Grpc, "alert.read", AuditOutcomes.Denied, id.ToString(), record is null ? "no such alert" : "not released to the caller", context.CancellationToken);
            throw new RpcException(new Status(StatusCode.NotFound, $"alert {id} not found"));
        }
        await AuditAsync(caller, Channels.Grpc, "alert.read", AuditOutcomes.Allowed, id.ToString(), null, context.CancellationToken);
        return AlertMapping.ToProto(record);
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
        var filterKey = string.Join('|', request.ReportingCountry, (int)request.Substance, request.SeizedFrom, request.SeizedTo);
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
        var query = db.Alerts.AsNoTracking().Where(policy.ReadableAlerts(caller));
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
        response.Alerts.AddRange(page.Take(pageSize).Select(AlertMapping.ToProto));
        if (page.Count > pageSize)
        {
            response.NextPageToken = PageToken.Create(page[pageSize - 1].Sequence, filterKey);
        }
        await AuditAsync(caller, Channels.Grpc, "alert.list", AuditOutcomes.Allowed, null,
            $"{response.Alerts.Count} alerts: {string.Join(',', response.Alerts.Select(a => a.Id))}", context.CancellationToken);
        return response;
    }

    public override async Task WatchAlerts(WatchAlertsRequest request, IServerStreamWriter<AlertEvent> responseStream, ServerCallContext context)
    {
        // A node shutting down ends its streams at once, telling watchers where to resume on
        // another node, rather than holding the shutdown until they leave.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var ct = stopping.Token;
        var caller = CallerOf(context);
        var readable = policy.ReadableAlerts(caller);
        // Subscribe before replaying: whatever is posted during the replay is buffered and
        // then either skipped (already replayed) or sent, so nothing falls in between.
        using var subscription = feed.Subscribe();
        var progress = new WatchProgress(request.AfterSequence);
        try
        {
            if (progress.Last >= 0)
            {
                await ReplayAsync(readable, progress, long.MaxValue, responseStream, ct);
            }
            await foreach (var alertEvent in subscription.Reader.ReadAllAsync(ct))
            {
                if (!policy.IsActive(caller))
                {
                    throw new RpcException(new Status(StatusCode.PermissionDenied, "the account was disabled"));
                }
                if (progress.Last >= 0 && alertEvent.Sequence > progress.Last + 1)
                {
                    // A gap: events this node has not seen (yet). The database has them.
                    await ReplayAsync(readable, progress, alertEvent.Sequence - 1, responseStream, ct);
                }
                if (alertEvent.Sequence <= progress.Last)
                {
                    continue;
                }
                progress.Last = alertEvent.Sequence;
                if (policy.CanRead(caller, RecordAccess.Of(alertEvent.Alert)))
                {
                    await responseStream.WriteAsync(alertEvent, ct);
                    progress.Delivered(alertEvent.Sequence);
                }
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable,
                string.Create(CultureInfo.InvariantCulture, $"this hub node is shutting down; reconnect with after_sequence={progress.Last} to resume")));
        }
        catch (Exception ex) when ((ex as SlowWatcherException ?? ex.InnerException as SlowWatcherException) is { } slow)
        {
            // A closed channel hands its exception to the reader, directly or wrapped.
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                string.Create(CultureInfo.InvariantCulture, $"{slow.Message}; reconnect with after_sequence={progress.Last} to resume")));
        }
        finally
        {
            await AuditAsync(caller, Channels.GrpcStream, "alert.watch", AuditOutcomes.Allowed, null, progress.Describe(request.AfterSequence), CancellationToken.None);
        }
    }

    /// <summary>Where a watch stands: the last sequence considered, and what it delivered.</summary>
    private sealed class WatchProgress(long after)
    {
        public long Last { get; set; } = after;
        public long Count { get; private set; }
        public long First { get; private set; }
        public long LastDelivered { get; private set; }

        public void Delivered(long sequence)
        {
            if (Count++ == 0)
            {
                First = sequence;
            }
            LastDelivered = sequence;
        }

        public string Describe(long requestedAfter) => Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"after_sequence {requestedAfter}; delivered nothing")
            : string.Create(CultureInfo.InvariantCulture, $"after_sequence {requestedAfter}; delivered {Count} alerts, sequences {First}..{LastDelivered}");
    }

    private async Task ReplayAsync(System.Linq.Expressions.Expression<Func<AlertRecord, bool>> readable, WatchProgress progress, long upTo, IServerStreamWriter<AlertEvent> stream, CancellationToken ct)
    {
        while (true)
        {
            var from = progress.Last;
            var batch = await db.Alerts.AsNoTracking()
                .Where(readable)
                .Where(a => a.Sequence > from && a.Sequence <= upTo)
                .OrderBy(a => a.Sequence)
                .Take(ReplayBatch)
                .ToListAsync(ct);
            foreach (var record in batch)
            {
                await stream.WriteAsync(AlertMapping.ToEvent(record), ct);
                progress.Last = record.Sequence;
                progress.Delivered(record.Sequence);
            }
            if (batch.Count < ReplayBatch)
            {
                // Nothing readable left up to here; what is not readable is passed over too.
                if (upTo != long.MaxValue)
                {
                    progress.Last = Math.Max(progress.Last, upTo);
                }
                return;
            }
        }
    }
}
