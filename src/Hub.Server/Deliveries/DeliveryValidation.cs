using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Countries;
using Hub.Server.Validation;

namespace Hub.Server.Deliveries;

/// <summary>The shape of delivery requests, checked before anything is read.</summary>
public static class DeliveryValidation
{
    public static FieldErrors Validate(ProposeDeliveryRequest request, AccessDirectory directory)
    {
        var errors = new FieldErrors();
        TextFields.IdempotencyKey(request.IdempotencyKey, errors);
        TextFields.Text(request.Title, "title", 200, errors, singleLine: true);
        TextFields.Text(request.Suspects, "suspects", 2000, errors, required: false);
        if (request.HandlingCode == HandlingCode.Unspecified || !Enum.IsDefined(request.HandlingCode))
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
            if (item.Substance == Substance.Unspecified || !Enum.IsDefined(item.Substance))
            {
                errors.Add($"consignment[{i}].substance", "required, from the controlled vocabulary");
            }
            if (!double.IsFinite(item.Quantity) || item.Quantity <= 0)
            {
                errors.Add($"consignment[{i}].quantity", "must be a finite number greater than zero");
            }
            if (item.Unit == QuantityUnit.Unspecified || !Enum.IsDefined(item.Unit))
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
