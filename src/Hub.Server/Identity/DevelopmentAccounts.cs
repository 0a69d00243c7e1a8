using Hub.Server.Access;
using Hub.Server.Countries;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;

namespace Hub.Server.Identity;

/// <summary>
/// Accounts for trying the hub. Their secrets are public in the README, so they exist only
/// in the Development environment (<c>Hub:Identity:SeedDevelopmentAccounts</c>, on by default
/// there); asking for them in any other environment stops the hub at start.
/// </summary>
public static class DevelopmentAccounts
{
    public const string SeedKey = "Hub:Identity:SeedDevelopmentAccounts";

    public static bool Enabled(IConfiguration configuration, bool development) =>
        development && (configuration.GetValue<bool?>(SeedKey) ?? true);

    /// <summary>Refuses, before anything starts, a configuration asking for public secrets outside Development.</summary>
    public static void CheckAllowed(IConfiguration configuration, bool development)
    {
        if (!development && configuration.GetValue<bool?>(SeedKey) == true)
        {
            throw new InvalidOperationException(
                $"{SeedKey}=true outside the Development environment: development accounts have public secrets. " +
                "Create the first admin with `Hub.Server bootstrap-admin <user name>`.");
        }
    }

    public const string Password = "Hub-dev-password-1";
    public const string ConsoleClientId = "hub-console";

    public static string ClientSecret(string country) => $"agency-{country.ToLowerInvariant()}-dev-secret";
    public static string ClientId(string country) => $"agency-{country.ToLowerInvariant()}";
    public static string LiaisonOfficer(string country) => $"liaison.{country.ToLowerInvariant()}";

    public static IEnumerable<(string UserName, string DisplayName, string Country, string Role)> People()
    {
        foreach (var member in DirectorySeed.Participants.Where(p => p.Status == CountryStatus.Member))
        {
            yield return (LiaisonOfficer(member.Code), $"Liaison officer of {member.Name}", member.Code, Roles.LiaisonOfficer);
        }
        yield return ("operator", "Duty operator", CentreCountry.Code, Roles.Operator);
        yield return ("analyst", "Analyst", CentreCountry.Code, Roles.Analyst);
        yield return ("observer.tur", "Observer of Türkiye", "TUR", Roles.Observer);
        yield return ("admin", "Administrator", CentreCountry.Code, Roles.Admin);
        // The second pair of eyes: accounts one admin asks for, the other approves.
        yield return ("admin2", "Second administrator", CentreCountry.Code, Roles.Admin);
    }

    public static async Task SeedAsync(IServiceProvider services, IConfiguration configuration, CancellationToken cancellationToken)
    {
        var users = services.GetRequiredService<UserManager<HubUser>>();
        var roles = services.GetRequiredService<RoleManager<IdentityRole>>();
        var applications = services.GetRequiredService<IOpenIddictApplicationManager>();

        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)), role);
            }
        }

        foreach (var (userName, displayName, country, role) in People())
        {
            if (await users.FindByNameAsync(userName) is not null)
            {
                continue;
            }
            var user = new HubUser { UserName = userName, DisplayName = displayName, Country = country, LockoutEnabled = true };
            Check(await users.CreateAsync(user, Password), userName);
            Check(await users.AddToRoleAsync(user, role), userName);
        }

        foreach (var member in DirectorySeed.Participants.Where(p => p.Status == CountryStatus.Member))
        {
            if (await applications.FindByClientIdAsync(ClientId(member.Code), cancellationToken) is null)
            {
                await applications.CreateAsync(
                    AgencyClients.Describe(ClientId(member.Code), ClientSecret(member.Code), $"{member.Name} — national agency system", member.Code),
                    cancellationToken);
            }
        }
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not seed {what}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }
}

/// <summary>The hub's web console: a public client using authorization code + PKCE, registered in every environment (it has no secret).</summary>
public static class ConsoleClient
{
    public const string CallbackPath = "/console/callback";

    public static async Task EnsureAsync(IServiceProvider services, IConfiguration configuration, CancellationToken cancellationToken)
    {
        var applications = services.GetRequiredService<IOpenIddictApplicationManager>();
        if (await applications.FindByClientIdAsync(DevelopmentAccounts.ConsoleClientId, cancellationToken) is null)
        {
            await applications.CreateAsync(Describe(configuration), cancellationToken);
        }
    }

    public static OpenIddictApplicationDescriptor Describe(IConfiguration configuration)
    {
        var baseUrl = (configuration["Hub:PublicWebUrl"] ?? configuration["Kestrel:Endpoints:Web:Url"] ?? "http://127.0.0.1:5080").TrimEnd('/');
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = DevelopmentAccounts.ConsoleClientId,
            ClientType = OpenIddictConstants.ClientTypes.Public,
            ConsentType = OpenIddictConstants.ConsentTypes.Implicit,
            DisplayName = "Hub web console",
            RedirectUris = { new Uri(baseUrl + CallbackPath) },
            PostLogoutRedirectUris = { new Uri(baseUrl + "/") },
            Permissions =
            {
                OpenIddictConstants.Permissions.Endpoints.Authorization,
                OpenIddictConstants.Permissions.Endpoints.Token,
                OpenIddictConstants.Permissions.Endpoints.EndSession,
                OpenIddictConstants.Permissions.GrantTypes.AuthorizationCode,
                OpenIddictConstants.Permissions.GrantTypes.RefreshToken,
                OpenIddictConstants.Permissions.ResponseTypes.Code,
                OpenIddictConstants.Permissions.Scopes.Profile,
                OpenIddictConstants.Permissions.Scopes.Roles,
                OpenIddictConstants.Permissions.Prefixes.Scope + IdentitySetup.ApiScope,
            },
            Requirements = { OpenIddictConstants.Requirements.Features.ProofKeyForCodeExchange },
        };
        return descriptor;
    }
}
