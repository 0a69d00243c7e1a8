using Microsoft.AspNetCore.Mvc.Testing;

namespace Hub.Tests.Hosting;

/// <summary>
/// The hub as a real deployment runs it: environment Production on the embedded SQLite, with
/// keys configured, reached over HTTPS (TLS terminates in front of it).
/// </summary>
public class ProductionHub : HubFactory
{
    // Not localhost: HSTS is never sent to localhost.
    public static readonly Uri Https = new("https://hub.caricc.test/");

    protected override string EnvironmentName => "Production";

    public HttpClient CreateHttpsClient(bool cookies = false) =>
        CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = Https, AllowAutoRedirect = false, HandleCookies = cookies });
}
