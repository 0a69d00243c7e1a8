using Hub.Contracts.V1;

namespace Hub.Server.Validation;

/// <summary>
/// The parts several record kinds carry — seized items, identifiers, persons (an alert's, a
/// delivery's, a case message's, a check's) — checked by one rule wherever they appear.
/// </summary>
public static class RecordParts
{
    public const int MaxItems = 50;
    public const int MaxIdentifiers = 50;
    public const int MaxIdentifierValue = 100;
    public const int MaxShortText = 200;

    /// <summary>Identifiers wherever a record carries them (alerts, deliveries): kind from the vocabulary, value one line.</summary>
    public static void ValidateIdentifiers(IReadOnlyList<Identifier> identifiers, string field, FieldErrors errors)
    {
        if (identifiers.Count > MaxIdentifiers)
        {
            errors.Add(field, $"at most {MaxIdentifiers}");
        }
        for (var i = 0; i < identifiers.Count; i++)
        {
            var identifier = identifiers[i];
            if (identifier.Kind == IdentifierKind.Unspecified || !Enum.IsDefined(identifier.Kind))
            {
                errors.Add($"{field}[{i}].kind", identifier.Kind == IdentifierKind.Unspecified ? "required" : $"unknown value {(int)identifier.Kind}");
            }
            RequiredLine(identifier.Value, $"{field}[{i}].value", MaxIdentifierValue, errors);
        }
    }

    public const int MaxPersons = 20;
    public const int MaxPersonName = 200;

    /// <summary>
    /// Persons wherever a record or a check carries them: a name of one line with at least two
    /// letters, a date of birth as YYYY-MM-DD (1900 to today), a nationality code of three letters.
    /// </summary>
    public static void ValidatePersons(IReadOnlyList<PersonOfInterest> persons, string field, FieldErrors errors)
    {
        if (persons.Count > MaxPersons)
        {
            errors.Add(field, $"at most {MaxPersons}");
        }
        for (var i = 0; i < persons.Count; i++)
        {
            var person = persons[i];
            var f = $"{field}[{i}].";
            RequiredLine(person.Name, f + "name", MaxPersonName, errors);
            if (!string.IsNullOrWhiteSpace(person.Name) && person.Name.Count(char.IsLetter) < 2)
            {
                errors.Add(f + "name", "must hold at least two letters");
            }
            if (person.DateOfBirth.Length > 0 && (!DateOnly.TryParseExact(person.DateOfBirth, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.None, out var born) || born.Year < 1900 || born > DateOnly.FromDateTime(DateTime.UtcNow)))
            {
                errors.Add(f + "date_of_birth", "a date as YYYY-MM-DD, from 1900 to today");
            }
            if (person.Nationality.Length > 0 && (person.Nationality.Length != 3 || !person.Nationality.All(char.IsAsciiLetterUpper)))
            {
                errors.Add(f + "nationality", "an ISO 3166-1 alpha-3 code in capitals (e.g. KGZ)");
            }
        }
    }

    /// <summary>Seized items wherever a record carries them (an alert's items, a delivery's consignment).</summary>
    public static void ValidateItems(IReadOnlyList<SeizedItem> items, string field, FieldErrors errors)
    {
        if (items.Count == 0)
        {
            errors.Add(field, "at least one seized item is required");
        }
        else if (items.Count > MaxItems)
        {
            errors.Add(field, $"at most {MaxItems}");
        }
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var f = $"{field}[{i}].";
            if (item.Substance == Substance.Unspecified)
            {
                errors.Add(f + "substance", "required");
            }
            else if (!Enum.IsDefined(item.Substance))
            {
                errors.Add(f + "substance", $"unknown substance {(int)item.Substance}");
            }
            else if (item.Substance == Substance.Other && string.IsNullOrWhiteSpace(item.SubstanceDetail))
            {
                errors.Add(f + "substance_detail", "required when substance is SUBSTANCE_OTHER");
            }
            TextFields.Text(item.SubstanceDetail, f + "substance_detail", MaxShortText, errors, required: false);

            if (!double.IsFinite(item.Quantity) || item.Quantity <= 0)
            {
                errors.Add(f + "quantity", "must be a finite number greater than zero");
            }
            else if (Enum.IsDefined(item.Unit) && item.Unit != QuantityUnit.Unspecified && Quantities.Implausible(item.Quantity, item.Unit) is { } bound)
            {
                errors.Add(f + "quantity", bound);
            }
            if (item.Unit == QuantityUnit.Unspecified)
            {
                errors.Add(f + "unit", "required");
            }
            else if (!Enum.IsDefined(item.Unit))
            {
                errors.Add(f + "unit", $"unknown unit {(int)item.Unit}");
            }
        }
    }

    private static void RequiredLine(string value, string field, int max, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "required");
        }
        else
        {
            TextFields.Text(value, field, max, errors, singleLine: true);
        }
    }
}
