using System.Text.Json;
using Hub.Contracts.Events;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Alerts;
using Hub.Server.Audit;
using Hub.Server.Data;
using Hub.Server.LiveFeed;
using Hub.Server.Messaging;
using MassTransit;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Deliveries;

/// <summary>On every node: delivery steps to SignalR (<c>deliveryEvent</c>) and to open Watch streams.</summary>
public sealed class DeliveryEventLiveConsumer(DeliveryFeed feed, IHubContext<FeedHub> hub, LiveFeedDeduplication deduplication) : IConsumer<DeliveryEventOccurred>
{
    public async Task Consume(ConsumeContext<DeliveryEventOccurred> context)
    {
        var message = context.Message;
        if (!deduplication.Ids.TryAdd(message.EventId))
        {
            return;
        }
        feed.Publish(new LiveDeliveryEvent(AlertMapping.Parser.Parse<DeliveryEvent>(message.EventJson), message.VisibleTo));
        using var document = JsonDocument.Parse(message.EventJson);
        string[] groups = [FeedHub.CentreGroup, .. message.VisibleTo.Select(FeedHub.CountryGroup)];
        await hub.Clients.Groups(groups).SendAsync(FeedHub.DeliveryEventMethod, document.RootElement.Clone(), context.CancellationToken);
    }
}

/// <summary>Delivery steps onto each route country's queue, in order, once (inbox).</summary>
public sealed class DeliveryCountryFanOut(CountryQueues queues, GroupCommit writes, HubDbContext db, TimeProvider clock) : IConsumer<DeliveryEventOccurred>
{
    private const string ConsumerName = "delivery-country-fanout";

    public async Task Consume(ConsumeContext<DeliveryEventOccurred> context)
    {
        var message = context.Message;
        using var json = JsonDocument.Parse(message.EventJson);
        var countryEvent = new CountryEvent(CountryQueues.Schema, message.EventId, "delivery." + message.Type, message.Sequence, clock.GetUtcNow(), null)
        {
            Delivery = json.RootElement.Clone(),
        };
        await CountryFanOuts.DeliverOnceAsync(db, queues, writes, clock, ConsumerName, message.EventId, message.VisibleTo, countryEvent,
            "delivery.fan-out", "delivery", message.DeliveryId.ToString(), $"{message.Type} to {string.Join(',', message.VisibleTo)}", context.CancellationToken);
    }
}

public sealed class DeliveryCountryFanOutDefinition : ConsumerDefinition<DeliveryCountryFanOut>
{
    public DeliveryCountryFanOutDefinition()
    {
        EndpointName = AlertCountryFanOut.QueueName;
        ConcurrentMessageLimit = 1;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<DeliveryCountryFanOut> consumerConfigurator, IRegistrationContext context) =>
        CountryFanOuts.RetryTransientFailures(endpointConfigurator);
}

/// <summary>
/// Escalates a handover not taken over in time, and surveillance silent for too long: one
/// event each, to the centre and the route countries. Every node runs it; the deadline lives
/// in the database (it survives restarts) and a conditional update lets exactly one node
/// raise each escalation.
/// </summary>
public sealed class DeliveryDeadlinesTimer(IServiceScopeFactory scopes, OutboxSignal signal, TimeProvider clock) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (await RaiseDueAsync(stoppingToken) > 0)
                {
                    signal.Notify();
                }
            }
#pragma warning disable CA1031 // A failed pass is retried on the next tick.
            catch (Exception) when (!stoppingToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
            }
        }
    }

    internal async Task<int> RaiseDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var raised = 0;
        var handovers = await db.Set<DeliveryRecord>().AsNoTracking()
            .Where(d => d.State == DeliveryState.Active && d.HandoverDueAtUtc != null && d.HandoverDueAtUtc < now && d.HandoverEscalatedAtUtc == null)
            .Select(d => d.Id).Take(100).ToListAsync(ct);
        foreach (var id in handovers)
        {
            raised += await ClaimAsync(db, id, "handover.overdue", now,
                q => q.Where(d => d.HandoverDueAtUtc != null && d.HandoverDueAtUtc < now && d.HandoverEscalatedAtUtc == null),
                s => s.SetProperty(d => d.HandoverEscalatedAtUtc, now), ct);
        }
        var silent = await db.Set<DeliveryRecord>().AsNoTracking()
            .Where(d => d.State == DeliveryState.Active && d.PositionDueAtUtc != null && d.PositionDueAtUtc < now && d.PositionEscalatedAtUtc == null)
            .Select(d => d.Id).Take(100).ToListAsync(ct);
        foreach (var id in silent)
        {
            raised += await ClaimAsync(db, id, "position.overdue", now,
                q => q.Where(d => d.PositionDueAtUtc != null && d.PositionDueAtUtc < now && d.PositionEscalatedAtUtc == null),
                s => s.SetProperty(d => d.PositionEscalatedAtUtc, now), ct);
        }
        return raised;
    }

    private static async Task<int> ClaimAsync(HubDbContext db, Guid id, string type, DateTime now,
        Func<IQueryable<DeliveryRecord>, IQueryable<DeliveryRecord>> still,
        Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<DeliveryRecord>> mark, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // The claim: only the node whose update changes the row raises the escalation.
            var claimed = await still(db.Set<DeliveryRecord>().Where(d => d.Id == id && d.State == DeliveryState.Active)).ExecuteUpdateAsync(mark, ct);
            if (claimed == 1)
            {
                var record = await db.Set<DeliveryRecord>().AsNoTracking().FirstAsync(d => d.Id == id, ct);
                var delivery = DeliveriesService.Document(record);
                await DeliveryEvents.AppendAsync(db, id, type, [.. delivery.Legs.Select(l => l.Country)], delivery, now, ct);
                await db.SaveChangesAsync(ct);
            }
            await transaction.CommitAsync(ct);
            return claimed;
        });
    }
}
