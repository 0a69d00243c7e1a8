using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Hub.Contracts.V1;
using Hub.Server.Cases;
using Hub.Server.Data;
using Hub.Server.ErrorHandling;
using Hub.Server.Records;
using Hub.Server.Retention;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Alerts;

/// <summary>Retention of alerts: which are due, which are held, and the facts the review list shows.</summary>
public static class AlertRetention
{
    /// <summary>Alerts whose review date is at or before <paramref name="atUtc"/> and that are not purged.</summary>
    public static IQueryable<AlertRecord> DueBy(HubDbContext db, RetentionOptions options, DateTime atUtc)
    {
        var storedBy = atUtc - options.AlertReview;
        return db.Set<AlertRecord>().Where(a => a.WithdrawalCause != WithdrawalCause.Retention
            && (a.KeepUntilUtc == null ? a.ReceivedAtUtc <= storedBy : a.KeepUntilUtc <= atUtc));
    }

    public static DateTime ReviewDue(AlertRecord alert, RetentionOptions options) => alert.KeepUntilUtc ?? alert.ReceivedAtUtc + options.AlertReview;

    /// <summary>Alert id → the held cases that link it (few cases are held; their links are read whole).</summary>
    public static Dictionary<string, List<string>> Holds(HubDbContext db)
    {
        var holds = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var held in db.Set<CaseRecord>().AsNoTracking().Where(c => c.LegalHold).Select(c => new { c.Id, c.LinkedAlertIds }).ToList())
        {
            foreach (var alertId in held.LinkedAlertIds.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                (holds.TryGetValue(alertId, out var cases) ? cases : holds[alertId] = []).Add(held.Id.ToString());
            }
        }
        return holds;
    }

    public static RetainedRecord ToRetained(AlertRecord alert, RetentionOptions options, IReadOnlyList<string> heldBy)
    {
        var due = ReviewDue(alert, options);
        var record = new RetainedRecord
        {
            Kind = RetainedKind.Alert,
            RecordId = alert.Id.ToString(),
            Originator = alert.ReportingCountry,
            StoredAt = Utc(alert.ReceivedAtUtc),
            ReviewDueAt = Utc(due),
            Withdrawal = RecordRevisions.WithdrawalOf(alert),
            ExtensionReason = alert.KeepReason,
        };
        record.HeldByCases.AddRange(heldBy);
        if (heldBy.Count == 0 && alert.WithdrawalCause != WithdrawalCause.Retention)
        {
            record.PurgeAt = Utc(due + options.Grace);
        }
        return record;
    }

    private static Timestamp Utc(DateTime at) => Timestamp.FromDateTime(DateTime.SpecifyKind(at, DateTimeKind.Utc));
}

/// <summary>
/// Purges alerts: their content, every version's included, and the answers kept for their
/// idempotency keys, in one commit with a <c>withdrawn</c> event each (cause RETENTION), so
/// that every channel withdraws them. On schedule, an alert kept or held meanwhile is left.
/// </summary>
internal sealed class PurgeAlertsChange(IReadOnlyList<Guid> ids, string reason, RetentionOptions options, DateTime? scheduledAtUtc) : RecordChange<RetainedRecord>
{
    public override string Action => "retention.purge";
    public override string RecordType => SeizureAlertsService.RecordType;

    public override Func<RetainedRecord> Apply(RecordContext context)
    {
        var holds = AlertRetention.Holds(context.Db);
        var alerts = context.Db.Set<AlertRecord>().Include(a => a.Items).Where(a => ids.Contains(a.Id)).ToList();
        if (scheduledAtUtc is null)
        {
            var alert = alerts.SingleOrDefault() ?? throw HubException.NotFound("record_id", $"alert {ids[0]}", RecordType, ids[0].ToString(), "no such alert").For(Action);
            if (alert.WithdrawalCause == WithdrawalCause.Retention)
            {
                throw HubException.FailedPrecondition("record_id", "already purged", RecordType, alert.Id.ToString()).For(Action);
            }
            if (holds.TryGetValue(alert.Id.ToString(), out var cases))
            {
                throw HubException.FailedPrecondition("record_id", $"under legal hold by case {string.Join(", ", cases)}", RecordType, alert.Id.ToString()).For(Action);
            }
        }
        else
        {
            var purgeBy = scheduledAtUtc.Value - options.Grace;
            alerts = [.. alerts.Where(a => a.WithdrawalCause != WithdrawalCause.Retention && !holds.ContainsKey(a.Id.ToString())
                && AlertRetention.ReviewDue(a, options) <= purgeBy)];
        }
        var purged = alerts.Select(a => a.Id.ToString()).ToList();
        foreach (var version in context.Db.Set<RecordVersionRow>().Where(v => v.RecordType == RecordType && purged.Contains(v.RecordId)))
        {
            version.ContentJson = "";
        }
        foreach (var alert in alerts)
        {
            alert.ContentJson = "";
            alert.Items.Clear();
            alert.Withdraw(context, WithdrawalCause.Retention, scheduledAtUtc is null ? "retention: " + reason : "retention", "");
            AlertFeedKind.Raise(context, alert, AlertEventTypes.Withdrawn, new AlertChangeFacts(alert.Version, alert.WithdrawalReason));
            context.Audit(Action, RecordType, alert.Id.ToString(), scheduledAtUtc is null ? "purged by the centre" : "purged on schedule: past review and grace");
        }
        if (purged.Count > 0)
        {
            // A retry under an old key must not bring the content back: its kept answer becomes the withdrawal.
            foreach (var key in context.Db.IdempotencyKeys.Where(k => k.Scope.StartsWith("alert") && purged.Contains(k.RecordId)))
            {
                var alert = alerts.First(a => a.Id.ToString() == key.RecordId);
                key.Response = new PostAlertResponse { Alert = AlertMapping.ToProto(alert) }.ToByteArray();
            }
        }
        else
        {
            context.Audit(Action, RecordType, null, "nothing left to purge: kept, held or purged meanwhile");
        }
        context.RecordId = purged.FirstOrDefault();
        return () => alerts.Count == 1 ? AlertRetention.ToRetained(alerts[0], options, []) : new RetainedRecord { Kind = RetainedKind.Alert };
    }
}

/// <summary>Keeps an alert until a later date, with the centre's reason.</summary>
internal sealed class ExtendAlertRetentionChange(Guid id, DateTime keepUntilUtc, string reason, RetentionOptions options) : RecordChange<RetainedRecord>
{
    public override string Action => "retention.extend";
    public override string RecordType => SeizureAlertsService.RecordType;

    public override Func<RetainedRecord> Apply(RecordContext context)
    {
        var alert = context.Db.Set<AlertRecord>().FirstOrDefault(a => a.Id == id)
            ?? throw HubException.NotFound("record_id", $"alert {id}", RecordType, id.ToString(), "no such alert").For(Action);
        if (alert.WithdrawalCause == WithdrawalCause.Retention)
        {
            throw HubException.FailedPrecondition("record_id", "already purged: nothing left to keep", RecordType, id.ToString()).For(Action);
        }
        alert.KeepUntilUtc = keepUntilUtc;
        alert.KeepReason = reason;
        context.RecordId = id.ToString();
        context.Audit(Action, RecordType, id.ToString(), $"kept until {keepUntilUtc:O}");
        var heldBy = AlertRetention.Holds(context.Db).GetValueOrDefault(id.ToString()) ?? [];
        return () => AlertRetention.ToRetained(alert, options, heldBy);
    }
}
