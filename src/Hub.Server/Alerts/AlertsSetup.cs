using Hub.Contracts.V1;
using Hub.Server.Records;

namespace Hub.Server.Alerts;

public static class AlertsSetup
{
    public static IServiceCollection AddAlerts(this IServiceCollection services) => services.AddFeed<AlertFeedKind, AlertEvent>();

    public static WebApplication MapAlerts(this WebApplication app)
    {
        app.MapGrpcService<SeizureAlertsService>();
        return app;
    }
}
