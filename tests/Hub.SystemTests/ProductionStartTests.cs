using System.Net;
using System.Security.Cryptography;
using Grpc.Core;
using Grpc.Net.Client;
using Hub.Contracts.V1;

namespace Hub.SystemTests;

/// <summary>
/// The built server started as the README's production commands start it — from the
/// repository root, environment Production, keys configured — serves cleartext gRPC over
/// HTTP/2 and the console, and writes no token into its log even with request logging asked
/// for. Started from another folder, it once read no appsettings.json: gRPC fell back to
/// HTTP/1.1, the console answered 404 and `?access_token=` reached the log.
/// </summary>
public sealed class ProductionStartTests
{
    private const string Secret = "eyJhbGciOiJSUzI1NiJ9.production-secret-in-the-url.signature";

    [Fact]
    public async Task Started_from_the_repository_root_in_production_it_serves_grpc_and_the_console_and_logs_no_token()
    {
        var ct = TestContext.Current.CancellationToken;
        using var rsa = RSA.Create(2048);
        var extra = new Dictionary<string, string>
        {
            ["Hub__Identity__SigningKey"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["Hub__Identity__EncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Information",
        };
        await using var node = await HubProcess.StartAsync("", extra: extra, environment: "Production", workingDirectory: Broker.RepositoryRoot());

        using var http = new HttpClient();
        using var console = await http.GetAsync(new Uri(node.WebAddress, "/console/"), ct);
        Assert.Equal(HttpStatusCode.OK, console.StatusCode);
        Assert.Contains("<!doctype html>", await console.Content.ReadAsStringAsync(ct), StringComparison.OrdinalIgnoreCase);

        // Cleartext gRPC needs an HTTP/2-only endpoint: a call reaching the service is refused
        // for want of a token, not broken by the protocol.
        using var channel = GrpcChannel.ForAddress(node.GrpcAddress);
        var alerts = new SeizureAlerts.SeizureAlertsClient(channel);
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await alerts.ListAlertsAsync(new ListAlertsRequest(), cancellationToken: ct));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);

        using var negotiate = await http.PostAsync(new Uri(node.WebAddress, "/hubs/feed/negotiate?negotiateVersion=1&access_token=" + Secret), null, ct);
        Assert.Equal(HttpStatusCode.Unauthorized, negotiate.StatusCode);
        using var page = await http.GetAsync(new Uri(node.WebAddress, "/console/?access_token=" + Secret), ct);
        Assert.Contains("Data directory", node.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("production-secret-in-the-url", node.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Development accounts", node.Output, StringComparison.Ordinal);
    }
}
