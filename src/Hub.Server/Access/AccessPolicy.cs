using System.Linq.Expressions;
using Hub.Contracts.V1;
using Hub.Server.Countries;

namespace Hub.Server.Access;

/// <summary>
/// The one place that decides who may see or do what. gRPC calls and streams, SignalR
/// pushes, HTTP endpoints and the per-country fan-out all ask it. Anything it does not
/// explicitly allow is denied.
/// </summary>
/// <remarks>
/// Reading depends only on who the caller works for: the centre's operators and analysts see
/// everything; a country's liaison officers, agency systems and observers see what the
/// record's distribution releases to that country given its current status; applicants and
/// unknown countries see nothing; admins manage accounts and see no operational records.
/// </remarks>
public sealed class AccessPolicy(AccessDirectory directory)
{
    private static readonly string[] ReaderRoles = [Roles.LiaisonOfficer, Roles.AgencySystem, Roles.Observer];
    private static readonly string[] PosterRoles = [Roles.LiaisonOfficer, Roles.AgencySystem];

    private static bool IsCountryReader(Caller caller) => ReaderRoles.Any(caller.Has);

    /// <summary>Signed in with an account that is still enabled.</summary>
    public bool IsActive(Caller caller) => caller.IsAuthenticated && !directory.IsDisabled(caller.Subject);

    public bool CanRead(Caller caller, RecordAccess record)
    {
        // An admin reads no records, even one given a reading role behind the hub's back.
        if (!IsActive(caller) || caller.Has(Roles.Admin))
        {
            return false;
        }
        if (caller.IsCentreStaff)
        {
            return true;
        }
        return IsCountryReader(caller) && CountryMayRead(caller.Country, record);
    }

    /// <summary>Whether a country's readers (officers, systems, observers) may see the record, given the country's current status.</summary>
    public bool CountryMayRead(string country, RecordAccess record)
    {
        var status = directory.StatusOf(country);
        if (status is null or CountryStatus.Applicant || (record.MembersOnly && status != CountryStatus.Member) || record.Excluded.Contains(country))
        {
            return false;
        }
        if (record.Originator == country || record.Addressees.Contains(country))
        {
            return true;
        }
        if (record.Circle is { } circle && !circle.Contains(country))
        {
            return false;
        }
        return record.Distribution switch
        {
            Distribution.Members => status == CountryStatus.Member,
            Distribution.MembersAndObservers => status is CountryStatus.Member or CountryStatus.Observer,
            _ => false,
        };
    }

    /// <summary>
    /// The countries whose readers may see the record: the per-country fan-out and the
    /// SignalR country groups are exactly this set.
    /// </summary>
    public IReadOnlyList<string> EntitledCountries(RecordAccess record) =>
        directory.Participants.Where(c => CountryMayRead(c, record)).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// What <paramref name="caller"/> may see of a feed item now: the record's current access
    /// decides; a release change also reaches those who could read it before (as a
    /// withdrawal); a withdrawn record's content only its originator and the centre's staff.
    /// </summary>
    public Sight SightOf(Caller caller, Records.ISightedItem item) =>
        Sighted(CanRead(caller, item.Access), item.Prior is { } prior && CanRead(caller, prior),
            caller.IsCentreStaff || caller.Country == item.Access.Originator, item.Withdrawn);

    /// <summary>What a country's readers (its queue, its feed group) may see of a feed item now.</summary>
    public Sight CountrySightOf(string country, Records.ISightedItem item) =>
        Sighted(CountryMayRead(country, item.Access), item.Prior is { } prior && CountryMayRead(country, prior),
            country == item.Access.Originator, item.Withdrawn);

    /// <summary>The countries that receive a feed item now, each with what it sees (the per-country fan-out).</summary>
    public IReadOnlyList<(string Country, Sight Sight)> CountrySights(Records.ISightedItem item) =>
        [.. directory.Participants.Order(StringComparer.Ordinal).Select(c => (c, CountrySightOf(c, item))).Where(s => s.Item2 != Sight.None)];

