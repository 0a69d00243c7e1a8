using Hub.Server.Matching;
using Hub.Server.Statistics;
using System.Text.Json;
using Hub.Server.Access;
using Hub.Server.Alerts;
using Hub.Server.Cases;
using Hub.Server.Deliveries;
using Hub.Server.Records;
using Hub.Server.Retention;
using Hub.Server.Audit;
using Hub.Server.Data;
using Hub.Server.ErrorHandling;
using Hub.Server.Identity;
using Hub.Server.LiveFeed;
using Hub.Server.Limits;
using Hub.Server.Messaging;
using Hub.Server.Validation;
using Hub.Server.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
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

        var paths = HubPaths.From(configuration, builder.Environment.ContentRootPath);
        services.AddSingleton(paths);
        services.AddSingleton(TimeProvider.System);
        // Time for in-flight calls and consumers to finish when a node is stopped.
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        StartupLog.DataDirectory(startupLog, paths.DataDirectory);

        // Registered first: hosted services start in order, so the database is migrated
        // before the outbox dispatcher, the bus and the server start.
        services.AddHostedService<DatabaseInitializer>();
        services.AddHubDatabase(configuration, paths);

        var development = builder.Environment.IsDevelopment();
        DevelopmentAccounts.CheckAllowed(configuration, development);
        var keys = IdentityKeys.Load(configuration, paths, development);
        if (keys.Development)
        {
            StartupLog.DevelopmentKeys(startupLog, paths.DataDirectory);
        }
        services.AddHubIdentity(configuration, keys, development);
        builder.AddHubPosture();
        services.AddSingleton<AccessDirectory>();
        services.AddSingleton<AccessPolicy>();
        services.AddSingleton<GroupCommit>();
        services.AddAuthorization(o =>
        {
            // Deny by default: every endpoint needs a valid token of an enabled account unless
            // it says otherwise (sign-in, token, discovery, health).
            o.FallbackPolicy = new AuthorizationPolicyBuilder()
                .RequireAuthenticatedUser()
                .AddRequirements(new ActiveAccountRequirement())
                .Build();
        });
        services.AddSingleton<IAuthorizationHandler, ActiveAccountHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, AuditedAuthorizationResultHandler>();
        services.AddSingleton<AnonymousRefusals>();

        services.AddHubRequestLimits(configuration);
        var grpc = services.AddGrpc(o =>
        {
            o.EnableDetailedErrors = builder.Environment.IsDevelopment();
            o.MaxReceiveMessageSize = RequestLimits.MaxGrpcMessageBytes;
            o.Interceptors.Add<ErrorHandling.ErrorInterceptor>();
            // Inside the error interceptor: what it does to a request is the request from then on.
            o.Interceptors.Add<Validation.NfcRequests>();
        })
            // The console's HTTP/JSON API: the same services, routes from google.api.http in the protos.
            .AddJsonTranscoding();
        services.AddHubErrorHandling();
        services.AddRecordPipeline();
        // Retention decides for every kind the features below register.
        services.AddRetention();
        services.AddAlerts();
        services.AddCases(grpc);
        services.AddDeliveries();
        services.AddStatistics();
        // After the features: the kinds they register are what it indexes.
        services.AddMatching(configuration, paths, builder.Environment.IsDevelopment());
        // After the features: it wires the consumers they registered.
        services.AddHubBus(configuration, startupLog);
        services.AddHubAudit(configuration, paths, keys, builder.Environment.IsDevelopment(), startupLog);
        // After the checkpoint writer: stopping in reverse, its last summaries precede the last checkpoint.
        services.AddHostedService<AnonymousRefusalsFlusher>();
        services.AddGrpcReflection();
        services.AddSignalR();
        services.AddSingleton<FeedConnections>();
        services.AddHostedService<FeedConnectionSweeper>();
        services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(paths.DataDirectory, "data-protection-keys")));

        services.AddHealthChecks().AddDbContextCheck<HubDbContext>("database", tags: ["ready"]);
        return builder;
    }

    public static WebApplication MapHub(this WebApplication app)
    {
        app.UseHubPosture();
        // The console's files are public (they hold no data); everything they fetch is not.
        app.UseStaticFiles();
        app.UseApiProblemDocuments();
        app.UseHubQueryStringToken();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();

        app.MapAlerts();
        app.MapCases();
        app.MapDeliveries();
        app.MapMatching();
        app.MapStatistics();
        app.MapGrpcService<Hub.Server.Retention.RetentionService>();
        app.MapGrpcService<Hub.Server.Admin.AdminService>();
        // Reflection describes the API to signed-in callers only (the protos are public; probing is not).
        app.MapGrpcReflectionService();
        app.MapHub<FeedHub>(FeedHub.Path);
        app.MapIdentityEndpoints();
        app.MapAuditEndpoints();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteHealth }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteHealth }).AllowAnonymous();
        // The console is a single page: its routes (including the sign-in callback) serve index.html.
        app.MapFallbackToFile("/console/{**path:nonfile}", "console/index.html").AllowAnonymous();
        app.MapGet("/", () => Results.Redirect("/console/")).AllowAnonymous();
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
