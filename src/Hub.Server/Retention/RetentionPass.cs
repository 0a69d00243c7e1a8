using Hub.Server.Access;
using Hub.Server.Data;
using Hub.Server.Messaging;
using Hub.Server.Records;
using Microsoft.Extensions.Options;

namespace Hub.Server.Retention;

/// <summary>
/// Purges, on every node at <see cref="RetentionOptions.PassInterval"/>, the records of every
/// kind past their review date and the grace time that nobody kept and no legal hold
/// protects, a batch per commit. The change re-reads each inside the commit, so a record kept
/// or held meanwhile, or purged by another node, is left.
/// </summary>
public sealed class RetentionPass(IServiceScopeFactory scopes, RecordPipeline pipeline, IEnumerable<IRetainedKind> kinds, IOptions<RetentionOptions> options,
    [FromKeyedServices(RetentionOptions.ClockKey)] TimeProvider clock) : PeriodicPass(clock, options.Value.PassInterval)
{
    private const int Batch = 100;

    protected override async Task RunPassAsync(CancellationToken ct)
    {
        foreach (var kind in kinds)
        {
            while (await PurgeDueAsync(kind, ct) == Batch)
            {
            }
        }
    }

    /// <summary>One batch of one kind; returns how many it found due.</summary>
    internal async Task<int> PurgeDueAsync(IRetainedKind kind, CancellationToken ct)
    {
        var settings = options.Value;
        var now = Clock.GetUtcNow().UtcDateTime;
        List<Guid> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var holds = RetentionHolds.Read(db);
            var found = await kind.DueAsync(db, settings, now - settings.Grace, Batch + holds.Count + 10, ct);
            due = [.. found.Where(f => holds.HeldBy(f).Count == 0 && f.Blocked is null).Select(f => f.Id).Take(Batch)];
        }
        if (due.Count > 0)
        {
            await pipeline.WriteAsync(Caller.System, new PurgeRecordsChange(kind, due, "retention", settings, now), ct, Channels.System);
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

    /// <summary>A feature's record kind under retention.</summary>
    public static IServiceCollection AddRetainedKind<TKind>(this IServiceCollection services) where TKind : class, IRetainedKind =>
        services.AddSingleton<IRetainedKind, TKind>();
}
