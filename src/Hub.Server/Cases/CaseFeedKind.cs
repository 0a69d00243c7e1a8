using Hub.Contracts.Events;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Data;
using Hub.Server.LiveFeed;
using Hub.Server.Messaging;
using Hub.Server.Records;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Cases;

/// <summary>
/// The case feed. Who may receive an event changes after it happened (a participant is
/// removed, a message forwarded), so its access is read from the case and the message as
/// they are now, for every page replayed and every batch pushed.
/// </summary>
public sealed class CaseFeedKind(TimeProvider clock) : IAnnouncedFeed<CaseEventOccurred, CaseEvent>
{
    public const string RecordType = "case";

    public string Name => RecordType;
    public string SignalRMethod => FeedHub.CaseEventMethod;

    public async Task<IReadOnlyList<FeedItem<CaseEvent>>> ReadAsync(HubDbContext db, FeedQuery query, CancellationToken ct)
    {
        var rows = db.Set<CaseEventRecord>().AsNoTracking();
        if (query.Scope is not null && Guid.TryParse(query.Scope, out var only))
        {
            rows = rows.Where(e => e.CaseId == only);
        }
        var page = await FeedEventRows.PageAsync(rows, query, ct);
        var events = page.Select(r => ProtoJson.Parser.Parse<CaseEvent>(r.PayloadJson)).ToList();
        return await ResolveAsync(db, events, ct);
    }

    public async Task<IReadOnlyList<FeedItem<CaseEvent>>> ResolveAsync(HubDbContext db, IReadOnlyList<CaseEvent> events, CancellationToken ct)
    {
        var caseIds = events.Select(e => Guid.Parse(e.CaseId)).Distinct().ToList();
        var messageIds = events.Where(e => e.Message is not null).Select(e => Guid.Parse(e.Message.Id)).Distinct().ToList();
        var cases = await db.Set<CaseRecord>().Include(c => c.Participants).AsNoTracking()
            .Where(c => caseIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var messages = messageIds.Count == 0 ? [] : await db.Set<CaseMessageRecord>().AsNoTracking()
            .Where(m => messageIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, ct);
        return [.. events.Select(e =>
        {
            var message = e.Message is null ? null : messages.GetValueOrDefault(Guid.Parse(e.Message.Id));
            return new FeedItem<CaseEvent>(e.Sequence, Guid.Parse(e.EventId), e, AccessOf(e, cases, messages),
                e.Message is null ? RecordType : "case-message", e.Message?.Id ?? e.CaseId, e.CaseId)
            {
                Withdrawn = message?.IsWithdrawn() ?? false,
                State = message,
            };
        })];
    }

    /// <summary>A message event carries the message as it is now, for the recipient's sight: its current version, or its withdrawal.</summary>
    public CaseEvent Project(FeedItem<CaseEvent> item, Sight sight)
    {
        if (item.State is not CaseMessageRecord current || item.Event.Message is null)
        {
            return item.Event;
        }
        var projected = item.Event.Clone();
        projected.Message = CaseMapping.AsNow(item.Event.Message, current, sight);
        return projected;
    }

    private static RecordAccess AccessOf(CaseEvent e, Dictionary<Guid, CaseRecord> cases, Dictionary<Guid, CaseMessageRecord> messages)
    {
        if (!cases.TryGetValue(Guid.Parse(e.CaseId), out var owner))
        {
            return RecordAccess.CentreOnly;
        }
        if (e.Message is null)
        {
            return CaseMapping.AccessOf(owner);
        }
        return messages.TryGetValue(Guid.Parse(e.Message.Id), out var message) ? CaseMapping.AccessOf(message, owner) : RecordAccess.CentreOnly;
    }

    public object SignalRPayload(FeedItem<CaseEvent> item, CaseEvent projected) => ProtoJson.Element(projected);

    public FeedAnnouncement<CaseEvent> Read(CaseEventOccurred message) =>
        new(message.EventId, message.Sequence, ProtoJson.Parser.Parse<CaseEvent>(message.EventJson), "case." + message.Type, clock.GetUtcNow());

    public CountryEvent ToCountryEvent(FeedAnnouncement<CaseEvent> announcement, CaseEvent projected) =>
        new(CountryQueues.Schema, announcement.EventId, announcement.CountryEventType, announcement.Sequence, announcement.OccurredAt, null) { Case = ProtoJson.Element(projected) };

    /// <summary>
    /// Adds a case event to the change being applied: its row, and once the commit has given
    /// it its sequence, the payload as sent and the bus message that announces it.
    /// </summary>
    public static void Raise(RecordContext context, Guid caseId, string type, CaseEvent payload)
    {
        var row = new CaseEventRecord
        {
            EventId = Guid.CreateVersion7(),
            CaseId = caseId,
            MessageId = payload.Message is null ? null : Guid.Parse(payload.Message.Id),
            Type = type,
            AtUtc = context.NowUtc,
        };
        context.Raise(row, r =>
        {
            payload.EventId = r.EventId.ToString();
            payload.Sequence = r.Sequence;
            payload.CaseId = caseId.ToString();
            payload.Type = type;
            if (payload.Message is not null && payload.Message.Sequence == 0 && type == "message.posted")
            {
                payload.Message.Sequence = r.Sequence;
            }
            r.PayloadJson = ProtoJson.Formatter.Format(payload);
            return new CaseEventOccurred(r.EventId, r.Sequence, caseId, type, r.PayloadJson);
        });
    }
}
