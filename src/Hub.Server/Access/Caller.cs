using System.Security.Claims;
using OpenIddict.Abstractions;

namespace Hub.Server.Access;

/// <summary>
/// Who is asking, reduced to what the access policy decides on. Built from a validated
/// token; an anonymous caller has no country and no roles, and is denied everything.
/// </summary>
public sealed record Caller(string Subject, string? ClientId, string? Name, string Country, IReadOnlySet<string> Roles)
{
    public static readonly Caller Anonymous = new("anonymous", null, null, "", new HashSet<string>());

    /// <summary>The hub itself (start-up seeding, background jobs).</summary>
    public static readonly Caller System = new("hub", null, "hub", CentreCountry.Code, new HashSet<string>());

    public bool IsAuthenticated => !ReferenceEquals(this, Anonymous) && Subject != Anonymous.Subject;

    public bool Has(string role) => Roles.Contains(role);

    /// <summary>The centre's own staff, who see every record whatever its distribution.</summary>
    public bool IsCentreStaff => Country == CentreCountry.Code && (Has(Access.Roles.Operator) || Has(Access.Roles.Analyst));

    public static Caller From(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true)
        {
            return Anonymous;
        }
        var subject = principal.GetClaim(OpenIddictConstants.Claims.Subject) ?? principal.FindFirstValue(ClaimTypes.NameIdentifier);
        var country = principal.GetClaim(HubClaims.Country);
        if (string.IsNullOrEmpty(subject) || string.IsNullOrEmpty(country))
        {
            return Anonymous;
        }
        var roles = principal.GetClaims(OpenIddictConstants.Claims.Role).Where(Access.Roles.All.Contains).ToHashSet(StringComparer.Ordinal);
        return new Caller(
            subject,
            principal.GetClaim(OpenIddictConstants.Claims.ClientId) ?? principal.GetClaim(OpenIddictConstants.Claims.AuthorizedParty),
            principal.GetClaim(OpenIddictConstants.Claims.Name) ?? principal.GetClaim(OpenIddictConstants.Claims.PreferredUsername),
            country,
            roles);
    }
}

/// <summary>The centre itself, as a participant: its staff carry this country code.</summary>
public static class CentreCountry
{
    public const string Code = "CARICC";
}
