using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Hub.Contracts.Events;
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

namespace Hub.Server.Deliveries;

/// <summary>
/// The <c>hub.v1.ControlledDeliveries</c> gRPC service: an explicit state machine, each
/// transition one transaction (operation, event, outbox row, audit entry).
/// </summary>
public sealed class DeliveriesService(
    HubDbContext db,
    AccessPolicy policy,
    AccessDirectory directory,
    AuditChain audit,
    GroupCommit writes,
    OutboxSignal outboxSignal,
    DeliveryFeed feed,
    DeliveryWindows windows,
    IHostApplicationLifetime lifetime,
    TimeProvider clock) : ControlledDeliveries.ControlledDeliveriesBase
{
    private static Caller CallerOf(ServerCallContext context) => Caller.From(context.GetHttpContext().User);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private static Timestamp Ts(DateTime utc) => Timestamp.FromDateTime(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    private static IReadOnlyList<string> Route(ControlledDelivery d) => [.. d.Legs.Select(l => l.Country)];

    private static RpcException NotInState(ControlledDelivery d, string action) =>
        new(new Status(StatusCode.FailedPrecondition, $"state: cannot {action} an operation that is {ProtoEnums.Name(d.State)}"));

    public override async Task<ControlledDelivery> Propose(ProposeDeliveryRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var caller = CallerOf(context);
        var errors = new FieldErrors();
        Cases.CaseValidation.IdempotencyKey(request.IdempotencyKey, errors);
        Cases.CaseValidation.Text(request.Title, "title", 200, errors);
        Cases.CaseValidation.Text(request.Suspects, "suspects", 2000, errors, required: false);
        if (request.HandlingCode == HandlingCode.Unspecified || !System.Enum.IsDefined(request.HandlingCode))
        {
            errors.Add("handling_code", "required");
        }
        if (request.Consignment.Count == 0)
        {
            errors.Add("consignment", "at least one item is required");
        }
        for (var i = 0; i < request.Consignment.Count; i++)
        {
            var item = request.Consignment[i];
            if (item.Substance == Substance.Unspecified || !System.Enum.IsDefined(item.Substance))
            {
                errors.Add($"consignment[{i}].substance", "required, from the controlled vocabulary");
            }
            if (!double.IsFinite(item.Quantity) || item.Quantity <= 0)
            {
                errors.Add($"consignment[{i}].quantity", "must be a finite number greater than zero");
            }
            if (item.Unit == QuantityUnit.Unspecified || !System.Enum.IsDefined(item.Unit))
            {
                errors.Add($"consignment[{i}].unit", "required");
            }
        }
        if (request.Legs.Count is < 2 or > 10)
        {
            errors.Add("legs", "two to ten legs");
        }
        for (var i = 0; i < request.Legs.Count; i++)
        {
            var leg = request.Legs[i];
            if (directory.StatusOf(leg.Country) != CountryStatus.Member)
            {
                errors.Add($"legs[{i}].country", $"'{AlertValidator.Truncate(leg.Country)}' is not a member state");
            }
            else if (request.Legs.Take(i).Any(l => l.Country == leg.Country))
            {
                errors.Add($"legs[{i}].country", "each country once");
            }
            if (i > 0 && string.IsNullOrWhiteSpace(leg.EntryCrossingPoint))
            {
                errors.Add($"legs[{i}].entry_crossing_point", "required: where surveillance is handed over");
            }
        }
        if (request.Legs.Count > 0 && request.Legs[0].Country != request.InitiatingCountry)
        {
            errors.Add("legs[0].country", "the first leg is the initiating country's");
        }
        Guid? caseId = null;
        if (request.CaseId.Length > 0)
        {
            caseId = Guid.TryParse(request.CaseId, out var parsed) ? parsed : null;
            if (caseId is null)
            {
                errors.Add("case_id", "must be a UUID");
            }
        }
        if (errors.Any)
        {
            await writes.AuditAsync(new AuditEvent(caller, Channels.Grpc, "delivery.propose", AuditOutcomes.Invalid, "delivery", null, errors.All[0].ToString()), ct);
            errors.ThrowIfAny();
        }
        var decision = policy.CanPostFor(caller, request.InitiatingCountry);
        if (!decision.Allowed)
        {
            await writes.AuditAsync(new AuditEvent(caller, Channels.Grpc, "delivery.propose", AuditOutcomes.Denied, "delivery", null, decision.Reason), ct);
            throw new RpcException(new Status(StatusCode.PermissionDenied, decision.Reason));
        }
        var scope = "delivery:" + request.InitiatingCountry;
        var hash = IdempotentWrites.HashOf(request);
        if (await IdempotentWrites.FindAsync(db, scope, request.IdempotencyKey, hash, "idempotency_key", ct) is { } earlier)
        {
            return Document(await db.Set<DeliveryRecord>().AsNoTracking().FirstAsync(d => d.Id == Guid.Parse(earlier), ct));
        }

        var delivery = new ControlledDelivery
        {
            Id = Guid.NewGuid().ToString(),
            InitiatingCountry = request.InitiatingCountry,
            CaseId = caseId?.ToString() ?? "",
            Title = request.Title,
            Suspects = request.Suspects,
            State = DeliveryState.Proposed,
            HandlingCode = request.HandlingCode,
        };
        foreach (var item in request.Consignment)
        {
            var copy = item.Clone();
            (copy.NormalizedQuantity, copy.NormalizedDimension) = Quantities.Normalize(copy.Quantity, copy.Unit);
            delivery.Consignment.Add(copy);
        }
        delivery.Identifiers.AddRange(request.Identifiers);
        foreach (var leg in request.Legs)
        {
            var copy = leg.Clone();
            copy.Response = copy.Country == request.InitiatingCountry ? LegResponse.Accepted : LegResponse.Pending;
            copy.State = LegState.Waiting;
            delivery.Legs.Add(copy);
        }
        var now = Now;
        var record = new DeliveryRecord
        {
            Id = Guid.Parse(delivery.Id),
            InitiatingCountry = delivery.InitiatingCountry,
            RouteCountries = "," + string.Join(',', Route(delivery)) + ",",
            State = delivery.State,
            CreatedAtUtc = now,
            DocumentJson = "",
        };
        return await TransitionAsync(caller, record, delivery, "proposed", "delivery.propose", null, ct, added: true,
            extra: () => IdempotentWrites.Remember(db, scope, request.IdempotencyKey, hash, delivery.Id, now));
    }

    public override Task<ControlledDelivery> Respond(RespondRequest request, ServerCallContext context) =>
        ActAsync(context, request.DeliveryId, "delivery.respond", (caller, d, record) =>
        {
            if (d.State != DeliveryState.Proposed)
            {
                throw NotInState(d, "respond to");
            }
            var leg = d.Legs.FirstOrDefault(l => l.Country == caller.Country)
                ?? throw new RpcException(new Status(StatusCode.PermissionDenied, $"{caller.Country} is not on the route"));
            if (leg.Response != LegResponse.Pending)
            {
                throw new RpcException(new Status(StatusCode.FailedPrecondition, $"state: {caller.Country} has already answered ({ProtoEnums.Name(leg.Response)})"));
            }
            if (!request.Accept && string.IsNullOrWhiteSpace(request.Reason))
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, "reason: required when declining"));
            }
            leg.Response = request.Accept ? LegResponse.Accepted : LegResponse.Declined;
            leg.DeclineReason = request.Accept ? "" : request.Reason;
            if (!request.Accept)
            {
                d.State = DeliveryState.Aborted;
                d.AbortReason = $"declined by {caller.Country}: {request.Reason}";
                return "aborted";
            }
            if (d.Legs.All(l => l.Response == LegResponse.Accepted))
            {
                d.State = DeliveryState.Approved;
                return "approved";
            }
            return "responded";
        });

    public override Task<ControlledDelivery> Start(DeliveryRef request, ServerCallContext context) =>
        ActAsync(context, request.DeliveryId, "delivery.start", (caller, d, record) =>
        {
            if (d.State != DeliveryState.Approved)
            {
                throw NotInState(d, "start");
            }
            RequireCountry(caller, d.Legs[0].Country, "start surveillance");
            d.State = DeliveryState.Active;
            d.CurrentLeg = 0;
            d.Legs[0].State = LegState.Holding;
            record.PositionDueAtUtc = Now + windows.Position;
            record.PositionEscalatedAtUtc = null;
            return "started";
        });

    public override Task<ControlledDelivery> ReportPosition(ReportPositionRequest request, ServerCallContext context) =>
        ActAsync(context, request.DeliveryId, "delivery.position", (caller, d, record) =>
        {
            if (request.Kind is not ("checkpoint" or "sighting"))
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, "kind: checkpoint or sighting"));
            }
            var errors = new FieldErrors();
            Cases.CaseValidation.Text(request.Text, "text", 1000, errors);
            if (request.Coordinates is { } p && (p.Latitude is < -90 or > 90 || p.Longitude is < -180 or > 180 || !double.IsFinite(p.Latitude) || !double.IsFinite(p.Longitude)))
            {
                errors.Add("coordinates", "latitude -90..90, longitude -180..180");
            }
            errors.ThrowIfAny();
            if (d.State != DeliveryState.Active)
            {
                throw NotInState(d, "report a position of");
            }
            RequireCountry(caller, d.Legs[d.CurrentLeg].Country, "report positions (surveillance is held by another country)");
            d.Positions.Add(new PositionReport { Country = caller.Country, Kind = request.Kind, Text = request.Text, Coordinates = request.Coordinates, ReportedAt = Ts(Now) });
            while (d.Positions.Count > 50)
            {
                d.Positions.RemoveAt(0);
            }
            record.PositionDueAtUtc = Now + windows.Position;
            record.PositionEscalatedAtUtc = null;
            return "position";
        });

    public override Task<ControlledDelivery> OfferHandover(DeliveryRef request, ServerCallContext context) =>
        ActAsync(context, request.DeliveryId, "delivery.offer-handover", (caller, d, record) =>
        {
            if (d.State != DeliveryState.Active)
            {
                throw NotInState(d, "offer a handover in");
            }
            RequireCountry(caller, d.Legs[d.CurrentLeg].Country, "offer the handover (surveillance is held by another country)");
            if (d.CurrentLeg == d.Legs.Count - 1)
            {
                throw new RpcException(new Status(StatusCode.FailedPrecondition, "state: the last leg hands over to nobody; complete or abort"));
            }
            if (d.HandoverOfferedAt is not null)
            {
                throw new RpcException(new Status(StatusCode.FailedPrecondition, "state: a handover is already offered and waiting"));
            }
            var now = Now;
            d.HandoverOfferedAt = Ts(now);
            d.HandoverDueAt = Ts(now + windows.Handover);
            record.HandoverDueAtUtc = now + windows.Handover;
            record.HandoverEscalatedAtUtc = null;
            return "handover.offered";
        });

    public override Task<ControlledDelivery> TakeOver(DeliveryRef request, ServerCallContext context) =>
        ActAsync(context, request.DeliveryId, "delivery.take-over", (caller, d, record) =>
        {
            if (d.State != DeliveryState.Active)
            {
                throw NotInState(d, "take over");
            }
            var next = d.CurrentLeg + 1 < d.Legs.Count ? d.Legs[d.CurrentLeg + 1].Country : null;
            if (caller.Country != next)
            {
                throw new RpcException(new Status(StatusCode.PermissionDenied,
                    next is null ? "there is no next leg" : $"the next leg is {next}'s; {caller.Country} cannot take over"));
            }
            if (d.HandoverOfferedAt is null)
            {
                throw new RpcException(new Status(StatusCode.FailedPrecondition, $"state: {d.Legs[d.CurrentLeg].Country} has not offered the handover yet"));
            }
            d.Legs[d.CurrentLeg].State = LegState.Done;
            d.CurrentLeg++;
            d.Legs[d.CurrentLeg].State = LegState.Holding;
            d.HandoverOfferedAt = null;
            d.HandoverDueAt = null;
            record.HandoverDueAtUtc = null;
            record.PositionDueAtUtc = Now + windows.Position;
            record.PositionEscalatedAtUtc = null;
            return "handover.taken";
        });

    public override async Task<ControlledDelivery> Complete(CompleteDeliveryRequest request, ServerCallContext context)
    {
        var caller = CallerOf(context);
        var alert = Guid.TryParse(request.SeizureAlertId, out var alertId)
            ? await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == alertId, context.CancellationToken)
            : null;
        if (alert is null || !policy.CanRead(caller, RecordAccess.Of(alert)))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "seizure_alert_id: no such seizure alert"));
        }
        return await ActAsync(context, request.DeliveryId, "delivery.complete", (caller, d, record) =>
        {
            if (d.State != DeliveryState.Active)
            {
                throw NotInState(d, "complete");
            }
            var last = d.Legs[^1].Country;
            if (d.CurrentLeg != d.Legs.Count - 1)
            {
                throw new RpcException(new Status(StatusCode.FailedPrecondition, $"state: surveillance is still with {d.Legs[d.CurrentLeg].Country}, not with the last leg ({last})"));
            }
            RequireCountry(caller, last, "complete the operation");
            d.Legs[^1].State = LegState.Done;
            d.State = DeliveryState.Completed;
            d.SeizureAlertId = alert.Id.ToString();
            ClearDeadlines(d, record);
            return "completed";
        });
    }

    public override Task<ControlledDelivery> Abort(AbortDeliveryRequest request, ServerCallContext context) =>
        ActAsync(context, request.DeliveryId, "delivery.abort", (caller, d, record) =>
        {
            var errors = new FieldErrors();
            Cases.CaseValidation.Text(request.Reason, "reason", 1000, errors);
            errors.ThrowIfAny();
            if (d.State is not (DeliveryState.Proposed or DeliveryState.Approved or DeliveryState.Active))
            {
                throw NotInState(d, "abort");
            }
            if (!Route(d).Contains(caller.Country))
            {
                throw new RpcException(new Status(StatusCode.PermissionDenied, $"{caller.Country} is not on the route"));
            }
            d.State = DeliveryState.Aborted;
            d.AbortReason = $"{caller.Country}: {request.Reason}";
            ClearDeadlines(d, record);
            return "aborted";
        });

    private static void ClearDeadlines(ControlledDelivery d, DeliveryRecord record)
    {
        d.HandoverOfferedAt = null;
        d.HandoverDueAt = null;
        record.HandoverDueAtUtc = null;
        record.PositionDueAtUtc = null;
    }

    private static void RequireCountry(Caller caller, string country, string what)
    {
        if (caller.Country != country)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"only {country} may {what}"));
        }
    }

    /// <summary>
    /// Loads the operation in a transaction, lets <paramref name="step"/> check and change
    /// it (returning the event type), then stores it with its event, outbox row and audit
    /// entry. A concurrent change by another country is retried from a fresh read.
    /// </summary>
    private async Task<ControlledDelivery> ActAsync(ServerCallContext context, string deliveryId, string action, Func<Caller, ControlledDelivery, DeliveryRecord, string> step)
    {
        var ct = context.CancellationToken;
        var caller = CallerOf(context);
        if (!Guid.TryParse(deliveryId, out var id))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "delivery_id: must be a UUID"));
        }
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var record = await db.Set<DeliveryRecord>().FirstOrDefaultAsync(d => d.Id == id, ct);
            var delivery = record is null ? null : Document(record);
            if (record is null || !policy.CanSeeDelivery(caller, Route(delivery!)))
            {
                await writes.AuditAsync(new AuditEvent(caller, Channels.Grpc, action, AuditOutcomes.Denied, "delivery", deliveryId, "not on the route"), ct);
                throw new RpcException(new Status(StatusCode.NotFound, $"delivery_id: operation {deliveryId} not found"));
            }
            var decision = policy.CanActFor(caller, caller.Country);
            string type;
            try
            {
                if (!decision.Allowed)
                {
                    throw new RpcException(new Status(StatusCode.PermissionDenied, decision.Reason));
                }
                type = step(caller, delivery!, record);
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.PermissionDenied or StatusCode.FailedPrecondition)
            {
                await writes.AuditAsync(new AuditEvent(caller, Channels.Grpc, action, AuditOutcomes.Denied, "delivery", deliveryId, ex.Status.Detail), ct);
                throw;
            }
            try
            {
                return await TransitionAsync(caller, record, delivery!, type, action, null, ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
                // Another country acted on the operation meanwhile: decide again on what it is now.
            }
        }
    }

    private async Task<ControlledDelivery> TransitionAsync(Caller caller, DeliveryRecord record, ControlledDelivery delivery, string type, string action, string? detail,
        CancellationToken ct, bool added = false, Action? extra = null)
    {
        var now = Now;
        record.State = delivery.State;
        record.DocumentJson = AlertMapping.Formatter.Format(delivery);
        record.Version++;
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (added)
            {
                db.Set<DeliveryRecord>().Add(record);
            }
            extra?.Invoke();
            await DeliveryEvents.AppendAsync(db, record.Id, type, Route(delivery), delivery, now, ct);
            await audit.AppendAsync(db, [new AuditEvent(caller, Channels.Grpc, action, AuditOutcomes.Allowed, "delivery", record.Id.ToString(),
                detail ?? $"{type}; {ProtoEnums.Name(delivery.State)}; leg {delivery.CurrentLeg}")], ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        });
        outboxSignal.Notify();
        return delivery;
    }

    internal static ControlledDelivery Document(DeliveryRecord record) => AlertMapping.Parser.Parse<ControlledDelivery>(record.DocumentJson);

    public override async Task<ControlledDelivery> Get(DeliveryRef request, ServerCallContext context)
    {
        var caller = CallerOf(context);
        var record = Guid.TryParse(request.DeliveryId, out var id)
            ? await db.Set<DeliveryRecord>().AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, context.CancellationToken)
            : throw new RpcException(new Status(StatusCode.InvalidArgument, "delivery_id: must be a UUID"));
        if (record is null || !policy.CanSeeDelivery(caller, Route(Document(record))))
        {
            await writes.AuditAsync(new AuditEvent(caller, Channels.Grpc, "delivery.read", AuditOutcomes.Denied, "delivery", request.DeliveryId, null), context.CancellationToken);
            throw new RpcException(new Status(StatusCode.NotFound, $"delivery_id: operation {request.DeliveryId} not found"));
        }
        await writes.AuditAsync(new AuditEvent(caller, Channels.Grpc, "delivery.read", AuditOutcomes.Allowed, "delivery", request.DeliveryId, null), context.CancellationToken);
        return Document(record);
    }

    public override async Task<ListDeliveriesResponse> List(ListDeliveriesRequest request, ServerCallContext context)
    {
        var caller = CallerOf(context);
        var query = db.Set<DeliveryRecord>().AsNoTracking();
        if (!caller.IsCentreStaff)
        {
            var pattern = "," + caller.Country + ",";
            query = query.Where(d => d.RouteCountries.Contains(pattern));
        }
        var found = (await query.OrderByDescending(d => d.CreatedAtUtc).Take(500).ToListAsync(context.CancellationToken))
            .Select(Document).Where(d => policy.CanSeeDelivery(caller, Route(d))).ToList();
        await writes.AuditAsync(new AuditEvent(caller, Channels.Grpc, "delivery.list", AuditOutcomes.Allowed, null, null, $"{found.Count} operations"), context.CancellationToken);
        var response = new ListDeliveriesResponse();
        response.Deliveries.AddRange(found);
        return response;
    }

    public override async Task Watch(WatchDeliveriesRequest request, IServerStreamWriter<DeliveryEvent> responseStream, ServerCallContext context)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var ct = stopping.Token;
        var caller = CallerOf(context);
        Guid? only = null;
        if (request.DeliveryId.Length > 0)
        {
            await Get(new DeliveryRef { DeliveryId = request.DeliveryId }, context);
            only = Guid.Parse(request.DeliveryId);
        }
        bool Visible(Guid deliveryId, IReadOnlyList<string> route) =>
            (only is null || deliveryId == only) && policy.CanSeeDelivery(caller, route);

        using var subscription = feed.Subscribe();
        var last = request.AfterSequence;
        var delivered = 0;
        try
        {
            if (last >= 0)
            {
                last = await ReplayAsync(last, long.MaxValue, Visible, responseStream, () => delivered++, ct);
            }
            await foreach (var live in subscription.Reader.ReadAllAsync(ct))
            {
                if (last >= 0 && live.Event.Sequence > last + 1)
                {
                    last = await ReplayAsync(last, live.Event.Sequence - 1, Visible, responseStream, () => delivered++, ct);
                }
                if (live.Event.Sequence <= last)
                {
                    continue;
                }
                last = live.Event.Sequence;
                if (Visible(Guid.Parse(live.Event.Delivery.Id), live.VisibleTo))
                {
                    await responseStream.WriteAsync(live.Event, ct);
                    delivered++;
                }
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, string.Create(CultureInfo.InvariantCulture, $"this hub node is shutting down; reconnect with after_sequence={last} to resume")));
        }
        catch (Exception ex) when ((ex as SlowWatcherException ?? ex.InnerException as SlowWatcherException) is { } slow)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, string.Create(CultureInfo.InvariantCulture, $"{slow.Message}; reconnect with after_sequence={last} to resume")));
        }
        finally
        {
            await writes.AuditAsync(new AuditEvent(caller, Channels.GrpcStream, "delivery.watch", AuditOutcomes.Allowed, "delivery", only?.ToString(),
                string.Create(CultureInfo.InvariantCulture, $"after_sequence {request.AfterSequence}; delivered {delivered} events up to {last}")), CancellationToken.None);
        }
    }

    private async Task<long> ReplayAsync(long after, long upTo, Func<Guid, IReadOnlyList<string>, bool> visible, IServerStreamWriter<DeliveryEvent> stream, Action counted, CancellationToken ct)
    {
        while (true)
        {
            var from = after;
            var batch = await db.Set<DeliveryEventRecord>().AsNoTracking().Where(e => e.Sequence > from && e.Sequence <= upTo).OrderBy(e => e.Sequence).Take(500).ToListAsync(ct);
            foreach (var record in batch)
            {
                if (visible(record.DeliveryId, record.VisibleTo.Split(',')))
                {
                    await stream.WriteAsync(AlertMapping.Parser.Parse<DeliveryEvent>(record.PayloadJson), ct);
                    counted();
                }
                after = record.Sequence;
            }
            if (batch.Count < 500)
            {
                return upTo == long.MaxValue ? after : Math.Max(after, upTo);
            }
        }
    }
}

