using Grpc.Core;
using Hub.Client;
using Hub.Contracts.V1;
using Hub.Tests.Records;
using Microsoft.EntityFrameworkCore;

namespace Hub.Tests.Revisions;

/// <summary>
/// Corrections, release changes and withdrawals of alerts as callers see them: the version
/// and its history, the refusals, and what every stream replays afterwards — never the
/// withdrawn content, and a withdrawal for those a narrowing left out.
/// </summary>
public sealed class AlertRevisionTests(HubFactory hub) : IClassFixture<HubFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(SeizureAlerts.SeizureAlertsClient Kaz, SeizureAlert Alert)> PostAsync(Distribution distribution = Distribution.Members)
    {
        var kaz = await hub.AgencyAlertsClientAsync("KAZ");
        var request = SampleAlerts.HeroinAtKorday("KAZ");
        request.Alert.Distribution = distribution;
        return (kaz, (await kaz.PostAlertAsync(request, cancellationToken: Ct)).Alert);
    }

    internal static CorrectAlertRequest Correction(SeizureAlert alert, double quantity, string reason = "the scales were misread", int? version = null)
    {
        var content = alert.Content.Clone();
        content.Items[0].Quantity = quantity;
        foreach (var item in content.Items)
        {
            item.NormalizedQuantity = 0;
            item.NormalizedDimension = QuantityDimension.Unspecified;
        }
        return new CorrectAlertRequest { AlertId = alert.Id, ExpectedVersion = version ?? alert.Version, Reason = reason, Alert = content };
    }

    [Fact]
    public async Task A_correction_makes_version_2_and_the_history_keeps_both()
    {
        var (kaz, alert) = await PostAsync();
        Assert.Equal(1, alert.Version);
        Assert.False(alert.Corrected);

        var corrected = (await kaz.CorrectAlertAsync(Correction(alert, 14.2), cancellationToken: Ct)).Alert;
        Assert.Equal(2, corrected.Version);
        Assert.True(corrected.Corrected);
        Assert.Equal("the scales were misread", corrected.VersionReason);
        Assert.Equal(14.2, corrected.Content.Items[0].Quantity);
        Assert.Equal(14.2, corrected.Content.Items[0].NormalizedQuantity);

        var operatorClient = await hub.OperatorAlertsClientAsync();
        var read = await operatorClient.GetAlertAsync(new GetAlertRequest { Id = alert.Id }, cancellationToken: Ct);
        Assert.Equal(2, read.Version);
        Assert.Equal(alert.Sequence, read.Sequence);
        var history = await operatorClient.GetAlertHistoryAsync(new GetAlertHistoryRequest { Id = alert.Id }, cancellationToken: Ct);
        Assert.Equal([1, 2], history.Versions.Select(v => v.Version));
        Assert.Equal(12.4, history.Versions[0].Content.Items[0].Quantity);
        Assert.Equal(14.2, history.Versions[1].Content.Items[0].Quantity);
        Assert.Equal("the scales were misread", history.Versions[1].Reason);

        // Substance filters and statistics read the item rows: they follow the correction.
        var heroin = await operatorClient.ListAlertsAsync(new ListAlertsRequest { Substance = Substance.Heroin, ReportingCountry = "KAZ", PageSize = 200 }, cancellationToken: Ct);
        Assert.Equal(14.2, heroin.Alerts.Single(a => a.Id == alert.Id).Content.Items[0].Quantity);
    }

    [Fact]
    public async Task Refusals_name_what_is_wrong_and_change_nothing()
    {
        var (kaz, alert) = await PostAsync();
        var kgz = await hub.AgencyAlertsClientAsync("KGZ");

        // Another country's alert, readable or not, is not found for correction.
        var other = await Assert.ThrowsAsync<RpcException>(() => kgz.CorrectAlertAsync(Correction(alert, 1), cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, other.StatusCode);
        var otherWithdraw = await Assert.ThrowsAsync<RpcException>(() => kgz.WithdrawAlertAsync(new WithdrawAlertRequest { AlertId = alert.Id, Reason = "not ours" }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, otherWithdraw.StatusCode);

        var missing = await Assert.ThrowsAsync<RpcException>(() => kaz.CorrectAlertAsync(Correction(alert, 1, reason: " "), cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, missing.StatusCode);
        Assert.StartsWith("reason: required", missing.Status.Detail);
        var tooLong = await Assert.ThrowsAsync<RpcException>(() => kaz.CorrectAlertAsync(Correction(alert, 1, reason: new string('x', 1001)), cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, tooLong.StatusCode);
        Assert.Contains("reason: at most 1000", tooLong.Status.Detail);
        var noVersion = await Assert.ThrowsAsync<RpcException>(() => kaz.CorrectAlertAsync(Correction(alert, 1, version: 0), cancellationToken: Ct).ResponseAsync);
        Assert.Contains("expected_version", noVersion.Status.Detail);
        var otherCountry = Correction(alert, 1);
        otherCountry.Alert.ReportingCountry = "UZB";
        var moved = await Assert.ThrowsAsync<RpcException>(() => kaz.CorrectAlertAsync(otherCountry, cancellationToken: Ct).ResponseAsync);
        Assert.Contains("alert.reporting_country", moved.Status.Detail);

        var unchanged = await kaz.GetAlertAsync(new GetAlertRequest { Id = alert.Id }, cancellationToken: Ct);
        Assert.Equal(1, unchanged.Version);
        // Refused inside the commit too (another country's, a stale version): nothing half-written —
        // no superseded version, no feed event, no allowed audit entry.
        var staleVersion = await Assert.ThrowsAsync<RpcException>(() => kaz.CorrectAlertAsync(Correction(alert, 1, version: 7), cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, staleVersion.StatusCode);
        var alertId = Guid.Parse(alert.Id);
        Assert.Equal(0, await hub.WithDbAsync(db => db.Set<Hub.Server.Records.RecordVersionRow>().CountAsync(v => v.RecordId == alert.Id, Ct)));
        Assert.Equal(1, await hub.WithDbAsync(db => db.Set<Hub.Server.Alerts.AlertEventRow>().CountAsync(e => e.AlertId == alertId, Ct)));
        Assert.Equal(0, await hub.WithDbAsync(db => db.AuditTrail.CountAsync(e => e.RecordId == alert.Id && e.Action == "alert.correct" && e.Outcome == "allowed", Ct)));

        await kaz.WithdrawAlertAsync(new WithdrawAlertRequest { AlertId = alert.Id, Reason = "posted by mistake" }, cancellationToken: Ct);
        var afterWithdrawal = await Assert.ThrowsAsync<RpcException>(() => kaz.CorrectAlertAsync(Correction(alert, 1), cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, afterWithdrawal.StatusCode);
        Assert.Contains("withdrawn", afterWithdrawal.Status.Detail);
        var twice = await Assert.ThrowsAsync<RpcException>(() => kaz.WithdrawAlertAsync(new WithdrawAlertRequest { AlertId = alert.Id, Reason = "again" }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, twice.StatusCode);
    }

    [Fact]
    public async Task Of_two_concurrent_corrections_one_wins_and_the_other_learns_the_current_version()
    {
        var (kaz, alert) = await PostAsync();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 2).Select(async i =>
        {
            try
            {
                return ((SeizureAlert?)(await kaz.CorrectAlertAsync(Correction(alert, 20 + i), cancellationToken: Ct)).Alert, (RpcException?)null);
            }
            catch (RpcException ex)
            {
                return ((SeizureAlert?)null, (RpcException?)ex);
            }
        }));
        var won = Assert.Single(outcomes, o => o.Item1 is not null);
        var lost = Assert.Single(outcomes, o => o.Item2 is not null).Item2!;
        Assert.Equal(2, won.Item1!.Version);
        Assert.Equal(StatusCode.FailedPrecondition, lost.StatusCode);
        Assert.Contains("at version 2", lost.Status.Detail);
        Assert.StartsWith("expected_version", lost.Status.Detail);
    }

    [Fact]
    public async Task The_centre_withdraws_only_with_a_legal_basis_and_only_as_an_operator()
    {
        var (_, alert) = await PostAsync();
        var analyst = hub.CreateAlertsClient(await hub.PersonTokenAsync("analyst"));
        var denied = await Assert.ThrowsAsync<RpcException>(() => analyst.WithdrawAlertAsync(new WithdrawAlertRequest { AlertId = alert.Id, Reason = "court order", LegalBasis = "Order 12/2026" }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        var operatorClient = await hub.OperatorAlertsClientAsync();
        var noBasis = await Assert.ThrowsAsync<RpcException>(() => operatorClient.WithdrawAlertAsync(new WithdrawAlertRequest { AlertId = alert.Id, Reason = "court order" }, cancellationToken: Ct).ResponseAsync);
        Assert.Contains("legal_basis", noBasis.Status.Detail);

        var withdrawn = (await operatorClient.WithdrawAlertAsync(new WithdrawAlertRequest { AlertId = alert.Id, Reason = "court order", LegalBasis = "Order 12/2026" }, cancellationToken: Ct)).Alert;
        Assert.Equal(WithdrawalCause.Centre, withdrawn.Withdrawal.Cause);
        Assert.Equal("Order 12/2026", withdrawn.Withdrawal.LegalBasis);
        Assert.NotNull(withdrawn.Content);
    }

    [Fact]
    public async Task A_withdrawn_alert_leaves_lists_and_its_content_stays_with_the_originator_and_the_centre()
    {
        var (kaz, alert) = await PostAsync();
        await kaz.WithdrawAlertAsync(new WithdrawAlertRequest { AlertId = alert.Id, Reason = "the source must be protected", ExpectedVersion = 1 }, cancellationToken: Ct);

        var kgz = await hub.AgencyAlertsClientAsync("KGZ");
        var seen = await kgz.GetAlertAsync(new GetAlertRequest { Id = alert.Id }, cancellationToken: Ct);
        Assert.Equal(WithdrawalCause.Originator, seen.Withdrawal.Cause);
        Assert.Equal("the source must be protected", seen.Withdrawal.Reason);
        Assert.Equal("KAZ", seen.Withdrawal.WithdrawnByCountry);
        Assert.Null(seen.Content);
        var history = await kgz.GetAlertHistoryAsync(new GetAlertHistoryRequest { Id = alert.Id }, cancellationToken: Ct);
        Assert.All(history.Versions, v => Assert.Null(v.Content));

        Assert.NotNull((await kaz.GetAlertAsync(new GetAlertRequest { Id = alert.Id }, cancellationToken: Ct)).Content);
        Assert.NotNull((await (await hub.OperatorAlertsClientAsync()).GetAlertAsync(new GetAlertRequest { Id = alert.Id }, cancellationToken: Ct)).Content);

        var listed = await kgz.ListAlertsAsync(new ListAlertsRequest { ReportingCountry = "KAZ", PageSize = 200 }, cancellationToken: Ct);
        Assert.DoesNotContain(listed.Alerts, a => a.Id == alert.Id);
        var withWithdrawn = await kgz.ListAlertsAsync(new ListAlertsRequest { ReportingCountry = "KAZ", PageSize = 200, IncludeWithdrawn = true }, cancellationToken: Ct);
        Assert.Null(Assert.Single(withWithdrawn.Alerts, a => a.Id == alert.Id).Content);
    }

    [Fact]
    public async Task After_correct_narrow_withdraw_every_replay_from_0_carries_no_withdrawn_content()
    {
        var (kaz, alert) = await PostAsync();
        var v2 = (await kaz.CorrectAlertAsync(Correction(alert, 13), cancellationToken: Ct)).Alert;
        var v3 = (await kaz.ChangeAlertReleaseAsync(new ChangeAlertReleaseRequest
        {
            AlertId = alert.Id, ExpectedVersion = v2.Version, Reason = "the source is in Uzbekistan", Distribution = Distribution.Addressed, AddressedCountries = { "KGZ" },
        }, cancellationToken: Ct)).Alert;
        Assert.Equal(3, v3.Version);
        await kaz.WithdrawAlertAsync(new WithdrawAlertRequest { AlertId = alert.Id, Reason = "burned" }, cancellationToken: Ct);

        var uzb = await ReplayAsync("UZB", alert);
        var lost = Assert.Single(uzb);
        Assert.Equal(AlertEventType.Withdrawn, lost.Type);
        Assert.Equal(WithdrawalCause.NoLongerReleased, lost.Alert.Withdrawal.Cause);
        Assert.Null(lost.Alert.Content);
        await Assert.ThrowsAsync<RpcException>(() => hub.CreateAlertsClient(null).GetAlertAsync(new GetAlertRequest { Id = alert.Id }, cancellationToken: Ct).ResponseAsync);
        var uzbRead = await Assert.ThrowsAsync<RpcException>(async () => await (await hub.AgencyAlertsClientAsync("UZB")).GetAlertAsync(new GetAlertRequest { Id = alert.Id }, cancellationToken: Ct));
        Assert.Equal(StatusCode.NotFound, uzbRead.StatusCode);

        var kgz = await ReplayAsync("KGZ", alert);
        Assert.Equal([AlertEventType.Posted, AlertEventType.Corrected, AlertEventType.Released, AlertEventType.Withdrawn], kgz.Select(e => e.Type));
        Assert.All(kgz, e => Assert.Null(e.Alert.Content));
        Assert.All(kgz, e => Assert.Equal(WithdrawalCause.Originator, e.Alert.Withdrawal.Cause));
        Assert.Equal("the source is in Uzbekistan", kgz[2].Reason);
        Assert.True(kgz.Zip(kgz.Skip(1)).All(p => p.First.Sequence < p.Second.Sequence));

        // The originator still reads its own content on replay.
        var own = await ReplayAsync("KAZ", alert);
        Assert.All(own, e => Assert.Equal(13, e.Alert.Content.Items[0].Quantity));
    }

    [Fact]
    public async Task A_country_a_widening_lets_in_receives_the_whole_alert_as_released()
    {
        var (kaz, alert) = await PostAsync(Distribution.Originator);
        var uzb = await hub.AgencyAlertsClientAsync("UZB");
        using var call = uzb.WatchAlerts(new WatchAlertsRequest { AfterSequence = -1 }, cancellationToken: Ct);
        await using var live = new Received<AlertEvent>(call);
        await Eventually.WaitAsync(call.ResponseHeadersAsync, "the UZB watch to open");

        await kaz.ChangeAlertReleaseAsync(new ChangeAlertReleaseRequest
        {
            AlertId = alert.Id, ExpectedVersion = 1, Reason = "UZB's border service needs it", Distribution = Distribution.Addressed, AddressedCountries = { "UZB" },
        }, cancellationToken: Ct);
        var received = await live.NextAsync("the widened alert on UZB's watch");
        Assert.Equal(alert.Id, received.Alert.Id);
        Assert.Equal(AlertEventType.Released, received.Type);
        Assert.Equal("KAZ", received.Alert.Content.ReportingCountry);
        Assert.Equal(2, received.Alert.Version);
        Assert.NotNull(await uzb.GetAlertAsync(new GetAlertRequest { Id = alert.Id }, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_record_keeps_at_most_100_versions()
    {
        var (kaz, alert) = await PostAsync();
        for (var version = 1; version < 100; version++)
        {
            alert = (await kaz.CorrectAlertAsync(Correction(alert, 10 + version, version: version), cancellationToken: Ct)).Alert;
        }
        Assert.Equal(100, alert.Version);
        var full = await Assert.ThrowsAsync<RpcException>(() => kaz.CorrectAlertAsync(Correction(alert, 5), cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, full.StatusCode);
        Assert.Contains("100 versions", full.Status.Detail);
    }

    /// <summary>A country's agency replays the alert feed from 0 and keeps what concerns <paramref name="alert"/>.</summary>
    private async Task<List<AlertEvent>> ReplayAsync(string country, SeizureAlert alert)
    {
        var client = await hub.AgencyAlertsClientAsync(country);
        using var call = client.WatchAlerts(new WatchAlertsRequest { AfterSequence = 0 }, cancellationToken: Ct);
        await using var received = new Received<AlertEvent>(call);
        // A marker posted after everything else: once it arrives, the replay is complete.
        var marker = (await (await hub.AgencyAlertsClientAsync("KGZ")).PostAlertAsync(SampleAlerts.HeroinAtKorday("KGZ"), cancellationToken: Ct)).Alert;
        var events = new List<AlertEvent>();
        while (true)
        {
            var next = await received.NextAsync($"{country}'s replay to reach the marker");
            if (next.Alert.Id == marker.Id)
            {
                return events;
            }
            if (next.Alert.Id == alert.Id)
            {
                events.Add(next);
            }
        }
    }
}
