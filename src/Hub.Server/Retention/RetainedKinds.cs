using Hub.Contracts.V1;
using Hub.Server.Data;
using Hub.Server.Records;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Retention;

/// <summary>
/// What a record kind supplies to retention: which of its records are due, their facts, and
/// how its content is kept longer or purged. The review list, the refusals, legal holds and
/// the pass are retention's own, the same for every kind.
/// </summary>
public interface IRetainedKind
{
    RetainedKind Kind { get; }
    string RecordType { get; }

    /// <summary>How long its records are kept before review.</summary>
    TimeSpan Review(RetentionOptions options);

    /// <summary>Up to <paramref name="limit"/> records due for review by <paramref name="atUtc"/> and not purged, oldest stored first.</summary>
    Task<List<RetainedFacts>> DueAsync(HubDbContext db, RetentionOptions options, DateTime atUtc, int limit, CancellationToken ct);

    /// <summary>Inside the commit: the record's facts, or null when there is none.</summary>
    RetainedFacts? Find(HubDbContext db, RetentionOptions options, Guid id);

    /// <summary>Inside the commit: keeps the record until then.</summary>
    void Keep(HubDbContext db, Guid id, DateTime untilUtc, string reason);

    /// <summary>
    /// Inside the commit: removes the record's content everywhere the hub holds it (the
    /// record, its versions, its stored events, the answers kept for its keys) and raises its
    /// withdrawn event (cause RETENTION) so that every channel withdraws it.
    /// </summary>
    void Purge(RecordContext context, Guid id, string reason);
}

/// <summary>What retention knows of a record: facts, never content.</summary>
/// <param name="CaseId">The case it belongs to (a message's, a delivery's), whose legal hold protects it.</param>
/// <param name="Blocked">Why it cannot be purged now, other than a hold (an operation still active).</param>
public sealed record RetainedFacts(RetainedKind Kind, Guid Id, string Originator, DateTime StoredAtUtc, DateTime? KeepUntilUtc, string KeepReason,
    bool Purged, Withdrawal? Withdrawal, Guid? CaseId = null, string? Blocked = null)
{
    public DateTime ReviewDue(TimeSpan review) => KeepUntilUtc ?? StoredAtUtc + review;
}

/// <summary>The legal holds in force: held cases, and the alerts they link (few cases are held; read whole).</summary>
public sealed class RetentionHolds
{
    private readonly Dictionary<Guid, string> _cases = [];
    private readonly Dictionary<string, List<string>> _linkedAlerts = new(StringComparer.OrdinalIgnoreCase);

    public static RetentionHolds Read(HubDbContext db)
    {
        var holds = new RetentionHolds();
        foreach (var held in db.Set<Cases.CaseRecord>().AsNoTracking().Where(c => c.LegalHold).Select(c => new { c.Id, c.LinkedAlertIds }).ToList())
        {
            holds._cases[held.Id] = held.Id.ToString();
            foreach (var alertId in held.LinkedAlertIds.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                (holds._linkedAlerts.TryGetValue(alertId, out var cases) ? cases : holds._linkedAlerts[alertId] = []).Add(held.Id.ToString());
            }
        }
        return holds;
    }

    public int Count => _cases.Count;

    /// <summary>The held cases that protect the record: its own case, or for an alert the cases linking it.</summary>
    public IReadOnlyList<string> HeldBy(RetainedFacts facts)
    {
        if (facts.CaseId is { } caseId && _cases.TryGetValue(caseId, out var held))
        {
            return [held];
        }
        return facts.Kind == RetainedKind.Alert ? _linkedAlerts.GetValueOrDefault(facts.Id.ToString()) ?? [] : [];
    }
}

/// <summary>Shared by the kinds' purges: the answers kept for a record's idempotency keys become its withdrawal.</summary>
public static class StoredAnswers
{
    /// <summary>One scan of the keys table per purge commit; a retry under an old key must not bring the content back.</summary>
    public static void Replace(HubDbContext db, IReadOnlyCollection<string> recordIds, Func<string, byte[]> withdrawn)
    {
        foreach (var key in db.IdempotencyKeys.Where(k => recordIds.Contains(k.RecordId)))
        {
            key.Response = withdrawn(key.RecordId);
        }
    }

    /// <summary>The record's superseded versions lose their content too.</summary>
    public static void PurgeVersions(HubDbContext db, string recordType, string recordId)
    {
        foreach (var version in db.Set<RecordVersionRow>().Where(v => v.RecordType == recordType && v.RecordId == recordId))
        {
            version.ContentJson = "";
        }
    }
}
