using Google.Protobuf.WellKnownTypes;
using Hub.Contracts.V1;

namespace Hub.Server.Deliveries;

/// <summary>A transition's result: the event it raises, or why it is refused.</summary>
public sealed record DeliveryOutcome(string? Event, DeliveryRefusal? Refusal)
{
    public static DeliveryOutcome Raised(string type) => new(type, null);

    public static DeliveryOutcome Refused(DeliveryRefusalKind kind, string field, string message) => new(null, new DeliveryRefusal(kind, field, message));
}

public enum DeliveryRefusalKind
{
    /// <summary>The operation's state does not allow it (FAILED_PRECONDITION).</summary>
    NotInState,
    /// <summary>Another country's turn, or a country not on the route (PERMISSION_DENIED).</summary>
    NotYourTurn,
    /// <summary>The request itself is wrong (INVALID_ARGUMENT).</summary>
    Invalid,
}

public sealed record DeliveryRefusal(DeliveryRefusalKind Kind, string Field, string Message);

/// <summary>The deadlines the hub's timer watches, kept beside the document in their own columns.</summary>
public sealed class DeliveryDeadlines
{
    public DateTime? HandoverDueAtUtc { get; set; }
    public DateTime? PositionDueAtUtc { get; set; }
    /// <summary>Set when a deadline is renewed: its earlier escalation no longer stands.</summary>
    public bool HandoverRenewed { get; set; }
    public bool PositionRenewed { get; set; }
}

/// <summary>
/// The controlled-delivery state machine, free of transport and storage: proposed → approved
/// (every route country accepted) → active (legs held in turn, handed over at crossing
/// points) → completed or aborted. Each transition checks the state and whose turn it is,
/// changes the document and the deadlines, and names the event it raises. Whether a caller
/// may act for its country at all is the access policy's; whose turn it is, is this.
/// </summary>
public sealed class DeliveryOperation(ControlledDelivery d, DeliveryDeadlines deadlines, DeliveryWindows windows, DateTime nowUtc)
{
    public ControlledDelivery Document => d;
    public IReadOnlyList<string> Route => [.. d.Legs.Select(l => l.Country)];

    private DeliveryOutcome NotIn(string action) =>
        DeliveryOutcome.Refused(DeliveryRefusalKind.NotInState, "state", $"cannot {action} an operation that is {ProtoEnums.Name(d.State)}");

    private static DeliveryOutcome Turn(string message) => DeliveryOutcome.Refused(DeliveryRefusalKind.NotYourTurn, "delivery_id", message);

    private static DeliveryOutcome OnlyCountry(string country, string what) => Turn($"only {country} may {what}");

    public DeliveryOutcome Respond(string country, bool accept, string reason)
    {
        if (d.State != DeliveryState.Proposed)
        {
            return NotIn("respond to");
        }
        var leg = d.Legs.FirstOrDefault(l => l.Country == country);
        if (leg is null)
        {
            return Turn($"{country} is not on the route");
        }
        if (leg.Response != LegResponse.Pending)
        {
            return DeliveryOutcome.Refused(DeliveryRefusalKind.NotInState, "state", $"{country} has already answered ({ProtoEnums.Name(leg.Response)})");
        }
        if (!accept && string.IsNullOrWhiteSpace(reason))
        {
            return DeliveryOutcome.Refused(DeliveryRefusalKind.Invalid, "reason", "required when declining");
        }
        leg.Response = accept ? LegResponse.Accepted : LegResponse.Declined;
        leg.DeclineReason = accept ? "" : reason;
        if (!accept)
        {
            d.State = DeliveryState.Aborted;
            d.AbortReason = $"declined by {country}: {reason}";
            return DeliveryOutcome.Raised("aborted");
        }
        if (d.Legs.All(l => l.Response == LegResponse.Accepted))
        {
            d.State = DeliveryState.Approved;
            return DeliveryOutcome.Raised("approved");
        }
        return DeliveryOutcome.Raised("responded");
    }

    public DeliveryOutcome Start(string country)
    {
        if (d.State != DeliveryState.Approved)
        {
            return NotIn("start");
        }
        if (country != d.Legs[0].Country)
        {
            return OnlyCountry(d.Legs[0].Country, "start surveillance");
        }
        d.State = DeliveryState.Active;
        d.CurrentLeg = 0;
        d.Legs[0].State = LegState.Holding;
        RenewPosition();
        return DeliveryOutcome.Raised("started");
    }

