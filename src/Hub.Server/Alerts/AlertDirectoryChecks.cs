using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Countries;
using Hub.Server.Validation;

namespace Hub.Server.Alerts;

/// <summary>
/// Checks an alert's country codes against the centre's directory, as the node holds it
/// (the same snapshot the access policy decides on, as cases and deliveries are checked).
/// </summary>
public static class AlertDirectoryChecks
{
    public static void Check(AccessDirectory directory, SeizureAlertContent alert, FieldErrors errors, string prefix = "alert.")
    {
        var known = alert.AddressedCountries.Append(alert.ReportingCountry)
            .Where(c => c.Length > 0)
            .Distinct()
            .Select(c => (Code: c, Status: directory.StatusOf(c)))
            .Where(c => c.Status is not null)
            .ToDictionary(c => c.Code, c => c.Status!.Value);

        if (alert.ReportingCountry.Length > 0)
        {
            if (!known.TryGetValue(alert.ReportingCountry, out var status))
            {
                errors.Add(prefix + "reporting_country", $"'{AlertValidator.Truncate(alert.ReportingCountry)}' is not a country in the hub's directory");
            }
            else if (status != CountryStatus.Member)
            {
                errors.Add(prefix + "reporting_country", $"{alert.ReportingCountry} is not a member state ({status.ToString().ToLowerInvariant()}); only member states post alerts");
            }
        }
        CheckAddressed(directory, alert.AddressedCountries, errors, prefix);
    }

    /// <summary>Addressees must be in the directory and past applying, for every record kind that carries a release.</summary>
    public static void CheckAddressed(AccessDirectory directory, IList<string> addressed, FieldErrors errors, string prefix)
    {
        for (var i = 0; i < addressed.Count; i++)
        {
            var code = addressed[i];
            if (code.Length == 0)
            {
                continue;
            }
            var status = directory.StatusOf(code);
            if (status is null)
            {
                errors.Add($"{prefix}addressed_countries[{i}]", $"'{AlertValidator.Truncate(code)}' is not a country or organisation in the hub's directory");
            }
            else if (status == CountryStatus.Applicant)
            {
                errors.Add($"{prefix}addressed_countries[{i}]", $"{code} is an applicant and cannot receive records yet");
            }
        }
    }
}
