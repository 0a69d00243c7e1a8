using Microsoft.AspNetCore.Antiforgery;

namespace Hub.Server.Identity;

public static class IdentityEndpoints
{
    /// <summary>The OpenID Connect endpoints OpenIddict passes through to the hub, and the sign-in page.</summary>
    public static void MapIdentityEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/connect/authorize", ["GET", "POST"], (Delegate)AuthorizeEndpoint.HandleAsync).AllowAnonymous().DisableAntiforgery();
        app.MapPost("/connect/token", (Delegate)TokenEndpoint.HandleAsync).AllowAnonymous().DisableAntiforgery();
        app.MapGet("/connect/endsession", (Delegate)AuthorizeEndpoint.ConfirmEndSession).AllowAnonymous();
        app.MapPost("/connect/endsession", (Delegate)AuthorizeEndpoint.EndSessionAsync).AllowAnonymous().DisableAntiforgery();
        app.MapGet(SignInPage.Path, (HttpContext context, IAntiforgery antiforgery, string? returnUrl) => SignInPage.Show(context, antiforgery, returnUrl)).AllowAnonymous();
        app.MapPost(SignInPage.Path, (Delegate)SignInPage.SubmitAsync).AllowAnonymous().DisableAntiforgery();
    }
}