    public DeliveryOutcome ReportPosition(string country, string kind, string text, GeoPoint? coordinates)
    {
        if (d.State != DeliveryState.Active)
        {
            return NotIn("report a position of");
        }
        if (country != Holder)
        {
            return OnlyCountry(Holder, "report positions (surveillance is held by another country)");
        }
        d.Positions.Add(new PositionReport { Country = country, Kind = kind, Text = text, Coordinates = coordinates, ReportedAt = Ts(nowUtc) });
        while (d.Positions.Count > 50)
        {
            d.Positions.RemoveAt(0);
        }
        RenewPosition();
        return DeliveryOutcome.Raised("position");
    }

    public DeliveryOutcome OfferHandover(string country)
    {
        if (d.State != DeliveryState.Active)
        {
            return NotIn("offer a handover in");
        }
        if (country != Holder)
        {
            return OnlyCountry(Holder, "offer the handover (surveillance is held by another country)");
        }
        if (d.CurrentLeg == d.Legs.Count - 1)
        {
            return DeliveryOutcome.Refused(DeliveryRefusalKind.NotInState, "state", "the last leg hands over to nobody; complete or abort");
        }
        if (d.HandoverOfferedAt is not null)
        {
            return DeliveryOutcome.Refused(DeliveryRefusalKind.NotInState, "state", "a handover is already offered and waiting");
        }
        d.HandoverOfferedAt = Ts(nowUtc);
        d.HandoverDueAt = Ts(nowUtc + windows.Handover);
        deadlines.HandoverDueAtUtc = nowUtc + windows.Handover;
        deadlines.HandoverRenewed = true;
        return DeliveryOutcome.Raised("handover.offered");
    }

    public DeliveryOutcome TakeOver(string country)
    {
        if (d.State != DeliveryState.Active)
        {
            return NotIn("take over");
        }
        var next = d.CurrentLeg + 1 < d.Legs.Count ? d.Legs[d.CurrentLeg + 1].Country : null;
        if (country != next)
        {
            return Turn(next is null ? "there is no next leg" : $"the next leg is {next}'s; {country} cannot take over");
        }
        if (d.HandoverOfferedAt is null)
        {
            return DeliveryOutcome.Refused(DeliveryRefusalKind.NotInState, "state", $"{Holder} has not offered the handover yet");
        }
        d.Legs[d.CurrentLeg].State = LegState.Done;
        d.CurrentLeg++;
        d.Legs[d.CurrentLeg].State = LegState.Holding;
        d.HandoverOfferedAt = null;
        d.HandoverDueAt = null;
        deadlines.HandoverDueAtUtc = null;
        RenewPosition();
        return DeliveryOutcome.Raised("handover.taken");
    }

    public DeliveryOutcome Complete(string country, string seizureAlertId)
    {
        if (d.State != DeliveryState.Active)
        {
            return NotIn("complete");
        }
        var last = d.Legs[^1].Country;
        if (d.CurrentLeg != d.Legs.Count - 1)
        {
            return DeliveryOutcome.Refused(DeliveryRefusalKind.NotInState, "state", $"surveillance is still with {Holder}, not with the last leg ({last})");
        }
        if (country != last)
        {
            return OnlyCountry(last, "complete the operation");
        }
        d.Legs[^1].State = LegState.Done;
        d.State = DeliveryState.Completed;
        d.SeizureAlertId = seizureAlertId;
        ClearDeadlines();
        return DeliveryOutcome.Raised("completed");
    }

    public DeliveryOutcome Abort(string country, string reason)
    {
        if (d.State is not (DeliveryState.Proposed or DeliveryState.Approved or DeliveryState.Active))
        {
            return NotIn("abort");
        }
        if (!Route.Contains(country))
        {
            return Turn($"{country} is not on the route");
        }
        d.State = DeliveryState.Aborted;
        d.AbortReason = $"{country}: {reason}";
        ClearDeadlines();
        return DeliveryOutcome.Raised("aborted");
    }

    private string Holder => d.Legs[d.CurrentLeg].Country;

    private void RenewPosition()
    {
        deadlines.PositionDueAtUtc = nowUtc + windows.Position;
        deadlines.PositionRenewed = true;
    }

    private void ClearDeadlines()
    {
        d.HandoverOfferedAt = null;
        d.HandoverDueAt = null;
        deadlines.HandoverDueAtUtc = null;
        deadlines.PositionDueAtUtc = null;
    }

    private static Timestamp Ts(DateTime utc) => Timestamp.FromDateTime(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
}
