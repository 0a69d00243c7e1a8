using System.Text.Json;
using Google.Protobuf;
using Hub.Server.Access;
using Hub.Server.Data;
using Hub.Server.Records;
using MassTransit;

namespace Hub.Server.Messaging;

/// <summary>One event as the bus carried it, read back by its feed kind.</summary>
/// <param name="CountryEventType">Its type on the country queues, e.g. <c>case.message.posted</c>.</param>
public sealed record FeedAnnouncement<TEvent>(Guid EventId, long Sequence, TEvent Event, string CountryEventType, DateTimeOffset OccurredAt);

/// <summary>A feed kind whose events travel on the bus as <typeparamref name="TMessage"/>.</summary>
public interface IAnnouncedFeed<in TMessage, TEvent> : IFeedKind<TEvent> where TEvent : class, IMessage
{
    FeedAnnouncement<TEvent> Read(TMessage message);

    /// <summary>The event on a country queue (schema <c>hub.country-event.v1</c>) as projected for that country.</summary>
    CountryEvent ToCountryEvent(FeedAnnouncement<TEvent> announcement, TEvent projected);
}

/// <summary>On every node's live-feed queue: hands each event of a feed to the shared live push path.</summary>
public abstract class LiveFeedConsumer<TKind, TMessage, TEvent>(LivePushes pushes, TKind kind, NodeFeed<FeedItem<TEvent>> feed) : IConsumer<TMessage>
    where TKind : IAnnouncedFeed<TMessage, TEvent>
    where TMessage : class
    where TEvent : class, IMessage
{
    public async Task Consume(ConsumeContext<TMessage> context)
    {
        var announced = kind.Read(context.Message);
        await pushes.EnqueueAsync(kind, feed, announced.EventId, announced.Event, context.CancellationToken);
    }
}

/// <summary>
/// Puts each event of a feed on the queue of every country the policy entitles to it when it
/// is fanned out. Every feed's fan-out shares one durable queue with one active consumer
/// across the nodes, so the countries' queues receive events in the order they were published.
/// </summary>
public abstract class CountryFanOutConsumer<TKind, TMessage, TEvent>(
    CountryQueues queues, AccessPolicy policy, GroupCommit writes, HubDbContext db, TKind kind, TimeProvider clock) : IConsumer<TMessage>
    where TKind : IAnnouncedFeed<TMessage, TEvent>
    where TMessage : class
    where TEvent : class, IMessage
{
    public async Task Consume(ConsumeContext<TMessage> context)
    {
        var announced = kind.Read(context.Message);
        await CountryFanOuts.DeliverOnceAsync(db, queues, writes, policy, clock, kind, announced.Event,
            projected => kind.ToCountryEvent(announced, projected), context.CancellationToken);
    }
}

/// <summary>The fan-out queue's settings, the same for every feed's consumer on it.</summary>
public abstract class CountryFanOutDefinition<TConsumer> : ConsumerDefinition<TConsumer> where TConsumer : class, IConsumer
{
    protected CountryFanOutDefinition()
    {
        EndpointName = CountryFanOuts.QueueName;
        ConcurrentMessageLimit = 1;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.SingleActiveConsumer = true;
            rabbit.PrefetchCount = 16;
        }
        CountryFanOuts.RetryTransientFailures(endpointConfigurator);
    }
}

/// <summary>A pass the hub makes at an interval on every node (escalations); a failed pass is retried on the next tick.</summary>
public abstract class PeriodicPass(TimeProvider clock, TimeSpan interval) : Microsoft.Extensions.Hosting.BackgroundService
{
    protected TimeProvider Clock => clock;

    protected abstract Task RunPassAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RunPassAsync(stoppingToken);
            }
#pragma warning disable CA1031 // A failed pass is retried on the next tick.
            catch (Exception) when (!stoppingToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
            }
        }
    }
}