    /// <summary>The feed groups that receive a feed item now, each with what it sees: the centre's in full, and each country's.</summary>
    public IReadOnlyList<(string Group, Sight Sight)> FeedGroupSights(Records.ISightedItem item) =>
        [(FeedGroups.Centre, Sight.Full), .. CountrySights(item).Select(s => (FeedGroups.Country(s.Country), s.Sight))];

    private static Sight Sighted(bool readsNow, bool readBefore, bool originatorOrCentre, bool withdrawn) =>
        readsNow ? (withdrawn && !originatorOrCentre ? Sight.Withheld : Sight.Full)
        : readBefore ? Sight.NoLongerReleased
        : Sight.None;

    /// <summary>
    /// The live-feed group a connection joins: the centre's staff share one, a country's
    /// readers share their country's. Events are pushed to the centre group and to the groups
    /// of <see cref="EntitledCountries"/>, which is <see cref="CanRead"/> per group.
    /// </summary>
    public string? FeedGroupOf(Caller caller)
    {
        if (!IsActive(caller))
        {
            return null;
        }
        if (caller.IsCentreStaff)
        {
            return FeedGroups.Centre;
        }
        return IsCountryReader(caller) ? FeedGroups.Country(caller.Country) : null;
    }

    /// <summary>The feed groups that receive a record: the centre, and each entitled country.</summary>
    public IReadOnlyList<string> FeedGroupsFor(RecordAccess record) =>
        [FeedGroups.Centre, .. EntitledCountries(record).Select(FeedGroups.Country)];

    /// <summary>
    /// The same rule as <see cref="CanRead"/> for rows that keep a record's release in columns
    /// (<see cref="IReleasedRow"/>), as a filter the database runs. The agreement test holds
    /// it to <see cref="CanRead"/>.
    /// </summary>
    public Expression<Func<T, bool>> Readable<T>(Caller caller) where T : IReleasedRow
    {
        if (!IsActive(caller))
        {
            return a => false;
        }
        if (caller.IsCentreStaff)
        {
            return a => true;
        }
        var status = IsCountryReader(caller) ? directory.StatusOf(caller.Country) : null;
        if (status is null or CountryStatus.Applicant)
        {
            return a => false;
        }
        var country = caller.Country;
        var pattern = "," + country + ",";
        var member = status == CountryStatus.Member;
        return a => a.ReportingCountry == country
            || (a.Distribution == Distribution.Addressed && ("," + a.AddressedCountries + ",").Contains(pattern))
            || (member && a.Distribution == Distribution.Members)
            || a.Distribution == Distribution.MembersAndObservers;
    }

    /// <summary>
    /// A filter the database runs before <see cref="CanRead"/> decides, for records whose
    /// readers are listed in a delimited column (<see cref="IListedRow"/>: a delivery's route):
    /// everything for the centre, nothing for callers who read nothing, the caller's country's
    /// rows otherwise.
    /// </summary>
    public Expression<Func<T, bool>> Listed<T>(Caller caller) where T : IListedRow
    {
        if (!IsActive(caller))
        {
            return r => false;
        }
        if (caller.IsCentreStaff)
        {
            return r => true;
        }
        if (!IsCountryReader(caller) || directory.StatusOf(caller.Country) is null or CountryStatus.Applicant)
        {
            return r => false;
        }
        var pattern = "," + caller.Country + ",";
        return r => r.ListedCountries.Contains(pattern);
    }

    /// <summary>
    /// Whether the caller may act for <paramref name="country"/> in a case or a delivery (post,
    /// accept, acknowledge, decide a forward, take a delivery's turn): its liaison officers
    /// and agency systems, while the country is a member or an observer. Whose turn it is in
    /// a delivery is the delivery's state; that the caller may take that country's turn is
    /// decided here.
    /// </summary>
    public Decision CanActFor(Caller caller, string country)
    {
        if (!IsActive(caller))
        {
            return Decision.Deny("not signed in, or the account is disabled");
        }
        if (!PosterRoles.Any(caller.Has))
        {
            return Decision.Deny("only liaison officers and agency systems act for a country");
        }
        if (caller.Country != country)
        {
            return Decision.Deny($"acts for {caller.Country}, not for {country}");
        }
        // An applicant, or a country taken out of the directory, no longer acts in anything.
        return directory.StatusOf(country) is CountryStatus.Member or CountryStatus.Observer
            ? Decision.Allow
            : Decision.Deny($"{country} is neither a member nor an observer");
    }

