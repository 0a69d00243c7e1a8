using Hub.Server.Records;
using System.Text.RegularExpressions;
using Hub.Contracts.V1;
using Hub.Server.Countries;
using Hub.Server.Validation;

namespace Hub.Server.Alerts;

/// <summary>
/// The checks on a posted alert that need nothing but the request and the clock. Directory
/// checks (is the reporting country a member?) follow in <see cref="AlertDirectoryChecks"/>.
/// </summary>
public static partial class AlertValidator
{
    public const int MaxItems = RecordParts.MaxItems;
    public const int MaxIdentifiers = RecordParts.MaxIdentifiers;
    public const int MaxShortText = 200;
    public const int MaxSummary = 4000;
    public const int MaxHandlingRestrictions = 1000;
    public const int MaxConcealmentDetail = 500;
    public const int MaxIdentifierValue = RecordParts.MaxIdentifierValue;
    public const int MaxTransitCountries = 20;
    public const int MaxNationalities = 50;
    public const int MaxAddressedCountries = 50;
    public const int MaxDetained = 10_000;
    public static readonly TimeSpan AllowedClockSkew = TimeSpan.FromMinutes(10);
    public static readonly DateTimeOffset EarliestSeizure = new(1990, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [GeneratedRegex("^[A-Za-z0-9._:-]{8,64}$")]
    private static partial Regex IdempotencyKeyPattern();

    public static FieldErrors Validate(PostAlertRequest request, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrEmpty(request.IdempotencyKey))
        {
            errors.Add("idempotency_key", "required");
        }
        else if (!IdempotencyKeyPattern().IsMatch(request.IdempotencyKey))
        {
            errors.Add("idempotency_key", "must be 8 to 64 characters from A-Z a-z 0-9 . _ : -");
        }

        if (request.Alert is null)
        {
            errors.Add("alert", "required");
            return errors;
        }
        ValidateContent(request.Alert, now, errors, "alert.");
        return errors;
    }

    private static void ValidateContent(SeizureAlertContent a, DateTimeOffset now, FieldErrors errors, string p)
    {
        if (string.IsNullOrEmpty(a.ReportingCountry))
        {
            errors.Add(p + "reporting_country", "required");
        }
        RequiredText(a.ReportingAgency, p + "reporting_agency", MaxShortText, errors);

        if (Timestamps.Read(a.SeizedAt, p + "seized_at", errors, required: true) is { } seizedAt)
        {
            if (seizedAt > now + AllowedClockSkew)
            {
                errors.Add(p + "seized_at", $"is in the future ({seizedAt:u}); at most {AllowedClockSkew.TotalMinutes:0} minutes ahead of the hub's clock is accepted");
            }
            else if (seizedAt < EarliestSeizure)
            {
                errors.Add(p + "seized_at", $"is before {EarliestSeizure:yyyy-MM-dd}");
            }
        }

        if (a.Location is null)
        {
            errors.Add(p + "location", "required");
        }
        else
        {
            RequiredText(a.Location.Place, p + "location.place", MaxShortText, errors);
            OptionalText(a.Location.BorderCrossingPoint, p + "location.border_crossing_point", MaxShortText, errors);
            if (a.Location.Coordinates is { } point)
            {
                if (!double.IsFinite(point.Latitude) || point.Latitude is < -90 or > 90)
                {
                    errors.Add(p + "location.coordinates.latitude", "must be between -90 and 90");
                }
                if (!double.IsFinite(point.Longitude) || point.Longitude is < -180 or > 180)
                {
                    errors.Add(p + "location.coordinates.longitude", "must be between -180 and 180");
                }
            }
        }

        RecordParts.ValidateItems(a.Items, p + "items", errors);

        if (!Enum.IsDefined(a.Concealment))
        {
            errors.Add(p + "concealment", $"unknown value {(int)a.Concealment}");
        }
        else if (a.Concealment == ConcealmentMethod.Other && string.IsNullOrWhiteSpace(a.ConcealmentDetail))
        {
            errors.Add(p + "concealment_detail", "required when concealment is CONCEALMENT_METHOD_OTHER");
        }
        OptionalText(a.ConcealmentDetail, p + "concealment_detail", MaxConcealmentDetail, errors);

        if (!Enum.IsDefined(a.TransportMode))
        {
            errors.Add(p + "transport_mode", $"unknown value {(int)a.TransportMode}");
        }

        if (a.Route is { } route)
        {
            OptionalCountry(route.OriginCountry, p + "route.origin_country", errors);
            OptionalCountry(route.DestinationCountry, p + "route.destination_country", errors);
            if (route.TransitCountries.Count > MaxTransitCountries)
            {
                errors.Add(p + "route.transit_countries", $"at most {MaxTransitCountries}");
            }
            for (var i = 0; i < route.TransitCountries.Count; i++)
            {
                RequiredCountry(route.TransitCountries[i], $"{p}route.transit_countries[{i}]", errors);
            }
        }

        if (a.Detentions is { } detentions)
        {
            if (detentions.Count is < 0 or > MaxDetained)
            {
                errors.Add(p + "detentions.count", $"must be between 0 and {MaxDetained}");
            }
            if (detentions.Nationalities.Count > MaxNationalities)
            {
                errors.Add(p + "detentions.nationalities", $"at most {MaxNationalities}");
            }
            for (var i = 0; i < detentions.Nationalities.Count; i++)
            {
                RequiredCountry(detentions.Nationalities[i], $"{p}detentions.nationalities[{i}]", errors);
            }
        }

        RecordParts.ValidateIdentifiers(a.Identifiers, p + "identifiers", errors);
        RecordParts.ValidatePersons(a.Persons, p + "persons", errors);

        OptionalText(a.Summary, p + "summary", MaxSummary, errors);

        ValidateAccess(a, errors, p);
    }

