using Hub.Contracts.V1;
using Hub.Server.Data;
using Hub.Server.Messaging;
using Hub.Server.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Matching;

public static class MatchingSetup
{
    /// <summary>
    /// The blind index's keys, the index, the match feed and the re-key pass. Throws (the hub
    /// does not start) when no matching key is configured outside the Development environment.
    /// </summary>
    public static IServiceCollection AddMatching(this IServiceCollection services, IConfiguration configuration, HubPaths paths, bool development)
    {
        services.AddSingleton(MatchKeyring.Load(configuration, paths, development));
        services.AddOptions<MatchingOptions>().BindConfiguration(MatchingOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.RekeyInterval > TimeSpan.Zero, "Hub:Matching:RekeyInterval must be positive").ValidateOnStart();
        services.AddSingleton<MatchIndex>();
        services.AddHostedService<MatchRekeyPass>();
        return services.AddFeed<MatchFeedKind, MatchEvent>()
            .AddBusConsumers<MatchEventLiveConsumer, MatchCountryFanOut, MatchCountryFanOutDefinition>();
    }

    /// <summary>A record kind whose records are matched (each feature registers its own).</summary>
    public static IServiceCollection AddMatchableKind<TKind>(this IServiceCollection services) where TKind : class, IMatchableKind =>
        services.AddSingleton<IMatchableKind, TKind>();

    public static WebApplication MapMatching(this WebApplication app)
    {
        app.MapGrpcService<MatchesService>();
        return app;
    }
}

/// <summary>
/// After a key rotation: re-keys the index a batch at a time, on every node (each batch is
/// one commit; two nodes re-keying the same record write the same rows). The values are not
/// in the index, so each record's are read again from the record itself.
/// </summary>
public sealed class MatchRekeyPass(IServiceScopeFactory scopes, RecordPipeline pipeline, MatchKeyring keys, IOptions<MatchingOptions> options, TimeProvider clock)
    : Messaging.PeriodicPass(clock, options.Value.RekeyInterval)
{
    protected override async Task RunPassAsync(CancellationToken ct) => await RekeyAsync(ct);

    /// <summary>Re-keys one batch; the number of records re-keyed (0 when the index is all under the current key).</summary>
    public async Task<int> RekeyAsync(CancellationToken ct)
    {
        List<(string Type, string Id)> stale;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var current = keys.Current.Id;
            // "Not the current key" as two ranges, and asked first with EXISTS: SQLite then
            // answers from IX_MatchKeys_KeyId (two empty range searches). `KeyId <> current`
            // and the DISTINCT below scan the whole index table instead: ~1 s and half a core
            // at 1M rows, every RekeyInterval, on a node that has nothing to re-key.
#pragma warning disable CA1309, CA1310 // Translated to SQL's < and > (the column's binary collation); never compared in .NET.
            var staleRows = db.Set<MatchKeyRow>().AsNoTracking().Where(r => r.KeyId.CompareTo(current) < 0 || r.KeyId.CompareTo(current) > 0);
#pragma warning restore CA1309, CA1310
            if (!await staleRows.AnyAsync(ct))
            {
                return 0;
            }
            stale = [.. (await staleRows
                .Select(r => new { r.RecordType, r.RecordId }).Distinct().Take(options.Value.RekeyBatch).ToListAsync(ct))
                .Select(r => (r.RecordType, r.RecordId))];
        }
        if (stale.Count > 0)
        {
            await pipeline.WriteAsync(Access.Caller.System, new RekeyChange(stale), ct, Access.Channels.System);
        }
        return stale.Count;
    }

    private sealed class RekeyChange(IReadOnlyList<(string Type, string Id)> records) : SystemChange
    {
        public override string Action => "match.rekey";
        public override string RecordType => MatchFeed.RecordType;

        public override Func<Google.Protobuf.WellKnownTypes.BoolValue> Apply(RecordContext context)
        {
            foreach (var (type, id) in records)
            {
                var kind = context.Matching.KindOf(type);
                if (kind.PartsOf(context.Db, id) is var (owner, parts) && kind.AccessOf(context.Db, id) is { } sighted)
                {
                    context.Index(type, id, owner, sighted.Access, parts);
                }
                else
                {
                    context.Unindex(type, id);
                }
            }
            context.Audit(Action, RecordType, null, $"{records.Count} records re-keyed to {context.Matching.Keys.Current.Id}");
            return () => new Google.Protobuf.WellKnownTypes.BoolValue { Value = true };
        }
    }
}
