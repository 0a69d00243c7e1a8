using System.Linq.Expressions;
using Hub.Contracts.V1;
using Hub.Server.Alerts;
using Hub.Server.Countries;

namespace Hub.Server.Access;

/// <summary>What the policy needs to know about a record to decide who may see it.</summary>
public sealed record RecordAccess(string Originator, Distribution Distribution, IReadOnlyCollection<string> Addressees)
{
    public static RecordAccess Of(AlertRecord alert) =>
        new(alert.ReportingCountry, alert.Distribution, alert.AddressedCountries.Length == 0 ? [] : alert.AddressedCountries.Split(','));

    public static RecordAccess Of(SeizureAlert alert) =>
        new(alert.Content.ReportingCountry, alert.Content.Distribution, [.. alert.Content.AddressedCountries]);
}

/// <summary>What the policy needs to know about a case: its owner and every invited or accepted country.</summary>
public sealed record CaseAccess(string Owner, IReadOnlyCollection<string> Participants);

/// <summary>
/// What the policy needs to know about a case message: who sent it, to whom, its
/// distribution, and the case's accepted participants (whom MEMBERS distribution reaches).
/// </summary>
public sealed record MessageAccess(string Sender, IReadOnlyCollection<string> Recipients, Distribution Distribution, IReadOnlyCollection<string> AcceptedParticipants);

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
        if (!IsActive(caller))
        {
            return false;
        }
        if (caller.IsCentreStaff)
        {
            return true;
        }
        return IsCountryReader(caller) && CountryMayRead(caller.Country, record);
    }

    /// <summary>Whether a country's readers (officers, systems, observers) may see the record.</summary>
    public bool CountryMayRead(string country, RecordAccess record)
    {
        var status = directory.StatusOf(country);
        if (status is null or CountryStatus.Applicant)
        {
            return false;
        }
        if (record.Originator == country)
        {
            return true;
        }
        return record.Distribution switch
        {
            Distribution.Addressed => record.Addressees.Contains(country),
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
            return LiveFeed.FeedHub.CentreGroup;
        }
        return IsCountryReader(caller) ? LiveFeed.FeedHub.CountryGroup(caller.Country) : null;
    }

    /// <summary>The feed groups that receive a record: the centre, and each entitled country.</summary>
    public IReadOnlyList<string> FeedGroupsFor(RecordAccess record) =>
        [LiveFeed.FeedHub.CentreGroup, .. EntitledCountries(record).Select(LiveFeed.FeedHub.CountryGroup)];

    /// <summary>The same rule as <see cref="CanRead"/>, as a filter the database runs.</summary>
    public Expression<Func<AlertRecord, bool>> ReadableAlerts(Caller caller)
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

    /// <summary>Only the route countries and the centre see a controlled delivery.</summary>
    public bool CanSeeDelivery(Caller caller, IReadOnlyCollection<string> routeCountries) =>
        IsActive(caller) && (caller.IsCentreStaff || (IsCountryReader(caller) && CountryMaySeeDelivery(caller.Country, routeCountries)));

    public bool CountryMaySeeDelivery(string country, IReadOnlyCollection<string> routeCountries) =>
        directory.StatusOf(country) is CountryStatus.Member && routeCountries.Contains(country);

    /// <summary>A case is seen by the centre and by the countries invited to it.</summary>
    public bool CanSeeCase(Caller caller, CaseAccess access) =>
        IsActive(caller) && (caller.IsCentreStaff || (IsCountryReader(caller) && CountryMaySeeCase(caller.Country, access)));

    public bool CountryMaySeeCase(string country, CaseAccess access) =>
        directory.StatusOf(country) is CountryStatus.Member or CountryStatus.Observer && access.Participants.Contains(country);

    public bool CanReadMessage(Caller caller, MessageAccess access) =>
        IsActive(caller) && (caller.IsCentreStaff || (IsCountryReader(caller) && CountryMayReadMessage(caller.Country, access)));

    /// <summary>
    /// A case message is read by its sender, its recipients and the centre; MEMBERS adds the
    /// case's accepted member participants, MEMBERS_AND_OBSERVERS all accepted participants.
    /// Never anyone outside the case but named recipients (forwarded-to countries).
    /// </summary>
    public bool CountryMayReadMessage(string country, MessageAccess access)
    {
        var status = directory.StatusOf(country);
        if (status is null or CountryStatus.Applicant)
        {
            return false;
        }
        if (country == access.Sender || access.Recipients.Contains(country))
        {
            return true;
        }
        return access.Distribution switch
        {
            Distribution.Members => status == CountryStatus.Member && access.AcceptedParticipants.Contains(country),
            Distribution.MembersAndObservers => access.AcceptedParticipants.Contains(country),
            _ => false,
        };
    }

    public IReadOnlyList<string> CountriesMayReadMessage(MessageAccess access) =>
        access.AcceptedParticipants.Concat(access.Recipients).Append(access.Sender).Distinct()
            .Where(c => CountryMayReadMessage(c, access)).Order(StringComparer.Ordinal).ToList();

    public IReadOnlyList<string> CountriesMaySeeCase(CaseAccess access) =>
        access.Participants.Where(c => CountryMaySeeCase(c, access)).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Whether the caller may act for <paramref name="country"/> in a case (post, accept,
    /// acknowledge, decide a forward): its liaison officers and agency systems.
    /// </summary>
    public Decision CanActFor(Caller caller, string country)
    {
        if (!IsActive(caller))
        {
            return Decision.Deny("not signed in, or the account is disabled");
        }
        if (!PosterRoles.Any(caller.Has))
        {
            return Decision.Deny("only liaison officers and agency systems act in cases");
        }
        return caller.Country == country ? Decision.Allow : Decision.Deny($"acts for {caller.Country}, not for {country}");
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

    public Decision CanAdminister(Caller caller) =>
        IsActive(caller) && caller.Has(Roles.Admin) ? Decision.Allow : Decision.Deny("admins only");
}

/// <summary>An allow or a deny with the reason, for the caller's error and the audit trail.</summary>
public readonly record struct Decision(bool Allowed, string Reason)
{
    public static readonly Decision Allow = new(true, "");

    public static Decision Deny(string reason) => new(false, reason);
}