/// <summary>The delivery event feed: event row and outbox row, in the step's transaction.</summary>
public static class DeliveryEvents
{
    public static async Task AppendAsync(HubDbContext db, Guid deliveryId, string type, IReadOnlyList<string> route, ControlledDelivery delivery, DateTime nowUtc, CancellationToken ct)
    {
        var record = new DeliveryEventRecord { EventId = Guid.NewGuid(), DeliveryId = deliveryId, Type = type, VisibleTo = string.Join(',', route), AtUtc = nowUtc };
        db.Set<DeliveryEventRecord>().Add(record);
        await db.SaveChangesAsync(ct);
        var payload = new DeliveryEvent { EventId = record.EventId.ToString(), Sequence = record.Sequence, Type = type, Delivery = delivery.Clone() };
        record.PayloadJson = AlertMapping.Formatter.Format(payload);
        var occurred = new DeliveryEventOccurred(record.EventId, record.Sequence, deliveryId, type, route, record.PayloadJson);
        db.Outbox.Add(OutboxMessageTypes.Create(occurred.EventId, occurred, nowUtc));
    }
}

/// <summary>How long a handover may wait to be taken over, and how long surveillance may stay silent.</summary>
public sealed record DeliveryWindows(TimeSpan Handover, TimeSpan Position)
{
    public static DeliveryWindows From(IConfiguration configuration) => new(
        configuration.GetValue("Hub:Deliveries:HandoverWindow", TimeSpan.FromMinutes(30)),
        configuration.GetValue("Hub:Deliveries:PositionWindow", TimeSpan.FromMinutes(60)));
}
