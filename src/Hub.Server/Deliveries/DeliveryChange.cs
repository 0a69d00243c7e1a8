using Hub.Contracts.Events;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.ErrorHandling;
using Hub.Server.Records;

namespace Hub.Server.Deliveries;

/// <summary>
/// A step of a controlled delivery through the record pipeline: the operation is read inside
/// the commit (every node's commits take turns, so two countries acting at once are decided
/// one after the other on what the operation then is), the state machine decides, and the
/// document, its deadlines, the event and the audit entry are stored together.
/// </summary>
internal sealed class DeliveryChange(Caller caller, string action, Guid deliveryId, string idempotencyKey, Google.Protobuf.IMessage request,
    DeliveryWindows windows, Func<DeliveryOperation, RecordContext, DeliveryOutcome> step) : RecordChange<ControlledDelivery>
{
    public override string Action => action;
    public override string RecordType => DeliveryFeedKind.RecordType;

    public override IdempotencyClaim? Idempotency =>
        idempotencyKey.Length == 0 ? null : new IdempotencyClaim($"{action}:{caller.Country}", idempotencyKey, request);

    public override Func<ControlledDelivery> Apply(RecordContext context)
    {
        var record = context.Db.Set<DeliveryRecord>().FirstOrDefault(d => d.Id == deliveryId);
        var document = record is null ? null : DeliveryFeedKind.Document(record);
        if (record is null || !context.Policy.CanRead(caller, DeliveryFeedKind.AccessOf(document!)))
        {
            throw HubException.NotFound("delivery_id", $"operation {deliveryId}", RecordType, deliveryId.ToString(), record is null ? "no such operation" : "not on the route").For(action);
        }
        if (document!.Withdrawal is not null)
        {
            throw HubException.FailedPrecondition("delivery_id", "the operation is withdrawn", RecordType, deliveryId.ToString()).For(action);
        }
        var decision = context.Policy.CanActFor(caller, caller.Country);
        if (!decision.Allowed)
        {
            throw HubException.Denied(decision.Reason, RecordType, deliveryId.ToString()).For(action);
        }
        var deadlines = new DeliveryDeadlines { HandoverDueAtUtc = record.HandoverDueAtUtc, PositionDueAtUtc = record.PositionDueAtUtc };
        var operation = new DeliveryOperation(document!, deadlines, windows, context.NowUtc);
        var outcome = step(operation, context);
        if (outcome.Refusal is { } refusal)
        {
            throw (refusal.Kind switch
            {
                DeliveryRefusalKind.NotInState => HubException.FailedPrecondition(refusal.Field, refusal.Message, RecordType, deliveryId.ToString()),
                DeliveryRefusalKind.NotYourTurn => HubException.Denied(refusal.Message, RecordType, deliveryId.ToString()),
                _ => HubException.Invalid(refusal.Field, refusal.Message),
            }).For(action);
        }
        record.HandoverDueAtUtc = deadlines.HandoverDueAtUtc;
        record.PositionDueAtUtc = deadlines.PositionDueAtUtc;
        if (deadlines.HandoverRenewed)
        {
            record.HandoverEscalatedAtUtc = null;
        }
        if (deadlines.PositionRenewed)
        {
            record.PositionEscalatedAtUtc = null;
        }
        return Store(context, record, operation.Document, outcome.Event!, action, null);
    }

    /// <summary>Stores the document as it now is with its event and audit entry: every step and escalation ends here.</summary>
    internal static Func<ControlledDelivery> Store(RecordContext context, DeliveryRecord record, ControlledDelivery document, string type, string action, string? detail)
    {
        record.State = document.State;
        record.DocumentJson = ProtoJson.Formatter.Format(document);
        record.Version++;
        context.RecordId = record.Id.ToString();
        var row = new DeliveryEventRecord { EventId = Guid.CreateVersion7(), DeliveryId = record.Id, Type = type, AtUtc = context.NowUtc };
        context.Raise(row, r =>
        {
            var payload = new DeliveryEvent { EventId = r.EventId.ToString(), Sequence = r.Sequence, Type = type, Delivery = document.Clone() };
            r.PayloadJson = ProtoJson.Formatter.Format(payload);
            return new DeliveryEventOccurred(r.EventId, r.Sequence, record.Id, type, r.PayloadJson);
        });
        context.Audit(action, DeliveryFeedKind.RecordType, record.Id.ToString(), detail ?? $"{type}; {ProtoEnums.Name(document.State)}; leg {document.CurrentLeg}");
        return () => document;
    }
}
