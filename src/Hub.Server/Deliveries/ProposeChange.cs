using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.ErrorHandling;
using Hub.Server.Records;
using Hub.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Deliveries;

/// <summary>The initiating country proposes an operation (request checked for shape before).</summary>
internal sealed class ProposeChange(Caller caller, ProposeDeliveryRequest request, Guid? caseId) : RecordChange<ControlledDelivery>
{
    private readonly Guid _id = Guid.CreateVersion7();

    public override string Action => "delivery.propose";
    public override string RecordType => DeliveryFeedKind.RecordType;
    public override IdempotencyClaim Idempotency => new("delivery:" + request.InitiatingCountry, request.IdempotencyKey, request);

    public override Func<ControlledDelivery> Apply(RecordContext context)
    {
        var decision = context.Policy.CanPostFor(caller, request.InitiatingCountry);
        if (!decision.Allowed)
        {
            throw HubException.Denied(decision.Reason, RecordType, field: "initiating_country").For(Action);
        }
        if (caseId is { } linked)
        {
            // The same answer whether the case does not exist or is not the caller's to see:
            // a proposal is no way to learn which case ids exist.
            var found = context.Db.Set<Cases.CaseRecord>().AsNoTracking().Include(c => c.Participants).FirstOrDefault(c => c.Id == linked);
            if (found is null || !context.Policy.CanRead(caller, Cases.CaseMapping.AccessOf(found)))
            {
                throw HubException.NotFound("case_id", $"case {linked}", "case", linked.ToString(), found is null ? "no such case" : "not a participant").For(Action);
            }
        }
        var delivery = new ControlledDelivery
        {
            Id = _id.ToString(),
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
        delivery.Persons.AddRange(request.Persons);
        foreach (var leg in request.Legs)
        {
            var copy = leg.Clone();
            copy.Response = copy.Country == request.InitiatingCountry ? LegResponse.Accepted : LegResponse.Pending;
            copy.State = LegState.Waiting;
            delivery.Legs.Add(copy);
        }
        var record = new DeliveryRecord
        {
            Id = _id,
            InitiatingCountry = delivery.InitiatingCountry,
            ListedCountries = "," + string.Join(',', delivery.Legs.Select(l => l.Country)) + ",",
            State = delivery.State,
            CreatedAtUtc = context.NowUtc,
            DocumentJson = "",
        };
        context.Db.Add(record);
        var respond = DeliveryChange.Store(context, record, delivery, "proposed", Action, null);
        context.Index(DeliveryFeedKind.RecordType, _id.ToString(), delivery.InitiatingCountry, DeliveryFeedKind.AccessOf(delivery), DeliveryFeedKind.PartsOf(delivery), fresh: true);
        return respond;
    }
}
