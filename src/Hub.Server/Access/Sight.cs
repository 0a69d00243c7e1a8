namespace Hub.Server.Access;

/// <summary>
/// What a recipient may see of a record's event at the moment it is sent (decided by
/// <see cref="AccessPolicy.SightOf(Caller, Records.ISightedItem)"/> and its per-country and
/// per-group forms). The feed kind renders the event accordingly; nothing else decides.
/// </summary>
public enum Sight
{
    /// <summary>Nothing: the event is not sent.</summary>
    None,

    /// <summary>The record as it is now, content included.</summary>
    Full,

    /// <summary>The record is withdrawn and the recipient is neither its originator nor the centre: the withdrawal, no content.</summary>
    Withheld,

    /// <summary>The recipient could read the record before a release change and cannot now: a withdrawal "no longer released".</summary>
    NoLongerReleased,
}
