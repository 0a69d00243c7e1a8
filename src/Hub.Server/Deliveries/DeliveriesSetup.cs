using Hub.Server.Matching;
using Hub.Server.Retention;
using Hub.Contracts.V1;
using Hub.Server.Messaging;
using Hub.Server.Records;

namespace Hub.Server.Deliveries;

public static class DeliveriesSetup
{
    public static IServiceCollection AddDeliveries(this IServiceCollection services)
    {
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.Section)
            .Validate(o => o.HandoverWindow > TimeSpan.Zero && o.PositionWindow > TimeSpan.Zero, "Hub:Deliveries: HandoverWindow and PositionWindow must be positive")
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<DeliveryOptions>>().Value;
            return new DeliveryWindows(options.HandoverWindow, options.PositionWindow);
        });
        services.AddHostedService<DeliveryDeadlinesTimer>();
        return services.AddFeed<DeliveryFeedKind, DeliveryEvent>().AddBusConsumers<DeliveryEventLiveConsumer, DeliveryCountryFanOut, DeliveryCountryFanOutDefinition>()
            .AddRetainedKind<DeliveryRetainedKind>()
            .AddMatchableKind<DeliveryMatchableKind>();
    }

    public static WebApplication MapDeliveries(this WebApplication app)
    {
        app.MapGrpcService<DeliveriesService>();
        return app;
    }
}
