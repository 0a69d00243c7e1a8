using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Hub.Server.Identity;

/// <summary>
/// /connect/authorize (authorization code + PKCE, checked by OpenIddict before this runs):
/// sends a person without a sign-in cookie to the sign-in page, then issues the code. The
/// hub's own console is a first-party client, so there is no consent screen.
/// </summary>
public static class AuthorizeEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, UserManager<HubUser> users)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var cookie = await context.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        if (!cookie.Succeeded || request.HasPromptValue(PromptValues.Login))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return TokenEndpoint.Refuse(Errors.LoginRequired, "the user is not signed in");
            }
            var returnUrl = context.Request.PathBase + context.Request.Path + QueryString.Create(
                context.Request.HasFormContentType ? [.. context.Request.Form] : [.. context.Request.Query]);
            return Results.Challenge(new AuthenticationProperties { RedirectUri = returnUrl }, [IdentityConstants.ApplicationScheme]);
        }

        var user = await users.GetUserAsync(cookie.Principal!);
        if (user is null || user.IsDisabled)
        {
            await context.SignOutAsync(IdentityConstants.ApplicationScheme);
            return TokenEndpoint.Refuse(Errors.AccessDenied, "the account is disabled");
        }

        var identity = await TokenEndpoint.PersonIdentityAsync(user, users);
        identity.SetScopes(request.GetScopes());
        return TokenEndpoint.SignIn(identity);
    }

    /// <summary>
    /// GET /connect/endsession only asks: a link or an image on another site must not sign an
    /// officer out (logout CSRF). The page's form POSTs back with an antiforgery token.
    /// </summary>
    public static IResult ConfirmEndSession(HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var html = $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>Sign out — Hub</title>
              <link rel="stylesheet" href="/account/signin.css">
            </head>
            <body>
              <main>
                <h1>Hub — sign out / выход</h1>
                <form method="post" action="/connect/endsession">
                  <input type="hidden" name="{{tokens.FormFieldName}}" value="{{System.Net.WebUtility.HtmlEncode(tokens.RequestToken)}}">
                  <button type="submit" data-testid="confirm-sign-out">Sign out / Выйти</button>
                </form>
              </main>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8");
    }

    /// <summary>POST /connect/endsession with the confirmation's antiforgery token: ends the sign-in cookie, then OpenIddict redirects back.</summary>
    public static async Task<IResult> EndSessionAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Results.BadRequest();
        }
        await context.SignOutAsync(IdentityConstants.ApplicationScheme);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }
}
