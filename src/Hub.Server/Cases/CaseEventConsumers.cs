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

namespace Hub.Server.Cases;

/// <summary>
/// On every node's live-feed queue: pushes case events to the people connected to this node
/// (SignalR <c>caseEvent</c>, to the centre and to the countries the event was released to)
/// and to this node's open WatchCases streams.
/// </summary>
public sealed class CaseEventLiveConsumer(CaseFeed feed, IHubContext<FeedHub> hub, LiveFeedDeduplication deduplication) : IConsumer<CaseEventOccurred>
{
    public async Task Consume(ConsumeContext<CaseEventOccurred> context)
    {
        var message = context.Message;
        if (!deduplication.Ids.TryAdd(message.EventId))
        {
            return;
        }
        feed.Publish(new LiveCaseEvent(AlertMapping.Parser.Parse<CaseEvent>(message.EventJson), message.VisibleTo));
        using var document = JsonDocument.Parse(message.EventJson);
        string[] groups = [FeedHub.CentreGroup, .. message.VisibleTo.Select(FeedHub.CountryGroup)];
        await hub.Clients.Groups(groups).SendAsync(FeedHub.CaseEventMethod, document.RootElement.Clone(), context.CancellationToken);
    }
}

/// <summary>
/// Puts each case event on the queue of every country it was released to, in order, once
/// (inbox), beside <see cref="AlertCountryFanOut"/> on the same single-active-consumer queue.
/// </summary>
public sealed class CaseCountryFanOut(CountryQueues queues, GroupCommit writes, HubDbContext db, TimeProvider clock) : IConsumer<CaseEventOccurred>
{
    private const string ConsumerName = "case-country-fanout";

    public async Task Consume(ConsumeContext<CaseEventOccurred> context)
    {
        var message = context.Message;
        using var json = JsonDocument.Parse(message.EventJson);
        var countryEvent = new CountryEvent(CountryQueues.Schema, message.EventId, "case." + message.Type, message.Sequence, clock.GetUtcNow(), null)
        {
            Case = json.RootElement.Clone(),
        };
        await CountryFanOuts.DeliverOnceAsync(db, queues, writes, clock, ConsumerName, message.EventId, message.VisibleTo, countryEvent,
            "case.fan-out", "case", message.CaseId.ToString(), $"{message.Type} to {string.Join(',', message.VisibleTo)}", context.CancellationToken);
    }
}

public sealed class CaseCountryFanOutDefinition : ConsumerDefinition<CaseCountryFanOut>
{
    public CaseCountryFanOutDefinition()
    {
        EndpointName = AlertCountryFanOut.QueueName;
        ConcurrentMessageLimit = 1;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<CaseCountryFanOut> consumerConfigurator, IRegistrationContext context) =>
        CountryFanOuts.RetryTransientFailures(endpointConfigurator);
}

/// <summary>
/// Raises an escalation once for each request for information whose reply is overdue. Runs
/// on every node; the conditional update makes exactly one of them raise it.
/// </summary>
public sealed class OverdueRequestsTimer(IServiceScopeFactory scopes, AccessPolicy policy, OutboxSignal signal, TimeProvider clock) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RaiseDueAsync(stoppingToken);
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
        var due = await db.Set<CaseMessageRecord>().AsNoTracking()
            .Where(m => m.AwaitingReply && m.OverdueAtUtc == null && m.ReplyDueAtUtc != null && m.ReplyDueAtUtc < now)
            .Select(m => m.Id).Take(100).ToListAsync(ct);
        var raised = 0;
        foreach (var id in due)
        {
            var strategy = db.Database.CreateExecutionStrategy();
            raised += await strategy.ExecuteAsync(async () =>
            {
                db.ChangeTracker.Clear();
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                var claimed = await db.Set<CaseMessageRecord>().Where(m => m.Id == id && m.OverdueAtUtc == null && m.AwaitingReply)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.OverdueAtUtc, now), ct);
                if (claimed == 1)
                {
                    var message = await db.Set<CaseMessageRecord>().Include(m => m.Receipts).Include(m => m.Attachments).AsNoTracking().FirstAsync(m => m.Id == id, ct);
                    var owner = await db.Set<CaseRecord>().Include(c => c.Participants).AsNoTracking().FirstAsync(c => c.Id == message.CaseId, ct);
                    await CaseEventLog.AppendAsync(db, owner.Id, "rfi.overdue", policy.CountriesMayReadMessage(CaseMapping.AccessOf(message, owner)),
                        new CaseEvent { Message = CaseMapping.ToProto(message) }, now, ct);
                    await db.SaveChangesAsync(ct);
                }
                await transaction.CommitAsync(ct);
                return claimed;
            });
        }
        if (raised > 0)
        {
            signal.Notify();
        }
        return raised;
    }
}
