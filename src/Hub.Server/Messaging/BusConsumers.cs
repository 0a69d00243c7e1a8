namespace Hub.Server.Messaging;

/// <summary>
/// A feature's consumers, registered by the feature (<c>AddAlerts()</c> …) and wired by
/// <see cref="BusSetup"/>, which so knows no feature: the one on each node's live-feed queue,
/// and the one on the shared country fan-out queue (RabbitMQ only) with its definition.
/// </summary>
public sealed record BusConsumers(Type LiveFeed, Type CountryFanOut, Type CountryFanOutDefinition);

public static class BusConsumersRegistration
{
    public static IServiceCollection AddBusConsumers<TLive, TFanOut, TFanOutDefinition>(this IServiceCollection services)
        where TLive : class, MassTransit.IConsumer
        where TFanOut : class, MassTransit.IConsumer
        where TFanOutDefinition : class =>
        services.AddSingleton(new BusConsumers(typeof(TLive), typeof(TFanOut), typeof(TFanOutDefinition)));
}
