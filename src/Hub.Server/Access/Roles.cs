namespace Hub.Server.Access;

/// <summary>The roles a token can carry (claim <c>role</c>).</summary>
public static class Roles
{
    public const string LiaisonOfficer = "liaison_officer";
    public const string Operator = "operator";
    public const string Analyst = "analyst";
    public const string AgencySystem = "agency_system";
    public const string Observer = "observer";
    public const string Admin = "admin";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        LiaisonOfficer, Operator, Analyst, AgencySystem, Observer, Admin,
    };
}

/// <summary>Claim types the hub puts in its tokens beyond the standard ones.</summary>
public static class HubClaims
{
    /// <summary>The ISO 3166-1 alpha-3 code, or an organisation's code, the principal acts for.</summary>
    public const string Country = "country";
}

/// <summary>How a request reached the hub; recorded in the audit trail.</summary>
public static class Channels
{
    public const string Grpc = "grpc";
    public const string GrpcStream = "grpc-stream";
    public const string SignalR = "signalr";
    public const string Http = "http";
    public const string CountryQueue = "country-queue";
    public const string System = "system";
}
