using Hub.Server.Matching;
using Hub.Contracts.V1;
using Hub.Server.Messaging;
using Hub.Server.Records;
using Hub.Server.Retention;

namespace Hub.Server.Alerts;

public static class AlertsSetup
{
    public static IServiceCollection AddAlerts(this IServiceCollection services) =>
        services.AddFeed<AlertFeedKind, AlertEvent>()
            .AddBusConsumers<AlertPostedConsumer, AlertCountryFanOut, AlertCountryFanOutDefinition>()
            .AddBusConsumers<AlertChangedConsumer, AlertChangedCountryFanOut, AlertChangedCountryFanOutDefinition>()
            .AddRetainedKind<AlertRetainedKind>()
            .AddMatchableKind<AlertMatchableKind>();

    public static WebApplication MapAlerts(this WebApplication app)
    {
        app.MapGrpcService<SeizureAlertsService>();
        return app;
    }
}
