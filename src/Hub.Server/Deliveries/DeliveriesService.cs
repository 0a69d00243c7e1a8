using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Alerts;
using Hub.Server.Audit;
using Hub.Server.Countries;
using Hub.Server.Data;
using Hub.Server.ErrorHandling;
using Hub.Server.Records;
using Hub.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Deliveries;

/// <summary>
/// The <c>hub.v1.ControlledDeliveries</c> gRPC service: requests checked for shape, then each
/// step through the record pipeline to the state machine (<see cref="DeliveryOperation"/>).
/// </summary>
public sealed partial class DeliveriesService(
    HubDbContext db,
    AccessPolicy policy,
    AccessDirectory directory,
    GroupCommit writes,
    RecordPipeline pipeline,
    FeedWatcher watcher,
    DeliveryFeedKind kind,
    NodeFeed<FeedItem<DeliveryEvent>> feed,
    DeliveryWindows windows,
    TimeProvider time) : ControlledDeliveries.ControlledDeliveriesBase
{
    private static Caller CallerOf(ServerCallContext context) => Caller.From(context.GetHttpContext().User);

    private static Guid ParseId(string value) => Guid.TryParse(value, out var id) ? id : throw HubException.Invalid("delivery_id", "must be a UUID");

    private Task<ControlledDelivery> StepAsync(ServerCallContext context, string action, string deliveryId, string key, Google.Protobuf.IMessage request,
        Func<DeliveryOperation, RecordContext, DeliveryOutcome> step, FieldErrors? errors = null)
    {
        errors ??= new FieldErrors();
        var id = Guid.TryParse(deliveryId, out var parsed) ? parsed : Guid.Empty;
        if (id == Guid.Empty)
        {
            errors.Add("delivery_id", "must be a UUID");
        }
        if (key.Length > 0)
        {
            TextFields.IdempotencyKey(key, errors);
        }
        errors.ThrowIfAny();
        var caller = CallerOf(context);
        return pipeline.WriteAsync(caller, new DeliveryChange(caller, action, id, key, request, windows, step), context.CancellationToken);
    }

    public override Task<ControlledDelivery> Propose(ProposeDeliveryRequest request, ServerCallContext context)
    {
        var errors = DeliveryValidation.Validate(request, directory, time.GetUtcNow());
        Guid? caseId = request.CaseId.Length > 0 && Guid.TryParse(request.CaseId, out var parsed) ? parsed : null;
        errors.ThrowIfAny();
        return pipeline.WriteAsync(CallerOf(context), new ProposeChange(CallerOf(context), request, caseId), context.CancellationToken);
    }

    public override Task<ControlledDelivery> Respond(RespondRequest request, ServerCallContext context) =>
        StepAsync(context, "delivery.respond", request.DeliveryId, request.IdempotencyKey, request,
            (op, ctx) => op.Respond(ctx.Caller.Country, request.Accept, request.Reason));

    public override Task<ControlledDelivery> Start(DeliveryRef request, ServerCallContext context) =>
        StepAsync(context, "delivery.start", request.DeliveryId, request.IdempotencyKey, request, (op, ctx) => op.Start(ctx.Caller.Country));

    public override Task<ControlledDelivery> ReportPosition(ReportPositionRequest request, ServerCallContext context) =>
        StepAsync(context, "delivery.position", request.DeliveryId, request.IdempotencyKey, request,
            (op, ctx) => op.ReportPosition(ctx.Caller.Country, request.Kind, request.Text, request.Coordinates), DeliveryValidation.Validate(request));

    public override Task<ControlledDelivery> OfferHandover(DeliveryRef request, ServerCallContext context) =>
        StepAsync(context, "delivery.offer-handover", request.DeliveryId, request.IdempotencyKey, request, (op, ctx) => op.OfferHandover(ctx.Caller.Country));

    public override Task<ControlledDelivery> TakeOver(DeliveryRef request, ServerCallContext context) =>
        StepAsync(context, "delivery.take-over", request.DeliveryId, request.IdempotencyKey, request, (op, ctx) => op.TakeOver(ctx.Caller.Country));

    public override Task<ControlledDelivery> Complete(CompleteDeliveryRequest request, ServerCallContext context) =>
        StepAsync(context, "delivery.complete", request.DeliveryId, request.IdempotencyKey, request, (op, ctx) =>
        {
            // The seizure it ended in must be an alert the completing country may read.
            var alert = Guid.TryParse(request.SeizureAlertId, out var alertId) ? ctx.Db.Set<AlertRecord>().AsNoTracking().FirstOrDefault(a => a.Id == alertId) : null;
            return alert is null || !ctx.Policy.CanRead(ctx.Caller, AlertMapping.AccessOf(alert))
                ? DeliveryOutcome.Refused(DeliveryRefusalKind.Invalid, "seizure_alert_id", "no such seizure alert")
                : op.Complete(ctx.Caller.Country, alert.Id.ToString());
        });

    public override Task<ControlledDelivery> Abort(AbortDeliveryRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        TextFields.Text(request.Reason, "reason", 1000, errors);
        return StepAsync(context, "delivery.abort", request.DeliveryId, request.IdempotencyKey, request, (op, ctx) => op.Abort(ctx.Caller.Country, request.Reason), errors);
    }

    public override async Task<ControlledDelivery> Get(DeliveryRef request, ServerCallContext context)
    {
        var caller = CallerOf(context);
        var document = await VisibleAsync(caller, ParseId(request.DeliveryId), "delivery.read", context.CancellationToken);
        var sight = SightOf(caller, document);
        await writes.AuditAsync(new AuditEvent(caller, Channels.Grpc, "delivery.read", AuditOutcomes.Allowed, DeliveryFeedKind.RecordType, request.DeliveryId,
            sight == Sight.Full ? null : "withdrawn: details withheld"), context.CancellationToken);
        return DeliveryDetails.For(document, sight);
    }

    private Sight SightOf(Caller caller, ControlledDelivery document) =>
        policy.SightOf(caller, new SightedRecord(DeliveryFeedKind.AccessOf(document), new DeliveryDetails(document).IsWithdrawn()));

    private async Task<ControlledDelivery> VisibleAsync(Caller caller, Guid id, string action, CancellationToken ct)
    {
        var record = await db.Set<DeliveryRecord>().AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct);
        var document = record is null ? null : DeliveryFeedKind.Document(record);
        if (document is null || !policy.CanRead(caller, DeliveryFeedKind.AccessOf(document)))
        {
            throw HubException.NotFound("delivery_id", $"operation {id}", DeliveryFeedKind.RecordType, id.ToString(), record is null ? "no such operation" : "not on the route").For(action);
        }
        return document;
    }

    public override async Task<ListDeliveriesResponse> List(ListDeliveriesRequest request, ServerCallContext context)
    {
        var caller = CallerOf(context);
        var found = (await db.Set<DeliveryRecord>().AsNoTracking().Where(policy.Listed<DeliveryRecord>(caller))
                .OrderByDescending(d => d.CreatedAtUtc).Take(500).ToListAsync(context.CancellationToken))
            .Select(DeliveryFeedKind.Document).Where(d => policy.CanRead(caller, DeliveryFeedKind.AccessOf(d)) && (request.IncludeWithdrawn || d.Withdrawal is null))
            .Select(d => DeliveryDetails.For(d, SightOf(caller, d))).ToList();
        await writes.AuditAsync(new AuditEvent(caller, Channels.Grpc, "delivery.list", AuditOutcomes.Allowed, null, null, $"{found.Count} operations"), context.CancellationToken);
        var response = new ListDeliveriesResponse();
        response.Deliveries.AddRange(found);
        return response;
    }

    public override async Task Watch(WatchDeliveriesRequest request, IServerStreamWriter<DeliveryEvent> responseStream, ServerCallContext context)
    {
        string? scope = null;
        if (request.DeliveryId.Length > 0)
        {
            scope = (await VisibleAsync(CallerOf(context), ParseId(request.DeliveryId), "delivery.watch", context.CancellationToken)).Id;
        }
        await watcher.WatchAsync(kind, feed, request.AfterSequence, scope, responseStream, context);
    }
}

/// <summary>How long a handover may wait to be taken over, and how long surveillance may stay silent.</summary>
public sealed record DeliveryWindows(TimeSpan Handover, TimeSpan Position);

/// <summary>The <c>Hub:Deliveries</c> settings, checked when the hub starts.</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Hub:Deliveries";

    public TimeSpan HandoverWindow { get; set; } = TimeSpan.FromMinutes(30);
    public TimeSpan PositionWindow { get; set; } = TimeSpan.FromMinutes(60);
}
