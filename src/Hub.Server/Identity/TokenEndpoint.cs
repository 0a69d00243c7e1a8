using System.Security.Claims;
using Hub.Server.Access;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Hub.Server.Identity;

/// <summary>
/// /connect/token after OpenIddict has checked the request (client authentication, grant,
/// PKCE, code or refresh token): decides who the token speaks for, from the current state of
/// the agency client or the person, so that a disabled account gets nothing.
/// </summary>
public static class TokenEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, IOpenIddictApplicationManager applications, UserManager<HubUser> users)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");

        if (request.IsClientCredentialsGrantType())
        {
            var application = await applications.FindByClientIdAsync(request.ClientId!, context.RequestAborted);
            if (application is null)
            {
                return Refuse(Errors.InvalidClient, "unknown client");
            }
            var properties = await applications.GetPropertiesAsync(application, context.RequestAborted);
            var country = AgencyClients.CountryOf(properties);
            if (AgencyClients.IsDisabled(properties) || string.IsNullOrEmpty(country))
            {
                return Refuse(Errors.InvalidClient, "this client is disabled");
            }
            var identity = NewIdentity();
            identity.SetClaim(Claims.Subject, request.ClientId)
                .SetClaim(Claims.Name, await applications.GetDisplayNameAsync(application, context.RequestAborted) ?? request.ClientId)
                .SetClaim(HubClaims.Country, country)
                .SetClaims(Claims.Role, [Roles.AgencySystem]);
            identity.SetScopes(request.GetScopes().Intersect([IdentitySetup.ApiScope]));
            return SignIn(identity);
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var user = await users.FindByIdAsync(result.Principal?.GetClaim(Claims.Subject) ?? "");
            if (user is null || user.IsDisabled || await users.IsLockedOutAsync(user))
            {
                return Refuse(Errors.InvalidGrant, "the account is disabled or locked");
            }
            var identity = await PersonIdentityAsync(user, users);
            identity.SetScopes(result.Principal!.GetScopes());
            return SignIn(identity);
        }

        return Refuse(Errors.UnsupportedGrantType, "this grant type is not supported");
    }

    /// <summary>The claims of a person's tokens, from their account as it is now.</summary>
    public static async Task<ClaimsIdentity> PersonIdentityAsync(HubUser user, UserManager<HubUser> users)
    {
        var identity = NewIdentity();
        identity.SetClaim(Claims.Subject, user.Id)
            .SetClaim(Claims.Name, string.IsNullOrEmpty(user.DisplayName) ? user.UserName : user.DisplayName)
            .SetClaim(Claims.PreferredUsername, user.UserName)
            .SetClaim(HubClaims.Country, user.Country)
            .SetClaims(Claims.Role, [.. (await users.GetRolesAsync(user)).Where(Roles.All.Contains)]);
        return identity;
    }

    private static ClaimsIdentity NewIdentity() =>
        new(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);

    /// <summary>Issues the tokens for an identity: the hub as audience, claims to their tokens.</summary>
    public static IResult SignIn(ClaimsIdentity identity)
    {
        identity.SetResources(IdentitySetup.Audience);
        identity.SetDestinations(claim => claim.Type switch
        {
            // The identity token is for the browser app; the access token for the hub's APIs.
            Claims.Name or Claims.PreferredUsername or HubClaims.Country or Claims.Role => [Destinations.AccessToken, Destinations.IdentityToken],
            _ => [Destinations.AccessToken],
        });
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    public static IResult Refuse(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
