using Google.Protobuf;
using Hub.Contracts.V1;
using Hub.Server.Data;
using Hub.Server.Records;
using Hub.Server.Retention;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Alerts;

/// <summary>Alerts under retention: due from when they were stored; a purge empties the alert and its versions.</summary>
public sealed class AlertRetainedKind : IRetainedKind
{
    public RetainedKind Kind => RetainedKind.Alert;
    public string RecordType => SeizureAlertsService.RecordType;

    public TimeSpan Review(RetentionOptions options) => options.AlertReview;

    public async Task<List<RetainedFacts>> DueAsync(HubDbContext db, RetentionOptions options, DateTime atUtc, int limit, CancellationToken ct)
    {
        var storedBy = atUtc - options.AlertReview;
        var due = await db.Set<AlertRecord>().AsNoTracking()
            .Where(a => a.WithdrawalCause != WithdrawalCause.Retention && (a.KeepUntilUtc == null ? a.ReceivedAtUtc <= storedBy : a.KeepUntilUtc <= atUtc))
            .OrderBy(a => a.Sequence).Take(limit).ToListAsync(ct);
        return [.. due.Select(Facts)];
    }

    public RetainedFacts? Find(HubDbContext db, RetentionOptions options, Guid id) =>
        db.Set<AlertRecord>().FirstOrDefault(a => a.Id == id) is { } alert ? Facts(alert) : null;

    public void Keep(HubDbContext db, Guid id, DateTime untilUtc, string reason)
    {
        var alert = db.Set<AlertRecord>().First(a => a.Id == id);
        (alert.KeepUntilUtc, alert.KeepReason) = (untilUtc, reason);
    }

    public void Purge(RecordContext context, Guid id, string reason)
    {
        var alert = context.Db.Set<AlertRecord>().Include(a => a.Items).First(a => a.Id == id);
        Statistics.SeizureTallies.Replace(context.Db, Statistics.SeizureTallies.Counted(alert), []);
        alert.ContentJson = "";
        alert.Items.Clear();
        StoredAnswers.PurgeVersions(context.Db, RecordType, id.ToString());
        alert.Withdraw(context, RecordType, id.ToString(), WithdrawalCause.Retention, reason, "");
        AlertFeedKind.Raise(context, alert, AlertEventTypes.Withdrawn, new AlertChangeFacts(alert.Version, reason));
        StoredAnswers.Replace(context.Db, [id.ToString()], _ => new PostAlertResponse { Alert = AlertMapping.ToProto(alert) }.ToByteArray());
    }

    private static RetainedFacts Facts(AlertRecord a) => new(RetainedKind.Alert, a.Id, a.ReportingCountry, a.ReceivedAtUtc, a.KeepUntilUtc, a.KeepReason,
        a.WithdrawalCause == WithdrawalCause.Retention, RecordRevisions.WithdrawalOf(a));
}
