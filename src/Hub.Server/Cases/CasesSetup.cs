using Hub.Server.Matching;
using Hub.Server.Retention;
using Hub.Contracts.V1;
using Grpc.AspNetCore.Server;
using Hub.Server.Limits;
using Hub.Server.Messaging;
using Hub.Server.Records;

namespace Hub.Server.Cases;

public static class CasesSetup
{
    public static IServiceCollection AddCases(this IServiceCollection services, IGrpcServerBuilder grpc)
    {
        grpc.AddServiceOptions<CasesService>(o => o.MaxReceiveMessageSize = RequestLimits.MaxCaseMessageBytes);
        services.AddHostedService<OverdueRequestsTimer>();
        return services.AddFeed<CaseFeedKind, CaseEvent>().AddBusConsumers<CaseEventLiveConsumer, CaseCountryFanOut, CaseCountryFanOutDefinition>()
            .AddRetainedKind<MessageRetainedKind>()
            .AddMatchableKind<MessageMatchableKind>();
    }

    public static WebApplication MapCases(this WebApplication app)
    {
        app.MapGrpcService<CasesService>();
        return app;
    }
}
