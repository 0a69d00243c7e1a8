using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Alerts;
using Hub.Server.Validation;

namespace Hub.Server.Statistics;

/// <summary>The rules of a national return, whether submitted, imported or typed in the console.</summary>
public static class ReturnValidation
{
    public const int MaxFigures = 200;
    public const int MaxStatedChanges = 100;
    public const int MaxSource = 200;
    public const int MaxWords = 1000;

    /// <summary>Checks a return and fills in its normalised figures; the errors name fields under <paramref name="p"/>.</summary>
    public static void Check(ReturnContent r, AccessDirectory directory, FieldErrors errors, string p)
    {
        if (string.IsNullOrWhiteSpace(r.Country))
        {
            errors.Add(p + "country", "required");
        }
        else if (!directory.Members.Contains(r.Country))
        {
            errors.Add(p + "country", $"'{AlertValidator.Truncate(r.Country)}' is not a member state in the hub's directory");
        }
        var period = Period.Parse(r.Period);
        if (period is null || period.Granularity == PeriodGranularity.Day)
        {
            errors.Add(p + "period", "a year (2012), half (2012-H1), quarter (2012-Q1) or month (2012-05)");
        }
        Figures(r.Figures, errors, p + "figures", total: false);
        Figures(r.StatedTotals, errors, p + "stated_totals", total: true);
        if (r.StatedChanges.Count > MaxStatedChanges)
        {
            errors.Add(p + "stated_changes", $"at most {MaxStatedChanges}");
        }
        for (var i = 0; i < r.StatedChanges.Count; i++)
        {
            var c = r.StatedChanges[i];
            var f = $"{p}stated_changes[{i}].";
            if (!Enum.IsDefined(c.Substance))
            {
                errors.Add(f + "substance", $"unknown substance {(int)c.Substance}");
            }
            if (Period.Parse(c.BasePeriod) is null)
            {
                errors.Add(f + "base_period", "a period such as 2011 or 2012-H1");
            }
            if (StatedChangeText.Parse(c.Stated) is null)
            {
                errors.Add(f + "stated", "a percent (-15.2%) or a factor (x16, /27)");
            }
            if (!Enum.IsDefined(c.Measure))
            {
                errors.Add(f + "measure", $"unknown measure {(int)c.Measure}");
            }
            TextFields.Text(c.Words, f + "words", MaxWords, errors, required: false);
        }
        TextFields.Text(r.Source, p + "source", MaxSource, errors, required: false, singleLine: true);
        AlertValidator.ValidateRelease(r.Distribution, r.AddressedCountries, errors, p);
        AlertDirectoryChecks.CheckAddressed(directory, r.AddressedCountries, errors, p);
        if (r.HandlingCode == HandlingCode.Unspecified)
        {
            errors.Add(p + "handling_code", "required");
        }
        else if (!Enum.IsDefined(r.HandlingCode))
        {
            errors.Add(p + "handling_code", $"unknown value {(int)r.HandlingCode}");
        }
    }

    private static void Figures(Google.Protobuf.Collections.RepeatedField<ReturnFigure> figures, FieldErrors errors, string field, bool total)
    {
        if (figures.Count > MaxFigures)
        {
            errors.Add(field, $"at most {MaxFigures}");
        }
        var seen = new HashSet<(Substance, string, Measure)>();
        for (var i = 0; i < figures.Count; i++)
        {
            var figure = figures[i];
            var f = $"{field}[{i}].";
            if (total ? figure.Substance != Substance.Unspecified : figure.Substance == Substance.Unspecified)
            {
                errors.Add(f + "substance", total ? "a stated total is of all drugs: leave the substance unset" : "required");
            }
            else if (!Enum.IsDefined(figure.Substance))
            {
                errors.Add(f + "substance", $"unknown substance {(int)figure.Substance}");
            }
            else if (figure.Substance == Substance.Other && string.IsNullOrWhiteSpace(figure.SubstanceDetail))
            {
                errors.Add(f + "substance_detail", "required when substance is SUBSTANCE_OTHER");
            }
            TextFields.Text(figure.SubstanceDetail, f + "substance_detail", RecordParts.MaxShortText, errors, required: false);
            if (figure.NotReported)
            {
                (figure.Quantity, figure.NormalizedQuantity, figure.Measure) = (0, 0, figure.Unit == QuantityUnit.Unspecified ? Measure.Unspecified : Measures.Of(figure.Unit));
            }
            else if (figure.Unit == QuantityUnit.Unspecified || !Enum.IsDefined(figure.Unit))
            {
                errors.Add(f + "unit", figure.Unit == QuantityUnit.Unspecified ? "required unless not_reported" : $"unknown unit {(int)figure.Unit}");
            }
            else if (!double.IsFinite(figure.Quantity) || figure.Quantity < 0)
            {
                errors.Add(f + "quantity", "must be a finite number, zero or more");
            }
            else if (Quantities.Implausible(figure.Quantity, figure.Unit) is { } bound)
            {
                errors.Add(f + "quantity", bound);
            }
            else
            {
                figure.Measure = Measures.Of(figure.Unit);
                figure.NormalizedQuantity = Measures.Normalize(figure.Quantity, figure.Unit);
            }
            if (!seen.Add((figure.Substance, figure.SubstanceDetail.Trim(), figure.Measure)))
            {
                errors.Add(f + "substance", "a second figure for the same substance and measure");
            }
        }
    }
}
