using System.Text.Json;
using Hub.Contracts.Events;
using Hub.Server.Access;
using Hub.Server.Audit;
using Hub.Server.Data;
using Hub.Server.Messaging;
using MassTransit;

using Hub.Server.Records;

namespace Hub.Server.Alerts;

/// <summary>
/// Puts each posted alert on the queue of every country the access policy entitles to it.
/// Runs on one node at a time (a durable, single-active-consumer queue shared by all nodes),
/// so the countries' queues receive alerts in the order they were published.
/// </summary>
public sealed class AlertCountryFanOut(
    CountryQueues queues,
    AccessPolicy policy,
    GroupCommit writes,
    HubDbContext db,
    AlertFeedKind kind,
    TimeProvider clock) : IConsumer<AlertPosted>
{
    public const string QueueName = "hub-country-fanout";

    public async Task Consume(ConsumeContext<AlertPosted> context)
    {
        var message = context.Message;
        var alert = ProtoJson.Parser.Parse<Contracts.V1.SeizureAlert>(message.AlertJson);
        var alertEvent = new Contracts.V1.AlertEvent { EventId = message.EventId.ToString(), Sequence = message.Sequence, Alert = alert };
        using var json = JsonDocument.Parse(message.AlertJson);
        await CountryFanOuts.DeliverOnceAsync(db, queues, writes, policy, clock, kind, alertEvent,
            item => new CountryEvent(CountryQueues.Schema, message.EventId, "alert.posted", message.Sequence, alert.ReceivedAt.ToDateTimeOffset(), json.RootElement.Clone()),
            context.CancellationToken);
    }
}

public sealed class AlertCountryFanOutDefinition : ConsumerDefinition<AlertCountryFanOut>
{
    public AlertCountryFanOutDefinition()
    {
        EndpointName = AlertCountryFanOut.QueueName;
        ConcurrentMessageLimit = 1;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<AlertCountryFanOut> consumerConfigurator, IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.SingleActiveConsumer = true;
            rabbit.PrefetchCount = 16;
        }
        CountryFanOuts.RetryTransientFailures(endpointConfigurator);
    }
}
