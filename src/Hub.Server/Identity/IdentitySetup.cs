using Hub.Server.Data;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Hub.Server.Identity;

public static class IdentitySetup
{
    /// <summary>The audience of every access token the hub issues, and the only one it accepts.</summary>
    public const string Audience = "hub";
    public const string ApiScope = "hub";
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromMinutes(30);

    /// <summary>
    /// OpenIddict as the OpenID Connect server inside the hub, validating its own tokens, and
    /// ASP.NET Core Identity for people. APIs authenticate with bearer tokens only; the
    /// sign-in cookie is used by the sign-in page and the authorization endpoint alone.
    /// </summary>
    public static IServiceCollection AddHubIdentity(this IServiceCollection services, IConfiguration configuration, IdentityKeys keys, bool development)
    {
        services.AddIdentityCore<HubUser>(o =>
            {
                o.Password.RequiredLength = 12;
                // No account lockout: anyone could lock anyone out. SignInThrottle slows the guesser instead.
                o.Lockout.AllowedForNewUsers = false;
                o.User.RequireUniqueEmail = false;
                o.ClaimsIdentity.UserIdClaimType = Claims.Subject;
                o.ClaimsIdentity.UserNameClaimType = Claims.Name;
                o.ClaimsIdentity.RoleClaimType = Claims.Role;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<HubDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;
                o.DefaultForbidScheme = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;
            })
            .AddCookie(IdentityConstants.ApplicationScheme, o =>
            {
                o.LoginPath = SignInPage.Path;
                o.Cookie.Name = "hub.signin";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                // Outside Development the hub is reached over TLS only (HostPosture).
                o.Cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
            });
        services.AddSingleton<SignInThrottle>();
        services.AddAntiforgery(o => o.Cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always);

        // One issuer for every endpoint and node: a token obtained on the web endpoint is
        // presented on the gRPC endpoint, and on other nodes behind the load balancer.
        var issuer = configuration["Hub:Identity:Issuer"] ?? configuration["Hub:PublicWebUrl"] ?? configuration["Kestrel:Endpoints:Web:Url"];
        services.AddOpenIddict()
            .AddCore(o =>
            {
                o.UseEntityFrameworkCore().UseDbContext<HubDbContext>();
                o.ReplaceApplicationManager<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication, HubApplicationManager>();
            })
            .AddServer(o =>
            {
                o.SetTokenEndpointUris("connect/token")
                    .SetAuthorizationEndpointUris("connect/authorize")
                    .SetEndSessionEndpointUris("connect/endsession");
                o.AllowClientCredentialsFlow()
                    .AllowAuthorizationCodeFlow()
                    .RequireProofKeyForCodeExchange()
                    .AllowRefreshTokenFlow();
                // PKCE with SHA-256 only: "plain" protects nothing against an intercepted code.
                o.Configure(options =>
                {
                    options.CodeChallengeMethods.Clear();
                    options.CodeChallengeMethods.Add(CodeChallengeMethods.Sha256);
                });
                o.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Roles, Scopes.OfflineAccess, ApiScope);
                o.AddSigningKey(keys.SigningKey);
                o.AddEncryptionKey(keys.EncryptionKey);
                // Access tokens are signed JWTs any hub node (or gateway) can check with the
                // published JWKS; they carry no secrets worth encrypting.
                o.DisableAccessTokenEncryption();
                o.SetAccessTokenLifetime(AccessTokenLifetime);
                o.SetRefreshTokenLifetime(TimeSpan.FromHours(8));
                // A refresh token works once: a second use is theft, and revokes the whole chain.
                o.SetRefreshTokenReuseLeeway(TimeSpan.Zero);
                if (!string.IsNullOrWhiteSpace(issuer))
                {
                    o.SetIssuer(new Uri(issuer));
                }
                var aspNetCore = o.UseAspNetCore()
                    .EnableTokenEndpointPassthrough()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough();
                if (!configuration.GetValue("Hub:Identity:RequireHttps", !development))
                {
                    // In Development, on loopback, the hub speaks plain HTTP. Elsewhere TLS
                    // terminates in front of the hub (deploy/), which says so in X-Forwarded-Proto.
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            })
            .AddValidation(o =>
            {
                o.UseLocalServer();
                // Bearer tokens in the Authorization header only: a token in a URL ends up in
                // logs. Browsers' WebSockets cannot set headers, so /hubs/* alone takes the
                // query string (HubQueryStringToken moves it into the header).
                o.UseAspNetCore()
                    .DisableAccessTokenExtractionFromBodyForm()
                    .DisableAccessTokenExtractionFromQueryString();
                o.AddAudiences(Audience);
                // Every access token is checked against the token store, so that one of a revoked
                // chain (a reused code or refresh token, a disabled account) is refused: within a
                // second, at one lookup per token per second (TokenEntries).
                o.AddEventHandler(TokenEntries.Check.Descriptor);
            });
        services.AddSingleton<TokenEntries>();
        return services;
    }
}
