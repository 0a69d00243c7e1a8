using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Countries;
using Hub.Server.Validation;
using Hub.Server.Records;

namespace Hub.Server.Deliveries;

/// <summary>The shape of delivery requests, checked before anything is read.</summary>
public static class DeliveryValidation
{
    /// <summary>How far back an expected crossing may lie: an operation is planned ahead, but its proposal may trail the first leg.</summary>
    public static readonly TimeSpan LatestPast = TimeSpan.FromDays(7);

    /// <summary>How far ahead an operation is planned at most.</summary>
    public static readonly TimeSpan FurthestAhead = TimeSpan.FromDays(366);

    public static FieldErrors Validate(ProposeDeliveryRequest request, AccessDirectory directory, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        TextFields.IdempotencyKey(request.IdempotencyKey, errors);
        Details(request.Title, request.Suspects, request.HandlingCode, request.Consignment, request.Identifiers, request.Persons, errors);
        if (request.Legs.Count is < 2 or > 10)
        {
            errors.Add("legs", "two to ten legs");
        }
        for (var i = 0; i < request.Legs.Count; i++)
        {
            var leg = request.Legs[i];
            if (directory.StatusOf(leg.Country) != CountryStatus.Member)
            {
                errors.Add($"legs[{i}].country", $"'{TextFields.Truncate(leg.Country)}' is not a member state");
            }
            else if (request.Legs.Take(i).Any(l => l.Country == leg.Country))
            {
                errors.Add($"legs[{i}].country", "each country once");
            }
            if (i > 0 && string.IsNullOrWhiteSpace(leg.EntryCrossingPoint))
            {
                errors.Add($"legs[{i}].entry_crossing_point", "required: where surveillance is handed over");
            }
            else
            {
                TextFields.Text(leg.EntryCrossingPoint, $"legs[{i}].entry_crossing_point", 200, errors, required: false, singleLine: true);
            }
            TextFields.Text(leg.ExitCrossingPoint, $"legs[{i}].exit_crossing_point", 200, errors, required: false, singleLine: true);
            LegTimes(leg, i, i > 0 ? request.Legs[i - 1] : null, now, errors);
        }
        if (request.Legs.Count > 0 && request.Legs[0].Country != request.InitiatingCountry)
        {
            errors.Add("legs[0].country", "the first leg is the initiating country's");
        }
        if (request.CaseId.Length > 0 && !Guid.TryParse(request.CaseId, out _))
        {
            errors.Add("case_id", "must be a UUID");
        }
        return errors;
    }

    /// <summary>Expected times readable, within the planning horizon, exit after entry, and in route order.</summary>
    private static void LegTimes(RouteLeg leg, int i, RouteLeg? before, DateTimeOffset now, FieldErrors errors)
    {
        var entry = Timestamps.Read(leg.ExpectedEntryAt, $"legs[{i}].expected_entry_at", errors);
        var exit = Timestamps.Read(leg.ExpectedExitAt, $"legs[{i}].expected_exit_at", errors);
        foreach (var (at, name) in new[] { (entry, "expected_entry_at"), (exit, "expected_exit_at") })
        {
            if (at is { } t && (t < now - LatestPast || t > now + FurthestAhead))
            {
                errors.Add($"legs[{i}].{name}", $"{t:u} is outside the planning horizon ({LatestPast.TotalDays:0} days back to {FurthestAhead.TotalDays:0} days ahead)");
            }
        }
        if (entry is { } e && exit is { } x && x < e)
        {
            errors.Add($"legs[{i}].expected_exit_at", "before the expected entry");
        }
        var previousExit = before?.ExpectedExitAt is { } pe && Timestamps.IsValid(pe) ? pe.ToDateTimeOffset() : (DateTimeOffset?)null;
        if (entry is { } en && previousExit is { } px && en < px)
        {
            errors.Add($"legs[{i}].expected_entry_at", "before the previous leg's expected exit: legs are in route order");
        }
    }

    /// <summary>A correction of the details: the shared revision fields, and the details by the rules of a proposal.</summary>
    public static FieldErrors Validate(CorrectDeliveryDetailsRequest request, out Guid deliveryId)
    {
        var errors = new FieldErrors();
        deliveryId = RevisionFields.Check(request.DeliveryId, "delivery_id", request.ExpectedVersion, true, request.Reason, request.IdempotencyKey, errors);
        Details(request.Title, request.Suspects, request.HandlingCode, request.Consignment, request.Identifiers, request.Persons, errors);
        return errors;
    }

    private static void Details(string title, string suspects, HandlingCode handling, IReadOnlyList<SeizedItem> consignment, IReadOnlyList<Identifier> identifiers, IReadOnlyList<PersonOfInterest> persons, FieldErrors errors)
    {
        TextFields.Text(title, "title", 200, errors, singleLine: true);
        TextFields.Text(suspects, "suspects", 2000, errors, required: false);
        if (handling == HandlingCode.Unspecified || !Enum.IsDefined(handling))
        {
            errors.Add("handling_code", "required");
        }
        // The same rules as an alert's items and identifiers: one rule per kind of field.
        RecordParts.ValidateItems(consignment, "consignment", errors);
        RecordParts.ValidateIdentifiers(identifiers, "identifiers", errors);
        RecordParts.ValidatePersons(persons, "persons", errors);
    }

    public static FieldErrors Validate(ReportPositionRequest request)
    {
        var errors = new FieldErrors();
        if (request.Kind is not ("checkpoint" or "sighting"))
        {
            errors.Add("kind", "checkpoint or sighting");
        }
        TextFields.Text(request.Text, "text", 1000, errors);
        if (request.Coordinates is { } p && (p.Latitude is < -90 or > 90 || p.Longitude is < -180 or > 180 || !double.IsFinite(p.Latitude) || !double.IsFinite(p.Longitude)))
        {
            errors.Add("coordinates", "latitude -90..90, longitude -180..180");
        }
        return errors;
    }
}
