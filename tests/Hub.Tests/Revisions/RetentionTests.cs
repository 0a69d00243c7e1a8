using System.Collections.Concurrent;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Hub.Client;
using Hub.Contracts.V1;
using Hub.Server.Retention;
using Hub.Tests.Records;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Tests.Revisions;

/// <summary>
/// Retention on a clock the test moves: an alert past its period is listed for review, kept
/// or purged by the centre, purged by the hub after the grace time unless a case's legal
/// hold protects it; a purge reaches every channel as a withdrawal with reason retention,
/// removes the content everywhere, and leaves the audit trail's facts, still verifying.
/// </summary>
public sealed class RetentionTests
{
    private static readonly TimeSpan Review = TimeSpan.FromDays(3 * 365);
    private static readonly TimeSpan Grace = TimeSpan.FromDays(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Retention's clock, which the test moves; everything else (tokens included) keeps the real one.</summary>
    public sealed class MovableClock : TimeProvider
    {
        private long _offsetTicks;

        public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
    }

    public sealed class RetentionHub : HubFactory
    {
        public MovableClock Clock { get; } = new();

        protected override IEnumerable<(string Key, string Value)> ExtraSettings =>
        [
            ("Hub:Retention:AlertReview", Review.ToString("c")),
            ("Hub:Retention:Grace", Grace.ToString("c")),
            ("Hub:Retention:PassInterval", "00:00:00.200"),
        ];

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(s => s.AddKeyedSingleton<TimeProvider>(RetentionOptions.ClockKey, Clock));
        }
    }

