using Hub.Server.Access;
using Hub.Server.Alerts;
using Hub.Server.Data;
using Hub.Server.Messaging;
using Hub.Server.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Retention;

/// <summary>
/// Purges, on every node at <see cref="RetentionOptions.PassInterval"/>, the records past
/// their review date and the grace time that nobody kept and no legal hold protects, a
/// batch per commit. The change re-reads each inside the commit, so a record kept or held
/// meanwhile, or purged by another node, is left.
/// </summary>
public sealed class RetentionPass(IServiceScopeFactory scopes, RecordPipeline pipeline, IOptions<RetentionOptions> options,
    [FromKeyedServices(RetentionOptions.ClockKey)] TimeProvider clock) : PeriodicPass(clock, options.Value.PassInterval)
{
    private const int Batch = 100;

    protected override async Task RunPassAsync(CancellationToken ct)
    {
        while (await PurgeDueAsync(ct) == Batch)
        {
        }
    }

    /// <summary>One batch; returns how many it found due.</summary>
    internal async Task<int> PurgeDueAsync(CancellationToken ct)
    {
        var settings = options.Value;
        var now = Clock.GetUtcNow().UtcDateTime;
        List<Guid> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var holds = AlertRetention.Holds(db);
            due = [.. (await AlertRetention.DueBy(db, settings, now - settings.Grace).AsNoTracking().OrderBy(a => a.Sequence)
                .Select(a => a.Id).Take(Batch + holds.Count).ToListAsync(ct)).Where(id => !holds.ContainsKey(id.ToString())).Take(Batch)];
        }
        if (due.Count > 0)
        {
            await pipeline.WriteAsync(Caller.System, new PurgeAlertsChange(due, "retention", settings, now), ct, Channels.System);
        }
        return due.Count;
    }
}

public static class RetentionSetup
{
    public static IServiceCollection AddRetention(this IServiceCollection services)
    {
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section);
        services.AddKeyedSingleton<TimeProvider>(RetentionOptions.ClockKey, (sp, _) => sp.GetRequiredService<TimeProvider>());
        services.AddHostedService<RetentionPass>();
        return services;
    }
}
