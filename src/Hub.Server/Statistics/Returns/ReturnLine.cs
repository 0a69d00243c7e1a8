using System.Globalization;
using Hub.Contracts.V1;
using Hub.Server.Validation;

namespace Hub.Server.Statistics;

/// <summary>One data line, its fields by column name, and what it adds to its return.</summary>
internal sealed class ReturnLine(int number, string[] columns, IReadOnlyList<string> fields, List<ReturnsCsvError> errors)
{
    private string this[string column] => Array.IndexOf(columns, column) is var i and >= 0 ? fields[i].Trim() : "";

    /// <summary>Adds the line to its return, unless it has errors (they are added to the list instead).</summary>
    public void AddTo(ReturnGroups groups)
    {
        var before = ErrorCount;
        var country = Country();
        var period = PeriodIn("period");
        var kind = this["kind"].ToLowerInvariant();
        var section = this["source_section"];
        if (this["words"].Length > ReturnsCsv.MaxWords)
        {
            Error("words", $"{this["words"].Length} characters, at most {ReturnsCsv.MaxWords}");
        }
        switch (kind)
        {
            case "item":
            case "reported_total":
                var figure = Quantified(total: kind == "reported_total");
                if (ErrorCount != before)
                {
                    break;
                }
                if (kind == "item")
                {
                    groups.AddFigure(number, country, period!, section, figure!);
                }
                else
                {
                    groups.AddTotal(number, country, period!, section, figure!);
                }
                break;
            case "not_reported":
                var missing = NotReported();
                if (ErrorCount == before)
                {
                    groups.AddFigure(number, country, period!, section, missing!);
                }
                break;
            case "stated_change":
                var change = Change(period);
                if (ErrorCount == before)
                {
                    groups.AddChange(number, country, period!, section, change!);
                }
                break;
            default:
                Error("kind", $"{Invalid(kind)}: one of item, reported_total, not_reported, stated_change");
                break;
        }
    }

    private int ErrorCount => errors.Count;

    private void Error(string column, string message) => errors.Add(new ReturnsCsvError(number, column, message));

    private static string Invalid(string value) => value.Length == 0 ? "required" : $"\"{value}\" is not valid";

    private string Country()
    {
        var code = this["country"];
        if (code.Length != 3 || !code.All(char.IsAsciiLetterUpper))
        {
            Error("country", $"{Invalid(code)}: an ISO 3166-1 alpha-3 code in upper case (KAZ)");
        }
        return code;
    }

    private Period? PeriodIn(string column)
    {
        var text = this[column];
        var period = Period.Parse(text);
        // A return covers a year, half, quarter or month; days are for alerts only.
        if (period is null || period.Label.Length == 10)
        {
            Error(column, $"{Invalid(text)}: a year, half, quarter or month (2012, 2012-H1, 2012-Q1, 2012-05) from {Period.FirstYear} to {Period.LastYear}");
            return null;
        }
        return period;
    }

    private (Substance Substance, Measure Implied) ReadSubstance(bool allDrugs, bool substance, string kind)
    {
        var name = this["substance"].ToLowerInvariant();
        if (name == ReturnNames.AllDrugs)
        {
            if (!allDrugs)
            {
                Error("substance", $"{ReturnNames.AllDrugs} is only for reported_total and stated_change");
            }
            return (Substance.Unspecified, Measure.Unspecified);
        }
        if (!ReturnNames.Substances.TryGetValue(name, out var known))
        {
            Error("substance", $"{Invalid(name)}: a substance such as heroin, raw_opium, precursors, psychotropic_pills" + (allDrugs ? $", or {ReturnNames.AllDrugs}" : ""));
        }
        else if (!substance)
        {
            Error("substance", $"a {kind} line is for all drugs: {ReturnNames.AllDrugs}");
        }
        return (known.Substance, known.Implied);
    }

    private ReturnFigure? Quantified(bool total)
    {
        var (substance, _) = ReadSubstance(allDrugs: total, substance: !total, total ? "reported_total" : "item");
        Empty(total ? "reported_total" : "item", "base_period", "stated");
        var quantity = Quantity();
        var unit = Unit();
        if (quantity is not { } q || unit is not { } u)
        {
            return null;
        }
        if (Quantities.Implausible(q, u) is { } implausible)
        {
            Error("quantity", implausible);
            return null;
        }
        return new ReturnFigure
        {
            Substance = substance,
            Quantity = q,
            Unit = u,
            NormalizedQuantity = Measures.Normalize(q, u),
            Measure = Measures.Of(u),
        };
    }

    private ReturnFigure? NotReported()
    {
        var (substance, implied) = ReadSubstance(allDrugs: false, substance: true, "not_reported");
        Empty("not_reported", "quantity", "unit", "base_period", "stated");
        // No unit says the measure: the national form does (psychotropic_pills), else
        // mass, as for a stated change; the not-reported figure then takes the place
        // a figure of that substance and measure would have.
        return new ReturnFigure { Substance = substance, NotReported = true, Measure = implied == Measure.Unspecified ? Measure.MassKg : implied };
    }

    private StatedChange? Change(Period? period)
    {
        var (substance, implied) = ReadSubstance(allDrugs: true, substance: true, "stated_change");
        Empty("stated_change", "quantity", "unit");
        var basePeriod = Required("base_period") ? PeriodIn("base_period") : null;
        if (basePeriod is not null && basePeriod.Label == period?.Label)
        {
            Error("base_period", "the period itself: a change is stated against another period");
        }
        var stated = this["stated"];
        if (Required("stated") && StatedChangeText.Parse(stated) is null)
        {
            Error("stated", $"\"{stated}\" is not a change: a percent (-15.2%, +2.1%) or a factor (x16, /27)");
        }
        return new StatedChange
        {
            Substance = substance,
            BasePeriod = basePeriod?.Label ?? "",
            Stated = stated,
            Words = this["words"],
            Measure = implied == Measure.Unspecified ? Measure.MassKg : implied,
        };
    }

    private bool Required(string column)
    {
        if (this[column].Length > 0)
        {
            return true;
        }
        Error(column, columns.Contains(column) ? "required for stated_change" : $"required for stated_change: add {ReturnsCsv.OptionalHeader} to the header");
        return false;
    }

    private void Empty(string kind, params string[] names)
    {
        foreach (var column in names.Where(c => this[c].Length > 0))
        {
            Error(column, $"must be empty on a {kind} line");
        }
    }

    private double? Quantity()
    {
        var text = this["quantity"];
        if (!double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var quantity))
        {
            Error("quantity", text.Length == 0 ? "required" : $"\"{text}\" is not a number (write 1234.5: a decimal point, no thousands separator)");
            return null;
        }
        if (!double.IsFinite(quantity) || quantity < 0)
        {
            Error("quantity", $"\"{text}\": zero or more, finite");
            return null;
        }
        return quantity;
    }

    private QuantityUnit? Unit()
    {
        var text = this["unit"];
        if (!Quantities.TryParseUnit(text, out var unit))
        {
            Error("unit", $"{Invalid(text)}: one of g, kg, t, ml, l, pills, ampoules");
            return null;
        }
        return unit;
    }
}
