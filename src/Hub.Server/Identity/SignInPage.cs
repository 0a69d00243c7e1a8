using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Hub.Server.Audit;
using Hub.Server.Data;
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

    private const string Refused = "Wrong user name or password, or too many attempts; try again later. / Неверное имя пользователя или пароль, или слишком много попыток; попробуйте позже.";

    public static async Task<IResult> SubmitAsync(HttpContext context, IAntiforgery antiforgery, SignInManager<HubUser> signIn, UserManager<HubUser> users,
        SignInThrottle throttle, GroupCommit writes, Access.AnonymousRefusals anonymous)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var returnUrl = form["returnUrl"].ToString();
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Results.BadRequest();
        }
        var userName = form["username"].ToString();
        var password = form["password"].ToString();
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (throttle.IsThrottled(userName, address))
        {
            // Unbounded otherwise: a throttled address may go on asking forever.
            if (anonymous.Refused(Access.Channels.Http, "signin-throttled", address, "POST", $"{Path} user name '{Validation.TextFields.Truncate(Printable(userName))}'", "person") is { } row)
            {
                await writes.AuditAsync(row, context.RequestAborted);
            }
            return Show(context, antiforgery, returnUrl, Refused);
        }
        var user = userName.Length is > 0 and <= 64 ? await users.FindByNameAsync(userName) : null;
        // The hash is checked for unknown and disabled accounts too, against a hash made once:
        // every failure costs the same time and says the same words, so neither reveals who exists.
        var passwordHolds = false;
        if (user is null)
        {
            users.PasswordHasher.VerifyHashedPassword(new HubUser(), DummyHash(users), password);
        }
        else
        {
            passwordHolds = (await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: false)).Succeeded;
        }
        if (user is null || user.IsDisabled || !passwordHolds)
        {
            throttle.Failed(userName, address);
            await AuditAsync(writes, context, "signin-failed", userName, address);
            return Show(context, antiforgery, returnUrl, Refused);
        }
        throttle.Succeeded(userName, address);
        await signIn.SignInAsync(user, isPersistent: false);
        return Results.Redirect(IsLocal(returnUrl) ? returnUrl : "/console/");
    }

    private static string? _dummyHash;

    private static string DummyHash(UserManager<HubUser> users) =>
        _dummyHash ??= users.PasswordHasher.HashPassword(new HubUser(), Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18)));

    private static Task AuditAsync(GroupCommit writes, HttpContext context, string action, string userName, string address) =>
        writes.AuditAsync(new AuditEvent(Access.Caller.Anonymous, Access.Channels.Http, action, AuditOutcomes.Denied, "person", null,
            $"user name '{Validation.TextFields.Truncate(Printable(userName))}' from {address}"), context.RequestAborted);

    private static string Printable(string text) => new(text.Take(64).Select(c => char.IsControl(c) || char.IsSurrogate(c) ? '?' : c).ToArray());

    /// <summary>A path on this site only: no scheme or host, nothing a browser would read as "//host" (tabs and line breaks are stripped by browsers), no backslash.</summary>
    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.Length <= 2048 && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal)
        && !url.Any(c => c == '\\' || char.IsControl(c) || char.IsWhiteSpace(c));
}
