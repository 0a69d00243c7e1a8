using System.Text.Json;
using Hub.Contracts.Events;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Data;
using Hub.Server.Messaging;
using Hub.Server.Records;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Cases;

/// <summary>On every node's live-feed queue: case events to the shared live push path.</summary>
public sealed class CaseEventLiveConsumer(LivePushes pushes, CaseFeedKind kind, NodeFeed<FeedItem<CaseEvent>> feed)
    : LiveFeedConsumer<CaseFeedKind, CaseEventOccurred, CaseEvent>(pushes, kind, feed);

/// <summary>Case events onto the queues of the countries entitled to them when they are fanned out.</summary>
public sealed class CaseCountryFanOut(CountryQueues queues, AccessPolicy policy, GroupCommit writes, HubDbContext db, CaseFeedKind kind, TimeProvider clock)
    : CountryFanOutConsumer<CaseFeedKind, CaseEventOccurred, CaseEvent>(queues, policy, writes, db, kind, clock);

public sealed class CaseCountryFanOutDefinition : CountryFanOutDefinition<CaseCountryFanOut>;

/// <summary>
/// Raises an escalation once for each request for information whose reply is overdue. Runs
/// on every node; the change re-reads the message inside the commit (which every node's
/// commits take in turn), so exactly one of them raises it.
/// </summary>
public sealed class OverdueRequestsTimer(IServiceScopeFactory scopes, RecordPipeline pipeline, TimeProvider clock) : PeriodicPass(clock, Interval)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override Task RunPassAsync(CancellationToken ct) => RaiseDueAsync(ct);

    internal async Task<int> RaiseDueAsync(CancellationToken ct)
    {
        List<Guid> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var now = Clock.GetUtcNow().UtcDateTime;
            due = await db.Set<CaseMessageRecord>().AsNoTracking()
                .Where(m => m.AwaitingReply && m.OverdueAtUtc == null && m.ReplyDueAtUtc != null && m.ReplyDueAtUtc < now)
                .Select(m => m.Id).Take(100).ToListAsync(ct);
        }
        var raised = 0;
        foreach (var id in due)
        {
            var answer = await pipeline.WriteAsync(Caller.System, new OverdueChange(id), ct, Channels.System);
            raised += answer.Value ? 1 : 0;
        }
        return raised;
    }

    /// <summary>Marks one request overdue and raises rfi.overdue, unless another node did first.</summary>
    private sealed class OverdueChange(Guid messageId) : SystemChange
    {
        public override string Action => "rfi.overdue";
        public override string RecordType => "case-message";

        public override Func<Google.Protobuf.WellKnownTypes.BoolValue> Apply(RecordContext context)
        {
            var message = context.Db.Set<CaseMessageRecord>().Include(m => m.Receipts).Include(m => m.Attachments).First(m => m.Id == messageId);
            if (!message.AwaitingReply || message.OverdueAtUtc is not null || message.ReplyDueAtUtc is not { } dueAt || dueAt >= context.NowUtc)
            {
                context.Audit(Action, RecordType, messageId.ToString(), "already raised, or answered");
                return () => new() { Value = false };
            }
            message.OverdueAtUtc = context.NowUtc;
            CaseFeedKind.Raise(context, message.CaseId, "rfi.overdue", new CaseEvent { Message = CaseMapping.ToProto(message) });
            context.Audit(Action, RecordType, messageId.ToString(), $"reply was due {dueAt:O}");
            return () => new() { Value = true };
        }
    }
}
