using Google.Protobuf.WellKnownTypes;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.ErrorHandling;
using Hub.Server.Records;

namespace Hub.Server.Deliveries;

/// <summary>
/// An operation's details as a revisable record: the version and the withdrawal live in the
/// document itself (what the API shows), so the shared revision rules apply to it unchanged.
/// </summary>
internal sealed class DeliveryDetails(ControlledDelivery d) : IRevisableRecord
{
    // "corrected" is the version above 1, kept with it in the one place the version changes.
    public int Version { get => Math.Max(1, d.DetailsVersion); set => (d.DetailsVersion, d.Corrected) = (value, value > 1); }
    public DateTime? VersionAtUtc { get => d.DetailsAt?.ToDateTime(); set => d.DetailsAt = value is { } at ? Timestamp.FromDateTime(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null; }
    public string VersionBy { get => d.DetailsBy; set => d.DetailsBy = value; }
    public string VersionReason { get => d.DetailsReason; set => d.DetailsReason = value; }
    private Withdrawal W => d.Withdrawal ??= new Withdrawal();
    public WithdrawalCause WithdrawalCause { get => d.Withdrawal?.Cause ?? WithdrawalCause.Unspecified; set => W.Cause = value; }
    public string WithdrawalReason { get => d.Withdrawal?.Reason ?? ""; set => W.Reason = value; }
    public DateTime? WithdrawnAtUtc { get => d.Withdrawal?.WithdrawnAt?.ToDateTime(); set => W.WithdrawnAt = value is { } at ? Timestamp.FromDateTime(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null; }
    public string WithdrawnBy { get => d.Withdrawal?.WithdrawnBy ?? ""; set => W.WithdrawnBy = value; }
    public string WithdrawnByCountry { get => d.Withdrawal?.WithdrawnByCountry ?? ""; set => W.WithdrawnByCountry = value; }
    public string LegalBasis { get => d.Withdrawal?.LegalBasis ?? ""; set => W.LegalBasis = value; }

    /// <summary>The details alone, as a version keeps them.</summary>
    public static ControlledDelivery Of(ControlledDelivery d)
    {
        var details = new ControlledDelivery { Title = d.Title, Suspects = d.Suspects, HandlingCode = d.HandlingCode };
        details.Consignment.AddRange(d.Consignment);
        details.Identifiers.AddRange(d.Identifiers);
        details.Persons.AddRange(d.Persons);
        return details;
    }

    /// <summary>The document as a reader with <paramref name="sight"/> gets it: the details only in full sight.</summary>
    public static ControlledDelivery For(ControlledDelivery d, Sight sight)
    {
        if (sight == Sight.Full)
        {
            return d;
        }
        var withheld = d.Clone();
        withheld.Title = "";
        withheld.Suspects = "";
        withheld.Consignment.Clear();
        withheld.Identifiers.Clear();
        withheld.Persons.Clear();
        return withheld;
    }

    /// <summary>A step's snapshot with the details as they are now: the step's own facts (state, positions then) stay.</summary>
    public static ControlledDelivery AsNow(ControlledDelivery snapshot, ControlledDelivery current, Sight sight)
    {
        var now = snapshot.Clone();
        now.Title = current.Title;
        now.Suspects = current.Suspects;
        now.HandlingCode = current.HandlingCode;
        now.Consignment.Clear();
        now.Consignment.AddRange(current.Consignment);
        now.Identifiers.Clear();
        now.Identifiers.AddRange(current.Identifiers);
        now.Persons.Clear();
        now.Persons.AddRange(current.Persons);
        (now.DetailsVersion, now.Corrected, now.DetailsReason, now.DetailsAt, now.DetailsBy, now.Withdrawal) =
            (current.DetailsVersion, current.Corrected, current.DetailsReason, current.DetailsAt, current.DetailsBy, current.Withdrawal);
        return For(now, sight);
    }
}

/// <summary>A correction of an operation's details, or their withdrawal, stored like any step.</summary>
internal sealed class DeliveryRevisionChange(Caller caller, string action, Guid deliveryId, string idempotencyKey, Google.Protobuf.IMessage request,
    string reason, int expectedVersion, string legalBasis, Action<ControlledDelivery>? correct) : RecordChange<ControlledDelivery>
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
        // Only the initiating country corrects; a withdrawal is decided for every kind alike.
        var cause = correct is null
            ? RecordRevisions.WithdrawerCause(context, document!.InitiatingCountry, legalBasis, action, RecordType, "delivery_id", deliveryId.ToString())
            : WithdrawalCause.Unspecified;
        if (correct is not null)
        {
            if (document!.InitiatingCountry != caller.Country)
            {
                throw HubException.NotFound("delivery_id", $"operation {deliveryId} of {caller.Country}", RecordType, deliveryId.ToString(), "not initiated by the caller's country").For(action);
            }
            var decision = context.Policy.CanActFor(caller, document.InitiatingCountry);
            if (!decision.Allowed)
            {
                throw HubException.Denied(decision.Reason, RecordType, deliveryId.ToString()).For(action);
            }
        }
        var details = new DeliveryDetails(document!);
        if (details.IsWithdrawn())
        {
            throw HubException.FailedPrecondition("delivery_id", "the operation's details are withdrawn and can no longer change", RecordType, deliveryId.ToString()).For(action);
        }
        if (expectedVersion != 0 && details.Version != expectedVersion)
        {
            throw HubException.FailedPrecondition("expected_version",
                $"the details are at version {details.Version}, not {expectedVersion}: read them and change that version", RecordType, deliveryId.ToString()).For(action);
        }
        if (correct is null)
        {
            if (document!.State == DeliveryState.Active)
            {
                throw HubException.FailedPrecondition("state", "cannot withdraw an ACTIVE operation: abort it first", RecordType, deliveryId.ToString()).For(action);
            }
            details.Withdraw(context, RecordType, deliveryId.ToString(), cause, reason, legalBasis);
            return DeliveryChange.Store(context, record!, document, "withdrawn", action, $"withdrawn ({ProtoEnums.Name(cause)})");
        }
        var before = ProtoJson.Formatter.Format(DeliveryDetails.Of(document!));
        correct(document!);
        if (ProtoJson.Formatter.Format(DeliveryDetails.Of(document!)) == before)
        {
            throw HubException.FailedPrecondition("title", "the details already read so: nothing to change", RecordType, deliveryId.ToString()).For(action);
        }
        details.Supersede(context, RecordType, deliveryId.ToString(), record!.CreatedAtUtc, before, reason);
        var respond = DeliveryChange.Store(context, record, document!, "details.corrected", action, $"details version {details.Version}");
        context.Index(RecordType, deliveryId.ToString(), document!.InitiatingCountry, DeliveryFeedKind.AccessOf(document), DeliveryFeedKind.PartsOf(document));
        return respond;
    }
}
