using Hub.Contracts.V1;
using Hub.Server.ErrorHandling;
using Hub.Server.Records;

namespace Hub.Server.Retention;

/// <summary>
/// Purges records of one kind in one commit. By the centre (one record, now): refused when
/// purged already, held or blocked. On schedule: each record is re-read and left when it was
/// kept, held, purged or blocked meanwhile.
/// </summary>
internal sealed class PurgeRecordsChange(IRetainedKind kind, IReadOnlyList<Guid> ids, string reason, RetentionOptions options, DateTime? scheduledAtUtc)
    : RecordChange<RetainedRecord>
{
    public override string Action => "retention.purge";
    public override string RecordType => kind.RecordType;

    public override Func<RetainedRecord> Apply(RecordContext context)
    {
        var holds = RetentionHolds.Read(context.Db);
        var purged = new List<RetainedFacts>();
        foreach (var id in ids)
        {
            var facts = kind.Find(context.Db, options, id);
            var heldBy = facts is null ? [] : holds.HeldBy(facts);
            if (scheduledAtUtc is null)
            {
                if (facts is null)
                {
                    throw HubException.NotFound("record_id", $"{kind.RecordType} {id}", RecordType, id.ToString(), "no such record").For(Action);
                }
                var refusal = facts.Purged ? "already purged"
                    : heldBy.Count > 0 ? $"under legal hold by case {string.Join(", ", heldBy)}"
                    : facts.Blocked;
                if (refusal is not null)
                {
                    throw HubException.FailedPrecondition("record_id", refusal, RecordType, id.ToString()).For(Action);
                }
            }
            else if (facts is null || facts.Purged || heldBy.Count > 0 || facts.Blocked is not null
                || facts.ReviewDue(kind.Review(options)) > scheduledAtUtc.Value - options.Grace)
            {
                continue;
            }
            kind.Purge(context, id, scheduledAtUtc is null ? "retention: " + reason : "retention");
            context.Audit(Action, RecordType, id.ToString(), scheduledAtUtc is null ? "purged by the centre" : "purged on schedule: past review and grace");
            purged.Add(facts!);
        }
        if (purged.Count == 0)
        {
            context.Audit(Action, RecordType, null, "nothing left to purge: kept, held or purged meanwhile");
        }
        context.RecordId = purged.FirstOrDefault()?.Id.ToString();
        return () => purged.Count == 1
            ? RetentionFacts.ToProto(kind.Find(context.Db, options, purged[0].Id)!, kind.Review(options), options.Grace, [])
            : new RetainedRecord { Kind = kind.Kind };
    }
}

/// <summary>Keeps a record until a later date, with the centre's reason.</summary>
internal sealed class KeepRecordChange(IRetainedKind kind, Guid id, DateTime keepUntilUtc, string reason, RetentionOptions options) : RecordChange<RetainedRecord>
{
    public override string Action => "retention.extend";
    public override string RecordType => kind.RecordType;

    public override Func<RetainedRecord> Apply(RecordContext context)
    {
        var facts = kind.Find(context.Db, options, id)
            ?? throw HubException.NotFound("record_id", $"{kind.RecordType} {id}", RecordType, id.ToString(), "no such record").For(Action);
        if (facts.Purged)
        {
            throw HubException.FailedPrecondition("record_id", "already purged: nothing left to keep", RecordType, id.ToString()).For(Action);
        }
        kind.Keep(context.Db, id, keepUntilUtc, reason);
        context.RecordId = id.ToString();
        context.Audit(Action, RecordType, id.ToString(), $"kept until {keepUntilUtc:O}");
        var heldBy = RetentionHolds.Read(context.Db).HeldBy(facts);
        return () => RetentionFacts.ToProto(facts with { KeepUntilUtc = keepUntilUtc, KeepReason = reason }, kind.Review(options), options.Grace, heldBy);
    }
}

public static class RetentionFacts
{
    public static RetainedRecord ToProto(RetainedFacts facts, TimeSpan review, TimeSpan grace, IReadOnlyList<string> heldBy)
    {
        var due = facts.ReviewDue(review);
        var record = new RetainedRecord
        {
            Kind = facts.Kind,
            RecordId = facts.Id.ToString(),
            Originator = facts.Originator,
            StoredAt = Utc(facts.StoredAtUtc),
            ReviewDueAt = Utc(due),
            Withdrawal = facts.Withdrawal,
            ExtensionReason = facts.KeepReason,
        };
        record.HeldByCases.AddRange(heldBy);
        if (heldBy.Count == 0 && !facts.Purged && facts.Blocked is null)
        {
            record.PurgeAt = Utc(due + grace);
        }
        return record;
    }

    private static Google.Protobuf.WellKnownTypes.Timestamp Utc(DateTime at) =>
        Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.SpecifyKind(at, DateTimeKind.Utc));
}
