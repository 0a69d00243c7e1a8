using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;

namespace Hub.Server.Identity;

/// <summary>
/// The page where people sign in during the authorization-code flow. Plain HTML: it must
/// work before any script loads, with a keyboard and a screen reader.
/// </summary>
public static class SignInPage
{
    public const string Path = "/account/signin";

    public static IResult Show(HttpContext context, IAntiforgery antiforgery, string? returnUrl, string? error = null)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var safeReturn = WebUtility.HtmlEncode(IsLocal(returnUrl) ? returnUrl : "/");
        var message = error is null ? "" : $"<p role=\"alert\" class=\"error\">{WebUtility.HtmlEncode(error)}</p>";
        var html = $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>Sign in — Hub</title>
              <link rel="stylesheet" href="/account/signin.css">
            </head>
            <body>
              <main>
                <h1>Hub — sign in / вход</h1>
                {{message}}
                <form method="post" action="{{Path}}">
                  <input type="hidden" name="{{tokens.FormFieldName}}" value="{{tokens.RequestToken}}">
                  <input type="hidden" name="returnUrl" value="{{safeReturn}}">
                  <label for="username">User name / Имя пользователя</label>
                  <input id="username" name="username" autocomplete="username" required autofocus>
                  <label for="password">Password / Пароль</label>
                  <input id="password" name="password" type="password" autocomplete="current-password" required>
                  <button type="submit">Sign in / Войти</button>
                </form>
              </main>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8");
    }

    public static async Task<IResult> SubmitAsync(HttpContext context, IAntiforgery antiforgery, SignInManager<HubUser> signIn, UserManager<HubUser> users)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var returnUrl = form["returnUrl"].ToString();
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Results.BadRequest();
        }
        var user = await users.FindByNameAsync(form["username"].ToString());
        if (user is null || user.IsDisabled)
        {
            return Show(context, antiforgery, returnUrl, "Wrong user name or password. / Неверное имя пользователя или пароль.");
        }
        var result = await signIn.CheckPasswordSignInAsync(user, form["password"].ToString(), lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            return Show(context, antiforgery, returnUrl, "Too many failed attempts; try again later. / Слишком много попыток; попробуйте позже.");
        }
        if (!result.Succeeded)
        {
            return Show(context, antiforgery, returnUrl, "Wrong user name or password. / Неверное имя пользователя или пароль.");
        }
        await signIn.SignInAsync(user, isPersistent: false);
        return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl : "/");
    }

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);
}
