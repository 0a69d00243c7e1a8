using Hub.Contracts.V1;

namespace Hub.Server.Access;

/// <summary>A stored row that keeps its record's release in columns, so that the database can run the policy's filter.</summary>
public interface IReleasedRow
{
    string ReportingCountry { get; }
    Distribution Distribution { get; }
    /// <summary>Comma-separated codes for ADDRESSED distribution, empty otherwise.</summary>
    string AddressedCountries { get; }
}

/// <summary>A stored row whose readers are listed in one column, delimited as ",KAZ,KGZ,".</summary>
public interface IListedRow
{
    string ListedCountries { get; }
}

/// <summary>
/// The live feed's SignalR groups: the centre's staff share one, each country's readers
/// share their country's. The policy says who joins which and which groups receive a record.
/// </summary>
public static class FeedGroups
{
    public const string Centre = "centre";

    public static string Country(string country) => "country:" + country;
}
