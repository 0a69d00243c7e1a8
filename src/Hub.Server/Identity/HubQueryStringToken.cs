namespace Hub.Server.Identity;

/// <summary>
/// Browsers cannot put an Authorization header on a WebSocket, so SignalR sends the access
/// token as <c>?access_token=</c>. Only on <c>/hubs/*</c> is it moved into the header before
/// authentication; everywhere else a query-string token is ignored and the call is anonymous.
/// </summary>
public static class HubQueryStringToken
{
    public static IApplicationBuilder UseHubQueryStringToken(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments("/hubs", StringComparison.Ordinal)
            && context.Request.Headers.Authorization.Count == 0
            && context.Request.Query.TryGetValue("access_token", out var token)
            && token.Count == 1
            && !string.IsNullOrEmpty(token[0]))
        {
            context.Request.Headers.Authorization = "Bearer " + token[0];
        }
        await next(context);
    });
}
