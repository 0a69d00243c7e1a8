using Microsoft.Extensions.Options;

namespace Hub.Server.Records;

/// <summary>The shared record mechanisms every feature uses: the write pipeline, the watch loop, the live push path.</summary>
public static class RecordsSetup
{
    public static IServiceCollection AddRecordPipeline(this IServiceCollection services)
    {
        services.AddOptions<StreamLimits>().BindConfiguration(StreamLimits.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RecordPipeline>();
        services.AddScoped<FeedWatcher>();
        services.AddSingleton<StreamSlots>();
        services.AddSingleton<LivePushes>();
        return services;
    }

    /// <summary>A feed kind and this node's live feed of it, for streams to subscribe to.</summary>
    public static IServiceCollection AddFeed<TKind, TEvent>(this IServiceCollection services)
        where TKind : class, IFeedKind<TEvent>
        where TEvent : class, Google.Protobuf.IMessage
    {
        services.AddSingleton<TKind>();
        services.AddSingleton(sp => new NodeFeed<FeedItem<TEvent>>(sp.GetRequiredService<IOptions<StreamLimits>>().Value.WatcherBuffer));
        return services;
    }
}
