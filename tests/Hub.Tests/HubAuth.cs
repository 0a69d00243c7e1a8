using System.Text.Json;
using Hub.Server.Identity;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Hub.Tests;

/// <summary><see cref="TestAuth"/> against the in-process hub.</summary>
public static class HubAuth
{
    public const string RedirectUri = "http://127.0.0.1:5080" + ConsoleClient.CallbackPath;

    public static async Task<string> ClientCredentialsAsync(HubFactory hub, string clientId, string secret)
    {
        using var http = hub.CreateClient();
        return await TestAuth.ClientCredentialsAsync(http, clientId, secret);
    }

    public static async Task<JsonElement> AuthorizationCodeResponseAsync(HubFactory hub, string userName, string password)
    {
        using var browser = hub.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        return await TestAuth.AuthorizationCodeResponseAsync(browser, RedirectUri, userName, password);
    }

    public static async Task<string> AuthorizationCodeAsync(HubFactory hub, string userName, string password) =>
        (await AuthorizationCodeResponseAsync(hub, userName, password)).GetProperty("access_token").GetString()!;
}
