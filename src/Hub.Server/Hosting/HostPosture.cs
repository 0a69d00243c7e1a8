using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Hub.Server.Hosting;

/// <summary>
/// What the hub's security depends on and must not hang on a configuration file being found
/// or edited: the gRPC endpoint speaks HTTP/2 (cleartext gRPC needs it), request URLs never
/// reach the logs (browsers' WebSockets carry the token in <c>?access_token=</c>), and outside
/// Development the hub expects TLS in front of it: it trusts the proxy's forwarded headers
/// (loopback, plus <c>Hub:ForwardedHeaders:KnownProxies</c> / <c>KnownNetworks</c>) and sends HSTS.
/// </summary>
public static class HostPosture
{
    // Hosting.Diagnostics writes "Request starting GET /hubs/feed?access_token=…" at Information.
    private const string RequestLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static WebApplicationBuilder AddHubPosture(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
            kestrel.Configure(context.Configuration.GetSection("Kestrel"))
                .Endpoint("Grpc", e => e.ListenOptions.Protocols = HttpProtocols.Http2)
                .Endpoint("Web", e => e.ListenOptions.Protocols = HttpProtocols.Http1));

        // After every other filter rule, for every provider any rule names: a more specific
        // setting in configuration cannot turn the request log back on.
        builder.Services.PostConfigure<LoggerFilterOptions>(o =>
        {
            var providers = o.Rules.Select(r => r.ProviderName).Distinct().ToList();
            foreach (var rule in o.Rules.Where(r => r.CategoryName?.StartsWith(RequestLogCategory, StringComparison.Ordinal) == true).ToList())
            {
                o.Rules.Remove(rule);
            }
            foreach (var provider in providers.Append(null).Distinct())
            {
                o.Rules.Add(new LoggerFilterRule(provider, RequestLogCategory, LogLevel.Warning, null));
            }
        });

        var configuration = builder.Configuration;
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in List(configuration, "Hub:ForwardedHeaders:KnownProxies"))
            {
                o.KnownProxies.Add(IPAddress.TryParse(proxy, out var address)
                    ? address
                    : throw new InvalidOperationException($"Hub:ForwardedHeaders:KnownProxies: '{proxy}' is not an IP address"));
            }
            foreach (var network in List(configuration, "Hub:ForwardedHeaders:KnownNetworks"))
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed)
                    ? parsed
                    : throw new InvalidOperationException($"Hub:ForwardedHeaders:KnownNetworks: '{network}' is not a network (CIDR)"));
            }
        });
        builder.Services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = true;
        });
        return builder;
    }

    public static WebApplication UseHubPosture(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            // Sent on HTTPS responses only (as the proxy reports them): browsers then refuse plain HTTP.
            app.UseHsts();
        }
        app.UseMiddleware<SecurityHeaders>();
        return app;
    }

    private static string[] List(ConfigurationManager configuration, string key) =>
        (configuration[key] ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
