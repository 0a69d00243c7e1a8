using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Audit;
using Hub.Server.Records;
using Hub.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Deliveries;

/// <summary>Corrections and withdrawals of an operation's details, and their history.</summary>
public sealed partial class DeliveriesService
{
    public override Task<ControlledDelivery> CorrectDetails(CorrectDeliveryDetailsRequest request, ServerCallContext context)
    {
        var errors = DeliveryValidation.Validate(request, out var id);
        errors.ThrowIfAny();
        var caller = CallerOf(context);
        return pipeline.WriteAsync(caller, new DeliveryRevisionChange(caller, "delivery.correct", id, request.IdempotencyKey, request, request.Reason, request.ExpectedVersion, "", d =>
        {
            d.Title = request.Title;
            d.Suspects = request.Suspects;
            d.HandlingCode = request.HandlingCode;
            d.Consignment.Clear();
            d.Consignment.AddRange(request.Consignment.Select(item =>
            {
                var copy = item.Clone();
                (copy.NormalizedQuantity, copy.NormalizedDimension) = Quantities.Normalize(copy.Quantity, copy.Unit);
                return copy;
            }));
            d.Identifiers.Clear();
            d.Identifiers.AddRange(request.Identifiers);
            d.Persons.Clear();
            d.Persons.AddRange(request.Persons);
        }), context.CancellationToken);
    }

    public override Task<ControlledDelivery> Withdraw(WithdrawDeliveryRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var id = RevisionFields.Check(request.DeliveryId, "delivery_id", 0, false, request.Reason, request.IdempotencyKey, errors);
        TextFields.Text(request.LegalBasis, "legal_basis", RecordRevisions.MaxLegalBasis, errors, required: false, singleLine: true);
        errors.ThrowIfAny();
        var caller = CallerOf(context);
        return pipeline.WriteAsync(caller, new DeliveryRevisionChange(caller, "delivery.withdraw", id, request.IdempotencyKey, request, request.Reason, 0, request.LegalBasis, null),
            context.CancellationToken);
    }

    public override async Task<DeliveryDetailsHistory> GetDetailsHistory(DeliveryRef request, ServerCallContext context)
    {
        var caller = CallerOf(context);
        var id = ParseId(request.DeliveryId);
        var document = await VisibleAsync(caller, id, "delivery.history", context.CancellationToken);
        var withheld = SightOf(caller, document) != Sight.Full;
        var recordId = id.ToString();
        var earlier = await db.Set<RecordVersionRow>().AsNoTracking()
            .Where(v => v.RecordType == DeliveryFeedKind.RecordType && v.RecordId == recordId).OrderBy(v => v.Version).ToListAsync(context.CancellationToken);
        var details = new DeliveryDetails(document);
        var history = new DeliveryDetailsHistory { DeliveryId = recordId, Withdrawal = RecordRevisions.WithdrawalOf(details) };
        foreach (var version in earlier)
        {
            history.Versions.Add(Version(version.Version, version.MadeAtUtc, version.MadeBy, version.Reason,
                withheld || version.ContentJson.Length == 0 ? new ControlledDelivery() : ProtoJson.Parser.Parse<ControlledDelivery>(version.ContentJson)));
        }
        var createdAt = await db.Set<DeliveryRecord>().AsNoTracking().Where(d => d.Id == id).Select(d => d.CreatedAtUtc).FirstAsync(context.CancellationToken);
        history.Versions.Add(Version(details.Version, details.VersionAtUtc ?? createdAt, details.VersionBy, details.VersionReason,
            withheld ? new ControlledDelivery() : DeliveryDetails.Of(document)));
        await writes.AuditAsync(new AuditEvent(caller, Channels.Grpc, "delivery.history", AuditOutcomes.Allowed, DeliveryFeedKind.RecordType, recordId,
            $"{history.Versions.Count} versions{(withheld ? "; details withheld" : "")}"), context.CancellationToken);
        return history;
    }

    private static DeliveryDetailsVersion Version(int version, DateTime atUtc, string by, string reason, ControlledDelivery details)
    {
        var v = new DeliveryDetailsVersion
        {
            Version = version,
            MadeAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.SpecifyKind(atUtc, DateTimeKind.Utc)),
            MadeBy = by,
            Reason = reason,
            Title = details.Title,
            Suspects = details.Suspects,
        };
        v.Consignment.AddRange(details.Consignment);
        v.Identifiers.AddRange(details.Identifiers);
        v.Persons.AddRange(details.Persons);
        return v;
    }
}