    /// <summary>A correction: the shared revision fields, and the whole content by the rules of a post.</summary>
    public static FieldErrors ValidateCorrection(CorrectAlertRequest request, DateTimeOffset now, out Guid alertId)
    {
        var errors = new FieldErrors();
        alertId = RevisionFields.Check(request.AlertId, "alert_id", request.ExpectedVersion, true, request.Reason, request.IdempotencyKey, errors);
        if (request.Alert is null)
        {
            errors.Add("alert", "required");
        }
        else
        {
            ValidateContent(request.Alert, now, errors, "alert.");
        }
        return errors;
    }

    /// <summary>A release change: the shared revision fields and the distribution with its addressees.</summary>
    public static FieldErrors ValidateRelease(ChangeAlertReleaseRequest request, out Guid alertId)
    {
        var errors = new FieldErrors();
        alertId = RevisionFields.Check(request.AlertId, "alert_id", request.ExpectedVersion, true, request.Reason, request.IdempotencyKey, errors);
        ValidateRelease(request.Distribution, request.AddressedCountries, errors, "");
        return errors;
    }

    private static void ValidateAccess(SeizureAlertContent a, FieldErrors errors, string p)
    {
        ValidateRelease(a.Distribution, a.AddressedCountries, errors, p);
        ValidateHandling(a, errors, p);
    }

    /// <summary>A distribution and its addressees, for every record kind that carries a release.</summary>
    internal static void ValidateRelease(Distribution distribution, IList<string> addressed, FieldErrors errors, string p)
    {
        var a = (Distribution: distribution, AddressedCountries: addressed);
        if (a.Distribution == Distribution.Unspecified)
        {
            errors.Add(p + "distribution", "required");
        }
        else if (!Enum.IsDefined(a.Distribution))
        {
            errors.Add(p + "distribution", $"unknown value {(int)a.Distribution}");
        }
        else if (a.Distribution == Distribution.Addressed && a.AddressedCountries.Count == 0)
        {
            errors.Add(p + "addressed_countries", "at least one country is required when distribution is DISTRIBUTION_ADDRESSED");
        }
        else if (a.Distribution != Distribution.Addressed && a.AddressedCountries.Count > 0)
        {
            errors.Add(p + "addressed_countries", "only allowed when distribution is DISTRIBUTION_ADDRESSED");
        }
        if (a.AddressedCountries.Count > MaxAddressedCountries)
        {
            errors.Add(p + "addressed_countries", $"at most {MaxAddressedCountries}");
        }
        for (var i = 0; i < a.AddressedCountries.Count; i++)
        {
            if (string.IsNullOrEmpty(a.AddressedCountries[i]))
            {
                errors.Add($"{p}addressed_countries[{i}]", "must not be empty");
            }
        }
    }

    private static void ValidateHandling(SeizureAlertContent a, FieldErrors errors, string p)
    {
        if (a.HandlingCode == HandlingCode.Unspecified)
        {
            errors.Add(p + "handling_code", "required");
        }
        else if (!Enum.IsDefined(a.HandlingCode))
        {
            errors.Add(p + "handling_code", $"unknown value {(int)a.HandlingCode}");
        }
        else if (a.HandlingCode == HandlingCode.H3 && string.IsNullOrWhiteSpace(a.HandlingRestrictions))
        {
            errors.Add(p + "handling_restrictions", "required when handling_code is HANDLING_CODE_H3");
        }
        OptionalText(a.HandlingRestrictions, p + "handling_restrictions", MaxHandlingRestrictions, errors);
    }

    private static void RequiredText(string value, string field, int max, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "required");
        }
        else
        {
            // Required fields are names, places and identifiers: one line.
            TextFields.Text(value, field, max, errors, singleLine: true);
        }
    }

    private static void OptionalText(string value, string field, int max, FieldErrors errors) =>
        TextFields.Text(value, field, max, errors, required: false);

    private static void OptionalCountry(string code, string field, FieldErrors errors)
    {
        if (!string.IsNullOrEmpty(code))
        {
            RequiredCountry(code, field, errors);
        }
    }

    private static void RequiredCountry(string code, string field, FieldErrors errors)
    {
        if (!Iso3166.IsAlpha3(code))
        {
            errors.Add(field, $"'{Truncate(code)}' is not an ISO 3166-1 alpha-3 country code");
        }
    }

    internal static string Truncate(string text) => TextFields.Truncate(text);
}
