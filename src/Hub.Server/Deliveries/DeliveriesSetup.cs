using Hub.Contracts.V1;
using Hub.Server.Records;

namespace Hub.Server.Deliveries;

public static class DeliveriesSetup
{
    public static IServiceCollection AddDeliveries(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(DeliveryWindows.From(configuration));
        services.AddHostedService<DeliveryDeadlinesTimer>();
        return services.AddFeed<DeliveryFeedKind, DeliveryEvent>();
    }

    public static WebApplication MapDeliveries(this WebApplication app)
    {
        app.MapGrpcService<DeliveriesService>();
        return app;
    }
}
