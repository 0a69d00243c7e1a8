using Hub.Server.Data;
using Hub.Server.Identity;

namespace Hub.Server.Audit;

public static class AuditSetup
{
    /// <summary>
    /// The audit trail's keys, chain, checkpoints and verification. Throws (the hub does not
    /// start) when no audit key is configured outside the Development environment.
    /// </summary>
    public static IServiceCollection AddHubAudit(this IServiceCollection services, IConfiguration configuration, HubPaths paths, IdentityKeys identityKeys, bool development, ILogger startupLog)
    {
        var keys = AuditKeys.Load(configuration, paths, development);
        if (keys.Development)
        {
            StartupLog.DevelopmentAuditKey(startupLog, paths.DataDirectory);
        }
        services.AddSingleton(keys);
        services.AddSingleton(_ => CheckpointSigning.From(configuration, identityKeys));
        services.AddSingleton<AuditChain>();
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AuditCheckpoints>();
        services.AddSingleton<AuditVerifier>();
        // After the database initializer and the bus (hosted services start in order, stop in
        // reverse): its last checkpoint at shutdown still finds the group commit running.
        services.AddHostedService<AuditCheckpointWriter>();
        return services;
    }
}
