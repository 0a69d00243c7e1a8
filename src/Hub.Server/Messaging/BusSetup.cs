using MassTransit;

namespace Hub.Server.Messaging;

public static class BusSetup
{
    /// <summary>
    /// MassTransit on RabbitMQ when <c>ConnectionStrings:RabbitMq</c> is set (an
    /// <c>amqp://user:password@host:port/vhost</c> URI), otherwise on the in-memory
    /// transport. The consumers and endpoints are the same either way.
    /// </summary>
    public static IServiceCollection AddHubBus(this IServiceCollection services, IConfiguration configuration, ILogger startupLog)
    {
        // Features register their consumers first (HubHost adds them before the bus).
        var features = services.Where(d => d.ServiceType == typeof(BusConsumers)).Select(d => (BusConsumers)d.ImplementationInstance!).ToList();
        var node = NodeIdentity.Create();
        services.AddSingleton(node);
        services.AddSingleton<OutboxSignal>();
        services.AddOptions<BusOptions>().BindConfiguration(BusOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<OutboxDispatcher>();

        // Every node needs its own copy of every live event, so its live-feed queue is named
        // after the node and deleted with it (RabbitMQ auto-delete, non-durable).
        var nodeQueue = $"hub-live-feed-{node.Name}";
        var rabbitMq = configuration.GetConnectionString("RabbitMq");

        services.AddMassTransit(x =>
        {
            void LiveFeedEndpoint(IEndpointRegistrationConfigurator e)
            {
                e.Name = nodeQueue;
                e.Temporary = true;
                // One at a time keeps the live feed in the order events were published.
                e.ConcurrentMessageLimit = 1;
            }
            foreach (var feature in features)
            {
                x.AddConsumer(feature.LiveFeed).Endpoint(LiveFeedEndpoint);
            }

            if (!string.IsNullOrWhiteSpace(rabbitMq))
            {
                // Member agencies' queues exist only on RabbitMQ; in the embedded default their
                // systems use WatchAlerts instead.
                foreach (var feature in features)
                {
                    x.AddConsumer(feature.CountryFanOut, feature.CountryFanOutDefinition);
                }
            }

            if (string.IsNullOrWhiteSpace(rabbitMq))
            {
                x.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
            }
            else
            {
                var uri = new Uri(rabbitMq);
                x.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(uri);
                    cfg.ConfigureEndpoints(context);
                });
            }
        });

        if (!string.IsNullOrWhiteSpace(rabbitMq))
        {
            services.AddSingleton(sp => new BrokerConnection(new Uri(rabbitMq), node));
            services.AddSingleton<CountryQueues>();
            services.AddSingleton<DeadLetters>();
        }

        if (string.IsNullOrWhiteSpace(rabbitMq))
        {
            StartupLog.Bus(startupLog, "in-memory (no ConnectionStrings:RabbitMq)", nodeQueue);
        }
        else
        {
            var uri = new Uri(rabbitMq);
            var transport = $"RabbitMQ at {uri.Host}:{uri.Port}{uri.AbsolutePath}";
            StartupLog.Bus(startupLog, transport, nodeQueue);
        }
        return services;
    }

}
