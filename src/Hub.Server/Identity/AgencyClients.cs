using System.Collections.Immutable;
using System.Text.Json;
using OpenIddict.Abstractions;

namespace Hub.Server.Identity;

/// <summary>
/// Member agencies' systems are OpenIddict applications using client credentials, one per
/// agency, bound to their country by a property on the application.
/// </summary>
public static class AgencyClients
{
    public const string CountryProperty = "hub_country";
    public const string DisabledProperty = "hub_disabled";
    /// <summary>While a client awaits a second admin's approval: who registered it. Such a client is also disabled.</summary>
    public const string RequestedByProperty = "hub_requested_by";

    public static OpenIddictApplicationDescriptor Describe(string clientId, string secret, string displayName, string country)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = OpenIddictConstants.ClientTypes.Confidential,
            DisplayName = displayName,
            Permissions =
            {
                OpenIddictConstants.Permissions.Endpoints.Token,
                OpenIddictConstants.Permissions.GrantTypes.ClientCredentials,
                OpenIddictConstants.Permissions.Prefixes.Scope + IdentitySetup.ApiScope,
            },
        };
        descriptor.Properties[CountryProperty] = JsonSerializer.SerializeToElement(country);
        return descriptor;
    }

    public static string? CountryOf(ImmutableDictionary<string, JsonElement> properties) =>
        properties.TryGetValue(CountryProperty, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static string? RequestedBy(ImmutableDictionary<string, JsonElement> properties) =>
        properties.TryGetValue(RequestedByProperty, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static bool IsDisabled(ImmutableDictionary<string, JsonElement> properties) =>
        properties.TryGetValue(DisabledProperty, out var value) && value.ValueKind == JsonValueKind.True;
}
