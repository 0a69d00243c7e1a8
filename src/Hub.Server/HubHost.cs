using System.Text.Json;
using Hub.Server.Alerts;
using Hub.Server.Data;
using Hub.Server.LiveFeed;
using Hub.Server.Messaging;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Hub.Server;

/// <summary>How the hub's host is put together; Program.cs and the tests share it.</summary>
public static class HubHost
{
    public static WebApplicationBuilder AddHub(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        using var startupLogFactory = LoggerFactory.Create(l => l.AddConsole());
        var startupLog = startupLogFactory.CreateLogger("Hub.Startup");

        var paths = HubPaths.From(configuration);
        services.AddSingleton(paths);
        services.AddSingleton(TimeProvider.System);
        StartupLog.DataDirectory(startupLog, paths.DataDirectory);

        // Registered first: hosted services start in order, so the database is migrated
        // before the outbox dispatcher, the bus and the server start.
        services.AddHostedService<DatabaseInitializer>();
        services.AddHubDatabase(configuration, paths);
        services.AddHubBus(configuration, startupLog);

        services.AddGrpc(o => o.EnableDetailedErrors = builder.Environment.IsDevelopment());
        services.AddGrpcReflection();
        services.AddSignalR();
        services.AddSingleton<AlertFeed>();

        services.AddHealthChecks().AddDbContextCheck<HubDbContext>("database", tags: ["ready"]);
        return builder;
    }

    public static WebApplication MapHub(this WebApplication app)
    {
        app.MapGrpcService<SeizureAlertsService>();
        app.MapGrpcReflectionService();
        app.MapHub<FeedHub>(FeedHub.Path);
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteHealth });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteHealth });
        app.MapGet("/", () => Results.Text("Hub: gRPC on the Grpc endpoint (hub.v1), live feed at /hubs/feed, health at /healthz and /readyz.\n"));
        return app;
    }

    private static Task WriteHealth(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        });
    }
}
