using Hub.Contracts.Events;
using Hub.Contracts.V1;
using Hub.Server.Alerts;
using Hub.Server.Data;
using Hub.Server.Messaging;

namespace Hub.Server.Cases;

/// <summary>
/// Appends to the case event feed inside the write's transaction: the event row (with the
/// countries it is released to) and its outbox row, so that the event goes out if and only
/// if the write commits.
/// </summary>
public static class CaseEventLog
{
    public static async Task<CaseEvent> AppendAsync(
        HubDbContext db, Guid caseId, string type, IReadOnlyList<string> visibleTo, CaseEvent payload, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var record = new CaseEventRecord
        {
            EventId = Guid.NewGuid(),
            CaseId = caseId,
            Type = type,
            VisibleTo = string.Join(',', visibleTo),
            AtUtc = nowUtc,
        };
        db.Set<CaseEventRecord>().Add(record);
        // The sequence is assigned by the insert and belongs in the snapshot.
        await db.SaveChangesAsync(cancellationToken);
        payload.EventId = record.EventId.ToString();
        payload.Sequence = record.Sequence;
        payload.CaseId = caseId.ToString();
        payload.Type = type;
        if (payload.Message is not null && payload.Message.Sequence == 0 && type == "message.posted")
        {
            payload.Message.Sequence = record.Sequence;
        }
        record.PayloadJson = AlertMapping.Formatter.Format(payload);
        var occurred = new CaseEventOccurred(record.EventId, record.Sequence, caseId, type, visibleTo, record.PayloadJson);
        db.Outbox.Add(OutboxMessageTypes.Create(occurred.EventId, occurred, nowUtc));
        return payload;
    }

    public static IReadOnlyList<string> VisibleTo(CaseEventRecord record) =>
        record.VisibleTo.Length == 0 ? [] : record.VisibleTo.Split(',');
}