    /// <summary>Whether the caller may post a record as originating from <paramref name="country"/>.</summary>
    public Decision CanPostFor(Caller caller, string country)
    {
        if (!IsActive(caller))
        {
            return Decision.Deny("not signed in, or the account is disabled");
        }
        if (!PosterRoles.Any(caller.Has))
        {
            return Decision.Deny("only liaison officers and agency systems post records");
        }
        if (caller.Country != country)
        {
            return Decision.Deny($"acts for {caller.Country} and cannot post for {country}");
        }
        if (directory.StatusOf(country) != CountryStatus.Member)
        {
            return Decision.Deny($"{country} is not a member state");
        }
        return Decision.Allow;
    }

    /// <summary>
    /// Who may withdraw a record: its originator's officers and systems, or the centre's
    /// operators (who must also state a legal basis). Analysts read, they do not withdraw.
    /// </summary>
    public Decision CanWithdraw(Caller caller, string originator)
    {
        if (!caller.IsCentreStaff)
        {
            return CanActFor(caller, originator);
        }
        return IsActive(caller) && caller.Has(Roles.Operator) ? Decision.Allow : Decision.Deny("only the centre's operators withdraw another country's record");
    }

    /// <summary>
    /// Who may check identifiers and names against every country's records (hub.v1.Matches):
    /// the centre's operators and analysts, and the liaison officers and agency systems of
    /// members and observers. Observers' checks reveal no more than anyone's: hit, count,
    /// owners and a reference.
    /// </summary>
    public Decision CanCheck(Caller caller) =>
        caller.IsCentreStaff && IsActive(caller) && !caller.Has(Roles.Admin) ? Decision.Allow : CanActFor(caller, caller.Country);

    /// <summary>
    /// Statistics: the centre's operators and analysts, and the readers of members and
    /// observers — each counts only what it may read (the filter is <see cref="Readable{T}"/>).
    /// </summary>
    public Decision CanReadStatistics(Caller caller) =>
        IsActive(caller) && !caller.Has(Roles.Admin)
        && (caller.IsCentreStaff || (IsCountryReader(caller) && directory.StatusOf(caller.Country) is CountryStatus.Member or CountryStatus.Observer))
            ? Decision.Allow
            : Decision.Deny("statistics are for the centre's staff and the readers of members and observers");

    /// <summary>A national return: the country's own officers and systems, or the centre's operators and analysts entering one for a member.</summary>
    public Decision CanSubmitReturn(Caller caller, string country) =>
        caller.IsCentreStaff && IsActive(caller) && !caller.Has(Roles.Admin)
            ? directory.StatusOf(country) == CountryStatus.Member ? Decision.Allow : Decision.Deny($"{country} is not a member state")
            : CanPostFor(caller, country);

    /// <summary>Retention decisions (extend, purge, legal hold): the centre's operators; its analysts may read the review list.</summary>
    public Decision CanManageRetention(Caller caller, bool readOnly = false) =>
        IsActive(caller) && caller.IsCentreStaff && (readOnly || caller.Has(Roles.Operator)) && !caller.Has(Roles.Admin) ? Decision.Allow
            : Decision.Deny(readOnly ? "the centre's operators and analysts only" : "the centre's operators only");

    public Decision CanAdminister(Caller caller) =>
        IsActive(caller) && caller.Has(Roles.Admin) && caller.Roles.Count == 1 ? Decision.Allow
            : Decision.Deny(caller.Has(Roles.Admin) ? "an admin holding other roles may not administer (separation of duties)" : "admins only");
}

/// <summary>An allow or a deny with the reason, for the caller's error and the audit trail.</summary>
public readonly record struct Decision(bool Allowed, string Reason)
{
    public static readonly Decision Allow = new(true, "");

    public static Decision Deny(string reason) => new(false, reason);
}
