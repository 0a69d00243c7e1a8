using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Audit;
using Hub.Server.ErrorHandling;
using Hub.Server.Records;
using Hub.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Alerts;

/// <summary>Corrections, release changes, withdrawals and the history of alerts.</summary>
public sealed partial class SeizureAlertsService
{
    public override async Task<ChangeAlertResponse> CorrectAlert(CorrectAlertRequest request, ServerCallContext context)
    {
        var errors = AlertValidator.ValidateCorrection(request, clock.GetUtcNow(), out var alertId);
        var caller = CallerOf(context);
        if (request.Alert is not null)
        {
            AlertDirectoryChecks.Check(directory, request.Alert, errors);
        }
        errors.ThrowIfAny();
        var (_, content) = Normalized(request.Alert!);
        return await pipeline.WriteAsync(caller, new ReviseAlertChange(caller, alertId, "alert.correct", request.ExpectedVersion, request.Reason,
            // Checked against the stored alert, once the caller is known to be its originator:
            // another country's caller learns nothing but NOT_FOUND.
            current => current.ReportingCountry == content.ReportingCountry ? content.Clone() : throw HubException.Invalid("alert.reporting_country", "a correction cannot change the reporting country"),
            request.IdempotencyKey, request), context.CancellationToken);
    }

    public override async Task<ChangeAlertResponse> ChangeAlertRelease(ChangeAlertReleaseRequest request, ServerCallContext context)
    {
        var errors = AlertValidator.ValidateRelease(request, out var alertId);
        AlertDirectoryChecks.Check(directory, new SeizureAlertContent { AddressedCountries = { request.AddressedCountries } }, errors, "");
        errors.ThrowIfAny();
        var caller = CallerOf(context);
        return await pipeline.WriteAsync(caller, new ReviseAlertChange(caller, alertId, "alert.release", request.ExpectedVersion, request.Reason, current =>
        {
            current.Distribution = request.Distribution;
            current.AddressedCountries.Clear();
            current.AddressedCountries.AddRange(request.AddressedCountries);
            return current;
        }, request.IdempotencyKey, request), context.CancellationToken);
    }

    public override async Task<ChangeAlertResponse> WithdrawAlert(WithdrawAlertRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var alertId = RevisionFields.Check(request.AlertId, "alert_id", request.ExpectedVersion, false, request.Reason, request.IdempotencyKey, errors);
        TextFields.Text(request.LegalBasis, "legal_basis", RecordRevisions.MaxLegalBasis, errors, required: false, singleLine: true);
        errors.ThrowIfAny();
        var caller = CallerOf(context);
        return await pipeline.WriteAsync(caller, new WithdrawAlertChange(caller, alertId, request.ExpectedVersion, request.Reason, request.LegalBasis,
            request.IdempotencyKey, request), context.CancellationToken);
    }

    public override async Task<AlertHistory> GetAlertHistory(GetAlertHistoryRequest request, ServerCallContext context)
    {
        if (!Guid.TryParse(request.Id, out var id))
        {
            throw HubException.Invalid("id", "must be a UUID");
        }
        var caller = CallerOf(context);
        var (record, sight) = await ReadableAsync(caller, id, "id", "alert.history", context.CancellationToken);
        var recordId = id.ToString();
        var earlier = await db.Set<RecordVersionRow>().AsNoTracking()
            .Where(v => v.RecordType == RecordType && v.RecordId == recordId).OrderBy(v => v.Version).ToListAsync(context.CancellationToken);
        var history = new AlertHistory { Id = recordId, Withdrawal = RecordRevisions.WithdrawalOf(record) };
        var withheld = sight != Sight.Full;
        history.Versions.AddRange(earlier.Select(v => Version(v.Version, v.MadeAtUtc, v.MadeBy, v.Reason, withheld ? "" : v.ContentJson)));
        history.Versions.Add(Version(record.Version, record.VersionAtUtc ?? record.ReceivedAtUtc, record.VersionBy, record.VersionReason, withheld ? "" : record.ContentJson));
        await AuditAsync(caller, Channels.Grpc, "alert.history", AuditOutcomes.Allowed, recordId, $"{history.Versions.Count} versions{(withheld ? "; content withheld" : "")}", context.CancellationToken);
        return history;
    }

    private static AlertVersion Version(int version, DateTime atUtc, string by, string reason, string contentJson) => new()
    {
        Version = version,
        MadeAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.SpecifyKind(atUtc, DateTimeKind.Utc)),
        MadeBy = by,
        Reason = reason,
        Content = contentJson.Length == 0 ? null : ProtoJson.Parser.Parse<SeizureAlertContent>(contentJson),
    };
}