    [Fact]
    public async Task An_alert_past_its_period_is_reviewed_then_purged_on_every_channel_while_a_held_one_stays()
    {
        using var hub = new RetentionHub();
        var kaz = await hub.AgencyAlertsClientAsync("KAZ");
        var alert = (await kaz.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct)).Alert;
        alert = (await kaz.CorrectAlertAsync(AlertRevisionTests.Correction(alert, 12.9), cancellationToken: Ct)).Alert;
        var held = (await kaz.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct)).Alert;
        var kazCases = new Contracts.V1.Cases.CasesClient(hub.CreateGrpcChannel(await hub.PersonTokenAsync("liaison.kaz")));
        var @case = await kazCases.OpenCaseAsync(new OpenCaseRequest
        {
            IdempotencyKey = "case-" + Guid.NewGuid().ToString("N")[..12], Title = "Korday heroin", OwnerCountry = "KAZ", LinkedAlertIds = { held.Id },
        }, cancellationToken: Ct);
        var retention = new Contracts.V1.Retention.RetentionClient(hub.CreateGrpcChannel(await hub.PersonTokenAsync("operator")));
        await retention.SetLegalHoldAsync(new SetLegalHoldRequest { CaseId = @case.Id, Hold = true, Reason = "prosecution pending" }, cancellationToken: Ct);

        Assert.DoesNotContain((await retention.ListDueForReviewAsync(new(), cancellationToken: Ct)).Records, r => r.RecordId == alert.Id);

        // Past its period: listed for review, with the date the hub will purge it.
        hub.Clock.Advance(Review + TimeSpan.FromDays(1));
        var due = (await retention.ListDueForReviewAsync(new() { PageSize = 200 }, cancellationToken: Ct)).Records;
        var listed = Assert.Single(due, r => r.RecordId == alert.Id);
        Assert.Equal("KAZ", listed.Originator);
        Assert.NotNull(listed.PurgeAt);
        Assert.Equal(@case.Id, Assert.Single(Assert.Single(due, r => r.RecordId == held.Id).HeldByCases));
        var notAnOperator = new Contracts.V1.Retention.RetentionClient(hub.CreateGrpcChannel(await hub.PersonTokenAsync("analyst")));
        var refused = await Assert.ThrowsAsync<RpcException>(() => notAnOperator.PurgeRecordAsync(new PurgeRecordRequest { Kind = RetainedKind.Alert, RecordId = alert.Id, Reason = "x" }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        var heldPurge = await Assert.ThrowsAsync<RpcException>(() => retention.PurgeRecordAsync(new PurgeRecordRequest { Kind = RetainedKind.Alert, RecordId = held.Id, Reason = "old" }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, heldPurge.StatusCode);
        Assert.Contains("legal hold", heldPurge.Status.Detail);

        // The channels that must hear of the purge: a KGZ person's SignalR feed and a UZB watch.
        var pushes = new ConcurrentQueue<JsonElement>();
        await using var feed = hub.CreateFeedConnection(await hub.PersonTokenAsync("liaison.kgz"));
        feed.On<JsonElement>("alertPosted", m => pushes.Enqueue(m));
        await feed.StartAsync(Ct);
        using var call = (await hub.AgencyAlertsClientAsync("UZB")).WatchAlerts(new WatchAlertsRequest { AfterSequence = -1 }, cancellationToken: Ct);
        await using var uzb = new Received<AlertEvent>(call);
        await Eventually.WaitAsync(call.ResponseHeadersAsync, "the UZB watch to open");

        // Past the grace time: the hub's pass purges it, and leaves the held one.
        hub.Clock.Advance(Grace);
        var purged = await uzb.NextAsync("the purge on the UZB watch");
        Assert.Equal(alert.Id, purged.Alert.Id);
        Assert.Equal(AlertEventType.Withdrawn, purged.Type);
        Assert.Equal(WithdrawalCause.Retention, purged.Alert.Withdrawal.Cause);
        Assert.Equal("retention", purged.Alert.Withdrawal.Reason);
        Assert.Equal("retention", purged.Reason);
        Assert.Null(purged.Alert.Content);
        await Eventually.UntilAsync(() => Task.FromResult(pushes.Any(p => p.GetProperty("alert").GetProperty("id").GetString() == alert.Id)), "the purge on KGZ's SignalR feed");
        var push = pushes.First(p => p.GetProperty("alert").GetProperty("id").GetString() == alert.Id);
        Assert.Equal("alert.withdrawn", push.GetProperty("type").GetString());
        Assert.Equal("retention", push.GetProperty("reason").GetString());
        Assert.False(push.GetProperty("alert").TryGetProperty("content", out _));

        // The content is gone for everyone, originator and centre included, every version of it.
        var operatorAlerts = await hub.OperatorAlertsClientAsync();
        Assert.Null((await kaz.GetAlertAsync(new GetAlertRequest { Id = alert.Id }, cancellationToken: Ct)).Content);
        var history = await operatorAlerts.GetAlertHistoryAsync(new GetAlertHistoryRequest { Id = alert.Id }, cancellationToken: Ct);
        Assert.Equal(2, history.Versions.Count);
        Assert.All(history.Versions, v => Assert.Null(v.Content));
        Assert.NotNull((await operatorAlerts.GetAlertAsync(new GetAlertRequest { Id = held.Id }, cancellationToken: Ct)).Content);
        var stored = await hub.WithDbAsync(db => db.Set<Hub.Server.Records.RecordVersionRow>().AsNoTracking().Where(v => v.RecordId == alert.Id).ToListAsync(Ct));
        Assert.All(stored, v => Assert.Equal("", v.ContentJson));
        // A retry under the post's key brings back the withdrawal, not the content.
        Assert.DoesNotContain(await hub.WithDbAsync(db => db.IdempotencyKeys.AsNoTracking().Where(k => k.RecordId == alert.Id).Select(k => k.Response).ToListAsync(Ct)),
            r => PostAlertResponse.Parser.ParseFrom(r).Alert.Content is not null);

        // The audit trail keeps the facts and still verifies.
        var facts = await hub.WithDbAsync(db => db.AuditTrail.AsNoTracking().Where(e => e.RecordId == alert.Id).Select(e => e.Action).ToListAsync(Ct));
        Assert.Contains("alert.post", facts);
        Assert.Contains("alert.correct", facts);
        Assert.Contains("retention.purge", facts);
        var verified = await hub.VerifyAuditAsync();
        Assert.True(verified.Intact, string.Join("; ", verified.Problems));

        // Purged is final: nothing to keep, nothing to purge again; the review list no longer shows it.
        var keep = await Assert.ThrowsAsync<RpcException>(() => retention.ExtendRetentionAsync(new ExtendRetentionRequest
        {
            Kind = RetainedKind.Alert, RecordId = alert.Id, Reason = "needed", KeepUntil = Timestamp.FromDateTimeOffset(hub.Clock.GetUtcNow().AddYears(1)),
        }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, keep.StatusCode);
        Assert.DoesNotContain((await retention.ListDueForReviewAsync(new() { PageSize = 200 }, cancellationToken: Ct)).Records, r => r.RecordId == alert.Id);
    }

    [Fact]
    public async Task The_centre_keeps_an_alert_longer_with_a_reason_and_the_pass_leaves_it()
    {
        using var hub = new RetentionHub();
        var kaz = await hub.AgencyAlertsClientAsync("KAZ");
        var alert = (await kaz.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct)).Alert;
        var retention = new Contracts.V1.Retention.RetentionClient(hub.CreateGrpcChannel(await hub.PersonTokenAsync("operator")));
        var missingReason = await Assert.ThrowsAsync<RpcException>(() => retention.ExtendRetentionAsync(new ExtendRetentionRequest
        {
            Kind = RetainedKind.Alert, RecordId = alert.Id, KeepUntil = Timestamp.FromDateTimeOffset(hub.Clock.GetUtcNow().AddYears(5)),
        }, cancellationToken: Ct).ResponseAsync);
        Assert.StartsWith("reason: required", missingReason.Status.Detail);
        var kept = await retention.ExtendRetentionAsync(new ExtendRetentionRequest
        {
            Kind = RetainedKind.Alert, RecordId = alert.Id, Reason = "linked to an open investigation abroad", KeepUntil = Timestamp.FromDateTimeOffset(hub.Clock.GetUtcNow().AddYears(5)),
        }, cancellationToken: Ct);
        Assert.Equal("linked to an open investigation abroad", kept.ExtensionReason);

        // The centre may also purge at once, with its reason.
        var mistaken = (await kaz.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct)).Alert;
        var purged = await retention.PurgeRecordAsync(new PurgeRecordRequest { Kind = RetainedKind.Alert, RecordId = mistaken.Id, Reason = "posted in error" }, cancellationToken: Ct);
        Assert.Equal("retention: posted in error", purged.Withdrawal.Reason);
        var operatorAlerts = await hub.OperatorAlertsClientAsync();
        Assert.Equal(WithdrawalCause.Retention, (await operatorAlerts.GetAlertAsync(new GetAlertRequest { Id = mistaken.Id }, cancellationToken: Ct)).Withdrawal.Cause);

        // Well past the period and the grace time: a pass purges what nobody kept (an alert
        // posted now is already that old on retention's clock) and leaves the kept one.
        hub.Clock.Advance(Review + Grace + TimeSpan.FromDays(10));
        var unkept = (await kaz.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct)).Alert;
        await Eventually.UntilAsync(async () => (await operatorAlerts.GetAlertAsync(new GetAlertRequest { Id = unkept.Id }, cancellationToken: Ct)).Withdrawal is not null,
            "a scheduled pass to purge the unkept alert", TimeSpan.FromSeconds(10));
        Assert.Null((await operatorAlerts.GetAlertAsync(new GetAlertRequest { Id = alert.Id }, cancellationToken: Ct)).Withdrawal);
    }

    [Fact]
    public async Task Case_messages_and_delivery_details_are_purged_everywhere_unless_their_case_is_held()
    {
        using var hub = new RetentionHub();
        var cases = new Cases.CaseTestKit(hub);
        var free = await cases.OpenAcceptedAsync("KAZ", "KGZ");
        var held = await cases.OpenAcceptedAsync("KAZ", "KGZ");
        var kaz = await cases.AsAsync("liaison.kaz");
        var rfi = Cases.CaseTestKit.Rfi(free.Id, "KGZ");
        rfi.Attachments.Add(Cases.CaseTestKit.Pdf());
        var message = await kaz.PostMessageAsync(rfi, cancellationToken: Ct);
        var keptMessage = await kaz.PostMessageAsync(Cases.CaseTestKit.Rfi(held.Id, "KGZ"), cancellationToken: Ct);
        var deliveries = new Deliveries.DeliveryTestKit(hub);
        var proposal = Deliveries.DeliveryTestKit.Route("KAZ", "KGZ");
        var delivery = await (await deliveries.AsAsync("KAZ")).ProposeAsync(proposal, cancellationToken: Ct);
        var heldProposal = Deliveries.DeliveryTestKit.Route("KAZ", "KGZ");
        heldProposal.CaseId = held.Id;
        var heldDelivery = await (await deliveries.AsAsync("KAZ")).ProposeAsync(heldProposal, cancellationToken: Ct);
        var retention = new Contracts.V1.Retention.RetentionClient(hub.CreateGrpcChannel(await hub.PersonTokenAsync("operator")));
        await retention.SetLegalHoldAsync(new SetLegalHoldRequest { CaseId = held.Id, Hold = true, Reason = "appeal pending" }, cancellationToken: Ct);

        hub.Clock.Advance(Review + TimeSpan.FromDays(1));
        var due = (await retention.ListDueForReviewAsync(new() { PageSize = 200 }, cancellationToken: Ct)).Records;
        Assert.Contains(due, r => r.Kind == RetainedKind.CaseMessage && r.RecordId == message.Id && r.PurgeAt is not null);
        Assert.Contains(due, r => r.Kind == RetainedKind.Delivery && r.RecordId == delivery.Id && r.PurgeAt is not null);
        Assert.Equal(held.Id, Assert.Single(Assert.Single(due, r => r.RecordId == keptMessage.Id).HeldByCases));
        Assert.Equal(held.Id, Assert.Single(Assert.Single(due, r => r.RecordId == heldDelivery.Id).HeldByCases));

        hub.Clock.Advance(Grace);
        var kgzCases = await cases.AsAsync("liaison.kgz");
        await Eventually.UntilAsync(async () => (await kgzCases.GetMessageAsync(new MessageRef { MessageId = message.Id }, cancellationToken: Ct)).Withdrawal is not null,
            "the message purged on schedule", TimeSpan.FromSeconds(10));
        var purged = await kaz.GetMessageAsync(new MessageRef { MessageId = message.Id }, cancellationToken: Ct);
        Assert.Equal(WithdrawalCause.Retention, purged.Withdrawal.Cause);
        Assert.Equal("", purged.Body);
        Assert.Empty(purged.Attachments);
        Assert.NotEqual("", (await kaz.GetMessageAsync(new MessageRef { MessageId = keptMessage.Id }, cancellationToken: Ct)).Body);
        // The case events the hub keeps no longer hold the text, nor does the search index.
        var payloads = await hub.WithDbAsync(db => db.Set<Hub.Server.Cases.CaseEventRecord>().AsNoTracking()
            .Where(e => e.CaseId == Guid.Parse(free.Id)).Select(e => e.PayloadJson).ToListAsync(Ct));
        Assert.DoesNotContain(payloads, p => p.Contains("01KG123ABC", StringComparison.Ordinal));
        Assert.DoesNotContain((await kaz.SearchMessagesAsync(new SearchMessagesRequest { Query = "01KG123ABC" }, cancellationToken: Ct)).Messages, m => m.Id == message.Id);

        var kgzDeliveries = await deliveries.AsAsync("KGZ");
        await Eventually.UntilAsync(async () => (await kgzDeliveries.GetAsync(new DeliveryRef { DeliveryId = delivery.Id }, cancellationToken: Ct)).Withdrawal is not null,
            "the delivery's details purged on schedule", TimeSpan.FromSeconds(10));
        var emptied = await (await deliveries.AsAsync("KAZ")).GetAsync(new DeliveryRef { DeliveryId = delivery.Id }, cancellationToken: Ct);
        Assert.Equal(WithdrawalCause.Retention, emptied.Withdrawal.Cause);
        Assert.Equal("", emptied.Suspects);
        Assert.Empty(emptied.Consignment);
        Assert.Equal(2, emptied.Legs.Count);
        var steps = await hub.WithDbAsync(db => db.Set<Hub.Server.Deliveries.DeliveryEventRecord>().AsNoTracking()
            .Where(e => e.DeliveryId == Guid.Parse(delivery.Id)).Select(e => e.PayloadJson).ToListAsync(Ct));
        Assert.DoesNotContain(steps, p => p.Contains("dried apricots", StringComparison.Ordinal));
        Assert.NotEqual("", (await (await deliveries.AsAsync("KAZ")).GetAsync(new DeliveryRef { DeliveryId = heldDelivery.Id }, cancellationToken: Ct)).Suspects);

        var verified = await hub.VerifyAuditAsync();
        Assert.True(verified.Intact, string.Join("; ", verified.Problems));
    }
}
