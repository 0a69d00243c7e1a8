using Hub.Contracts.V1;
using Hub.Server.Matching.Names;

namespace Hub.Server.Matching;

/// <summary>One canonical value of a record (or of a check) as the blind index keys it.</summary>
public readonly record struct MatchTerm(MatchKeyKind Kind, string Canonical);

/// <summary>What a record or a check carries that can be matched: its identifiers and its persons.</summary>
public sealed record MatchParts(IReadOnlyList<Identifier> Identifiers, IReadOnlyList<PersonOfInterest> Persons)
{
    public static readonly MatchParts None = new([], []);
}

/// <summary>The canonical values of identifiers and persons: what the index hashes, junk left out.</summary>
public static class MatchTerms
{
    public static MatchKeyKind KindOf(IdentifierKind kind) => kind switch
    {
        IdentifierKind.PhoneNumber => MatchKeyKind.PhoneNumber,
        IdentifierKind.VehiclePlate => MatchKeyKind.VehiclePlate,
        IdentifierKind.DocumentNumber => MatchKeyKind.DocumentNumber,
        IdentifierKind.ShipmentNumber => MatchKeyKind.ShipmentNumber,
        _ => MatchKeyKind.Other,
    };

    /// <summary>The identifier's one canonical value, or null when it is junk (read in <paramref name="country"/>'s numbering plan).</summary>
    public static MatchTerm? Of(Identifier identifier, string country) =>
        IdentifierKeys.Normalise(identifier.Kind, identifier.Value, country) is { } value ? new MatchTerm(KindOf(identifier.Kind), value.Canonical) : null;

    /// <summary>The name keys of a person (every spelling the hub folds together gives one of them).</summary>
    public static IEnumerable<MatchTerm> Of(PersonOfInterest person) => NameKeys.For(person.Name).Select(k => new MatchTerm(MatchKeyKind.PersonName, k));

    /// <summary>Every distinct canonical value of a record's parts.</summary>
    public static IReadOnlyList<MatchTerm> Of(MatchParts parts, string owner) =>
        [.. parts.Identifiers.Select(i => Of(i, owner)).OfType<MatchTerm>().Concat(parts.Persons.SelectMany(Of)).Distinct()];

    /// <summary>Why an item of a check gives no value to look up, or null when it gives one.</summary>
    public static string? Unmatchable(Identifier identifier, string country) => Of(identifier, country) is not null ? null : identifier.Kind switch
    {
        IdentifierKind.PhoneNumber => "not a valid phone number (with its country code, or of your country's numbering plan)",
        _ => "too short or a placeholder: not matched",
    };
}
