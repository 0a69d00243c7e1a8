using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace Hub.Client;

/// <summary>
/// Gets an access token for a member agency's system with the OAuth 2 client-credentials
/// grant: the hub's token endpoint is /connect/token on its web endpoint.
/// </summary>
public static class HubTokens
{
    public static async Task<string> ClientCredentialsAsync(Uri webBase, string clientId, string clientSecret, CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient { BaseAddress = webBase };
        using var response = await http.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
            ["scope"] = "hub",
        }), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The hub refused a token for {clientId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
        var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken);
        return token?.AccessToken ?? throw new InvalidOperationException("The token endpoint returned no access_token.");
    }

    private sealed record TokenResponse([property: JsonPropertyName("access_token")] string AccessToken);
}
