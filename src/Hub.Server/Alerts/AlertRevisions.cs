using Google.Protobuf;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.ErrorHandling;
using Hub.Server.Records;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Alerts;

/// <summary>
/// What every change to a stored alert shares: finding it inside the commit (where nothing
/// changes it underneath), the version check, and the answer as the caller reads the alert.
/// </summary>
internal abstract class AlertRevision(Caller caller, Guid alertId, string action, string idempotencyKey, IMessage request) : RecordChange<ChangeAlertResponse>
{
    protected Caller Caller => caller;
    protected Guid AlertId => alertId;

    public override string Action => action;
    public override string RecordType => SeizureAlertsService.RecordType;

    public override IdempotencyClaim? Idempotency =>
        idempotencyKey.Length == 0 ? null : new IdempotencyClaim($"{action}:{caller.Country}", idempotencyKey, request);

    /// <summary>The alert if the caller's country reported it; NOT_FOUND otherwise, whether or not it exists or is readable.</summary>
    protected AlertRecord OwnAlert(RecordContext context)
    {
        var alert = context.Db.Set<AlertRecord>().Include(a => a.Items).FirstOrDefault(a => a.Id == alertId);
        if (alert is null || alert.ReportingCountry != caller.Country)
        {
            throw HubException.NotFound("alert_id", $"alert {alertId} of {caller.Country}", RecordType, alertId.ToString(),
                alert is null ? "no such alert" : $"reported by {alert.ReportingCountry}").For(action);
        }
        var decision = context.Policy.CanPostFor(caller, alert.ReportingCountry);
        if (!decision.Allowed)
        {
            throw HubException.Denied(decision.Reason, RecordType, alertId.ToString()).For(action);
        }
        return alert;
    }

    protected void RequireNotWithdrawn(AlertRecord alert)
    {
        if (alert.IsWithdrawn())
        {
            throw HubException.FailedPrecondition("alert_id", "the alert is withdrawn and can no longer change", RecordType, alert.Id.ToString()).For(action);
        }
    }

    protected void RequireVersion(AlertRecord alert, int expected)
    {
        if (alert.Version != expected)
        {
            throw HubException.FailedPrecondition("expected_version",
                $"the alert is at version {alert.Version}, not {expected}: read it and change that version", RecordType, alert.Id.ToString()).For(action);
        }
    }

    /// <summary>The response once saved: the alert as the caller now reads it.</summary>
    protected Func<ChangeAlertResponse> Answer(RecordContext context, AlertRecord alert, string detail)
    {
        context.RecordId = alert.Id.ToString();
        return () =>
        {
            context.Audit(action, RecordType, alert.Id.ToString(), detail);
            return new ChangeAlertResponse { Alert = AlertMapping.ToProto(alert, AlertMapping.ReadSight(context.Policy, caller, alert)) };
        };
    }

    public override ChangeAlertResponse AsRetry(ChangeAlertResponse stored)
    {
        stored.Duplicate = true;
        return stored;
    }
}

/// <summary>
/// A correction or a release change: the next version of the alert's content, the current
/// one kept in the versions table. A change of distribution or addressees raises
/// <c>released</c> with the release before it, so that countries that lose the alert hear so.
/// </summary>
internal sealed class ReviseAlertChange(Caller caller, Guid alertId, string action, int expectedVersion, string reason,
    Func<SeizureAlertContent, SeizureAlertContent> revise, string idempotencyKey, IMessage request)
    : AlertRevision(caller, alertId, action, idempotencyKey, request)
{
    public override Func<ChangeAlertResponse> Apply(RecordContext context)
    {
        var alert = OwnAlert(context);
        RequireNotWithdrawn(alert);
        RequireVersion(alert, expectedVersion);
        var current = ProtoJson.Parser.Parse<SeizureAlertContent>(alert.ContentJson);
        var next = revise(current.Clone());
        if (next.Equals(current))
        {
            throw HubException.FailedPrecondition("alert", "the alert already reads so: nothing to change", RecordType, alert.Id.ToString()).For(Action);
        }
        var (priorDistribution, priorAddressed) = (alert.Distribution, alert.AddressedCountries);
        var countedBefore = Statistics.SeizureTallies.Counted(alert, current);
        alert.Supersede(context, RecordType, alert.Id.ToString(), alert.ReceivedAtUtc, alert.ContentJson, reason);
        alert.ContentJson = ProtoJson.Formatter.Format(next);
        alert.SeizedAtUtc = next.SeizedAt.ToDateTime();
        alert.Distribution = next.Distribution;
        alert.HandlingCode = next.HandlingCode;
        alert.AddressedCountries = string.Join(',', next.AddressedCountries);
        alert.Items.Clear();
        alert.Items.AddRange(PostAlertChange.ItemsOf(next));
        Statistics.SeizureTallies.Replace(context.Db, countedBefore, Statistics.SeizureTallies.Counted(alert, next));
        var releaseChanged = alert.Distribution != priorDistribution || alert.AddressedCountries != priorAddressed;
        AlertFeedKind.Raise(context, alert, releaseChanged ? AlertEventTypes.Released : AlertEventTypes.Corrected,
            releaseChanged ? new AlertChangeFacts(alert.Version, reason, priorDistribution, priorAddressed) : new AlertChangeFacts(alert.Version, reason));
        context.Index(RecordType, alert.Id.ToString(), alert.ReportingCountry, AlertMapping.AccessOf(alert), AlertMapping.PartsOf(next));
        return Answer(context, alert, releaseChanged
            ? $"version {alert.Version}; release {ProtoEnums.Name(priorDistribution)}({priorAddressed}) -> {ProtoEnums.Name(alert.Distribution)}({alert.AddressedCountries})"
            : $"version {alert.Version}; corrected");
    }
}

/// <summary>A withdrawal by the originator, or by the centre's operators with a legal basis.</summary>
internal sealed class WithdrawAlertChange(Caller caller, Guid alertId, int expectedVersion, string reason, string legalBasis, string idempotencyKey, IMessage request)
    : AlertRevision(caller, alertId, "alert.withdraw", idempotencyKey, request)
{
    public override Func<ChangeAlertResponse> Apply(RecordContext context)
    {
        var alert = context.Db.Set<AlertRecord>().Include(a => a.Items).FirstOrDefault(a => a.Id == AlertId)
            ?? throw HubException.NotFound("alert_id", $"alert {AlertId}", RecordType, AlertId.ToString(), "no such alert").For(Action);
        var cause = RecordRevisions.WithdrawerCause(context, alert.ReportingCountry, legalBasis, Action, RecordType, "alert_id", AlertId.ToString());
        RequireNotWithdrawn(alert);
        if (expectedVersion != 0)
        {
            RequireVersion(alert, expectedVersion);
        }
        Statistics.SeizureTallies.Replace(context.Db, Statistics.SeizureTallies.Counted(alert), []);
        alert.Withdraw(context, RecordType, alert.Id.ToString(), cause, reason, legalBasis);
        AlertFeedKind.Raise(context, alert, AlertEventTypes.Withdrawn, new AlertChangeFacts(alert.Version, reason));
        return Answer(context, alert, $"version {alert.Version}; withdrawn ({ProtoEnums.Name(cause)})");
    }
}
