using System.Text.Json;
using Hub.Contracts.Events;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Records;
using Hub.Server.Audit;
using Hub.Server.Data;
using Hub.Server.LiveFeed;
using Hub.Server.Messaging;
using MassTransit;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;


namespace Hub.Server.Deliveries;

/// <summary>On every node's live-feed queue: delivery steps to the shared live push path.</summary>
public sealed class DeliveryEventLiveConsumer(LivePushes pushes, DeliveryFeedKind kind, NodeFeed<FeedItem<DeliveryEvent>> feed)
    : LiveFeedConsumer<DeliveryFeedKind, DeliveryEventOccurred, DeliveryEvent>(pushes, kind, feed);

/// <summary>Delivery steps onto the queues of the route countries entitled to them when they are fanned out.</summary>
public sealed class DeliveryCountryFanOut(CountryQueues queues, AccessPolicy policy, GroupCommit writes, HubDbContext db, DeliveryFeedKind kind, TimeProvider clock)
    : CountryFanOutConsumer<DeliveryFeedKind, DeliveryEventOccurred, DeliveryEvent>(queues, policy, writes, db, kind, clock);

public sealed class DeliveryCountryFanOutDefinition : CountryFanOutDefinition<DeliveryCountryFanOut>;

/// <summary>
/// Escalates a handover not taken over in time, and surveillance silent for too long: one
/// event each, to the centre and the route countries. Every node runs it; the deadline lives
/// in the database (it survives restarts) and a conditional update lets exactly one node
/// raise each escalation.
/// </summary>
public sealed class DeliveryDeadlinesTimer(IServiceScopeFactory scopes, RecordPipeline pipeline, TimeProvider clock) : PeriodicPass(clock, Interval)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override Task RunPassAsync(CancellationToken ct) => RaiseDueAsync(ct);

    internal async Task<int> RaiseDueAsync(CancellationToken ct)
    {
        List<Guid> handovers, silent;
        var now = Clock.GetUtcNow().UtcDateTime;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            handovers = await db.Set<DeliveryRecord>().AsNoTracking()
                .Where(d => d.State == DeliveryState.Active && d.HandoverDueAtUtc != null && d.HandoverDueAtUtc < now && d.HandoverEscalatedAtUtc == null)
                .Select(d => d.Id).Take(100).ToListAsync(ct);
            silent = await db.Set<DeliveryRecord>().AsNoTracking()
                .Where(d => d.State == DeliveryState.Active && d.PositionDueAtUtc != null && d.PositionDueAtUtc < now && d.PositionEscalatedAtUtc == null)
                .Select(d => d.Id).Take(100).ToListAsync(ct);
        }
        var raised = 0;
        foreach (var id in handovers)
        {
            raised += (await pipeline.WriteAsync(Caller.System, new EscalationChange(id, handover: true), ct, Channels.System)).Value ? 1 : 0;
        }
        foreach (var id in silent)
        {
            raised += (await pipeline.WriteAsync(Caller.System, new EscalationChange(id, handover: false), ct, Channels.System)).Value ? 1 : 0;
        }
        return raised;
    }

    /// <summary>
    /// One escalation, re-checked inside the commit: every node's commits take turns, so only
    /// the first node to find it still due raises it.
    /// </summary>
    private sealed class EscalationChange(Guid deliveryId, bool handover) : SystemChange
    {
        public override string Action => handover ? "handover.overdue" : "position.overdue";
        public override string RecordType => DeliveryFeedKind.RecordType;

        public override Func<Google.Protobuf.WellKnownTypes.BoolValue> Apply(RecordContext context)
        {
            var record = context.Db.Set<DeliveryRecord>().First(d => d.Id == deliveryId);
            var now = context.NowUtc;
            var due = record.State == DeliveryState.Active && (handover
                ? record.HandoverDueAtUtc < now && record.HandoverEscalatedAtUtc == null
                : record.PositionDueAtUtc < now && record.PositionEscalatedAtUtc == null);
            if (!due)
            {
                context.Audit(Action, RecordType, deliveryId.ToString(), "already raised, or no longer due");
                return () => new() { Value = false };
            }
            if (handover)
            {
                record.HandoverEscalatedAtUtc = now;
            }
            else
            {
                record.PositionEscalatedAtUtc = now;
            }
            var document = DeliveryFeedKind.Document(record);
            var respond = DeliveryChange.Store(context, record, document, Action, Action, "escalated to the centre and the route countries");
            return () =>
            {
                respond();
                return new() { Value = true };
            };
        }
    }
}
