using Hub.Contracts.V1;

namespace Hub.Server.Access;

/// <summary>
/// What the policy needs to know about any record — an alert, a case, a case message, a
/// controlled delivery — to decide who may receive it. Every record kind describes itself in
/// these terms (its feature builds the description from the record's <em>current</em> state),
/// and <see cref="AccessPolicy"/> alone decides from it.
/// </summary>
/// <param name="Originator">The country that owns the record: it always reads it, unless excluded.</param>
/// <param name="Distribution">How far beyond the originator and the addressees the record goes.</param>
/// <param name="Addressees">Countries that read it whatever the distribution (a case's participants, a message's recipients, a delivery's route).</param>
public sealed record RecordAccess(string Originator, Distribution Distribution, IReadOnlyCollection<string> Addressees)
{
    /// <summary>
    /// When set, MEMBERS and MEMBERS_AND_OBSERVERS reach only these countries (a case
    /// message's distribution reaches the case's accepted participants, never the region).
    /// </summary>
    public IReadOnlyCollection<string>? Circle { get; init; }

    /// <summary>Countries that read nothing of it whatever else says (participants removed from a case).</summary>
    public IReadOnlyCollection<string> Excluded { get; init; } = [];

    /// <summary>Only member states read it, addressed or not (controlled deliveries).</summary>
    public bool MembersOnly { get; init; }

    /// <summary>Nobody but the centre: what a record whose current state cannot be found is treated as.</summary>
    public static readonly RecordAccess CentreOnly = new("", Distribution.Originator, []);
}
