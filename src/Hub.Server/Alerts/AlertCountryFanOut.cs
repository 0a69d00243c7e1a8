using System.Text.Json;
using Hub.Contracts.Events;
using Hub.Server.Access;
using Hub.Server.Audit;
using Hub.Server.Data;
using Hub.Server.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Alerts;

/// <summary>
/// Puts each posted alert on the queue of every country the access policy entitles to it.
/// Runs on one node at a time (a durable, single-active-consumer queue shared by all nodes),
/// so the countries' queues receive alerts in the order they were published.
/// </summary>
public sealed class AlertCountryFanOut(
    CountryQueues queues,
    AccessPolicy policy,
    AuditChain audit,
    HubDbContext db,
    TimeProvider clock) : IConsumer<AlertPosted>
{
    public const string QueueName = "hub-country-fanout";
    private const string ConsumerName = "alert-country-fanout";

    public async Task Consume(ConsumeContext<AlertPosted> context)
    {
        var message = context.Message;
        var ct = context.CancellationToken;
        if (await Inbox.SeenAsync(db, ConsumerName, message.EventId, ct))
        {
            return;
        }
        var alert = AlertMapping.Parser.Parse<Contracts.V1.SeizureAlert>(message.AlertJson);
        var countries = policy.EntitledCountries(RecordAccess.Of(alert));
        using var json = JsonDocument.Parse(message.AlertJson);
        var countryEvent = new CountryEvent(CountryQueues.Schema, message.EventId, "alert.posted", message.Sequence,
            alert.ReceivedAt.ToDateTimeOffset(), json.RootElement.Clone());
        foreach (var country in countries)
        {
            await queues.SendAsync(country, countryEvent, ct);
        }
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await audit.AppendAsync(db, [new AuditEvent(Caller.System, Channels.CountryQueue, "alert.fan-out", AuditOutcomes.Allowed, "alert", alert.Id, string.Join(',', countries))], ct);
            await Inbox.RecordAsync(db, ConsumerName, message.EventId, clock.GetUtcNow().UtcDateTime, ct);
            await transaction.CommitAsync(ct);
        });
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
        // A broker hiccup while fanning out is retried; what still fails goes to the error
        // queue, where admins see it and can replay it.
        endpointConfigurator.UseMessageRetry(r => r.Exponential(8, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500)));
    }
}
