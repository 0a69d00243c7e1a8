using System.Text.Json;
using System.Threading.Channels;
using Hub.Client;
using Hub.Contracts.V1;
using Hub.Tests.Cases;
using Hub.Tests.Deliveries;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace Hub.Tests.Records;

/// <summary>
/// Every event is checked against the policy when it is sent, never against who could see it
/// when it was written: a country made an applicant, or removed from a case, receives nothing
/// more on any stream or live-feed connection, replays from 0 included.
/// </summary>
public sealed class AccessAtSendTimeTests : IAsyncLifetime
{
    private readonly HubFactory _hub = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _hub.DisposeAsync();

    private async Task<Admin.AdminClient> AdminAsync() => new(_hub.CreateGrpcChannel(await _hub.PersonTokenAsync("admin")));

    private static PostAlertRequest Alert(string country)
    {
        var request = SampleAlerts.HeroinAtKorday(country);
        request.IdempotencyKey = "k-" + Guid.NewGuid().ToString("N")[..20];
        request.Alert.Distribution = Distribution.Members;
        return request;
    }

    /// <summary>A SignalR connection whose pushes of one method are kept in order.</summary>
    private async Task<(HubConnection Connection, ChannelReader<JsonElement> Pushes)> FeedAsync(string person, string method)
    {
        var pushes = Channel.CreateUnbounded<JsonElement>();
        var connection = _hub.CreateFeedConnection(await _hub.PersonTokenAsync(person));
        connection.On<JsonElement>(method, m => pushes.Writer.TryWrite(m.Clone()));
        await connection.StartAsync(Ct);
        return (connection, pushes.Reader);
    }

    private static async Task<JsonElement> NextAsync(ChannelReader<JsonElement> pushes, string what) =>
        await Eventually.WaitAsync(pushes.ReadAsync(Ct).AsTask(), what);

    private static async Task<Received<T>> OpenAsync<T>(Grpc.Core.AsyncServerStreamingCall<T> call)
    {
        await call.ResponseHeadersAsync;
        return new Received<T>(call);
    }

    [Fact]
    public async Task A_country_made_an_applicant_receives_nothing_more_on_any_stream_until_it_is_a_member_again()
    {
        var admin = await AdminAsync();
        var kaz = await _hub.AgencyAlertsClientAsync("KAZ");
        var kgzAlerts = await _hub.AgencyAlertsClientAsync("KGZ");
        var cases = new CaseTestKit(_hub);
        var deliveries = new DeliveryTestKit(_hub);
        var kgzCases = await cases.AsAsync("liaison.kgz");
        var kgzDeliveries = await deliveries.AsAsync("KGZ");
        var operatorAlerts = await OpenAsync((await _hub.OperatorAlertsClientAsync()).WatchAlerts(new WatchAlertsRequest { AfterSequence = -1 }, cancellationToken: Ct));
        await using var _ = operatorAlerts;

        await using var alertStream = await OpenAsync(kgzAlerts.WatchAlerts(new WatchAlertsRequest { AfterSequence = -1 }, cancellationToken: Ct));
        await using var caseStream = await OpenAsync(kgzCases.WatchCases(new WatchCasesRequest { AfterSequence = -1 }, cancellationToken: Ct));
        await using var deliveryStream = await OpenAsync(kgzDeliveries.Watch(new WatchDeliveriesRequest { AfterSequence = -1 }, cancellationToken: Ct));
        var (connection, feed) = await FeedAsync("liaison.kgz", "alertPosted");
        await using var __ = connection;

        // While a member, KGZ receives on every channel.
        var first = (await kaz.PostAlertAsync(Alert("KAZ"), cancellationToken: Ct)).Alert;
        Assert.Equal(first.Id, (await alertStream.NextAsync("the first alert on KGZ's stream")).Alert.Id);
        Assert.Equal(first.Sequence, (await NextAsync(feed, "the first alert on KGZ's feed")).GetProperty("sequence").GetInt64());
        var shared = await cases.OpenAcceptedAsync("KAZ", "KGZ");
        Assert.Equal("case.opened", (await caseStream.NextAsync("case.opened")).Type);
        Assert.Equal("case.updated", (await caseStream.NextAsync("KGZ's acceptance")).Type);
        var operation = await (await deliveries.AsAsync("TJK")).ProposeAsync(DeliveryTestKit.Route("TJK", "KGZ", "KAZ"), cancellationToken: Ct);
        Assert.Equal("proposed", (await deliveryStream.NextAsync("the proposal")).Type);

        await admin.SetCountryStatusAsync(new SetCountryStatusRequest { Code = "KGZ", Status = ParticipantStatus.Applicant }, cancellationToken: Ct);

        // What happens while KGZ is an applicant reaches no KGZ channel.
        var hidden = (await kaz.PostAlertAsync(Alert("KAZ"), cancellationToken: Ct)).Alert;
        var kazCases = await cases.AsAsync("liaison.kaz");
        var hiddenRfi = CaseTestKit.Rfi(shared.Id, "KGZ");
        hiddenRfi.Distribution = Distribution.Members;
        await kazCases.PostMessageAsync(hiddenRfi, cancellationToken: Ct);
        await (await deliveries.AsAsync("KAZ")).RespondAsync(new RespondRequest { DeliveryId = operation.Id, Accept = true }, cancellationToken: Ct);
        await using (var replayAlerts = await OpenAsync(kgzAlerts.WatchAlerts(new WatchAlertsRequest { AfterSequence = 0 }, cancellationToken: Ct)))
        await using (var replayCases = await OpenAsync(kgzCases.WatchCases(new WatchCasesRequest { AfterSequence = 0 }, cancellationToken: Ct)))
        {
            // A barrier that every stream's live loop passes after its replay: once the
            // operator has it, the replays are over (they read the same database first).
            var barrier = (await kaz.PostAlertAsync(Alert("KAZ"), cancellationToken: Ct)).Alert;
            while ((await operatorAlerts.NextAsync("the barrier alert on the operator's stream")).Alert.Id != barrier.Id)
            {
            }
            Assert.Equal(0, replayAlerts.Waiting);
            Assert.Equal(0, replayCases.Waiting);
        }
        var replayAudit = await Eventually.WaitAsync(WatchAuditAsync("alert.watch", "after_sequence 0;"), "the replay's audit entry");
        Assert.StartsWith("after_sequence 0; delivered nothing", replayAudit);
        Assert.StartsWith("after_sequence 0; delivered nothing",
            await Eventually.WaitAsync(WatchAuditAsync("case.watch", "after_sequence 0;"), "the case replay's audit entry"));

        await admin.SetCountryStatusAsync(new SetCountryStatusRequest { Code = "KGZ", Status = ParticipantStatus.Member }, cancellationToken: Ct);

        // A member again: the next thing on each channel is what happened after, never what was hidden.
        var after = (await kaz.PostAlertAsync(Alert("KAZ"), cancellationToken: Ct)).Alert;
        Assert.Equal(after.Id, (await alertStream.NextAsync("the alert after the change")).Alert.Id);
        Assert.Equal(after.Sequence, (await NextAsync(feed, "the alert after the change on the feed")).GetProperty("sequence").GetInt64());
        var visibleRfi = CaseTestKit.Rfi(shared.Id, "KGZ");
        var posted = await kazCases.PostMessageAsync(visibleRfi, cancellationToken: Ct);
        var nextCaseEvent = await caseStream.NextAsync("the message after the change");
        Assert.Equal(("message.posted", posted.Id), (nextCaseEvent.Type, nextCaseEvent.Message.Id));
        await kgzDeliveries.RespondAsync(new RespondRequest { DeliveryId = operation.Id, Accept = true }, cancellationToken: Ct);
        Assert.Equal("approved", (await deliveryStream.NextAsync("KGZ's own answer")).Type);
        Assert.NotEqual(hidden.Id, after.Id);
    }

    [Fact]
    public async Task A_country_removed_from_a_case_receives_nothing_more_of_it_on_any_stream_replays_included()
    {
        var cases = new CaseTestKit(_hub);
        var kgz = await cases.AsAsync("liaison.kgz");
        var kaz = await cases.AsAsync("liaison.kaz");
        var removedFrom = await cases.OpenAcceptedAsync("KAZ", "KGZ", "TJK");
        await using var live = await OpenAsync(kgz.WatchCases(new WatchCasesRequest { AfterSequence = -1 }, cancellationToken: Ct));
        var (connection, feed) = await FeedAsync("liaison.kgz", "caseEvent");
        await using var _ = connection;
        var before = await kaz.PostMessageAsync(CaseTestKit.Rfi(removedFrom.Id, "KGZ", "TJK"), cancellationToken: Ct);
        // The case's own earlier events may still be on their way to this node's pushes.
        while ((await live.NextAsync("the message before the removal")).Message?.Id != before.Id)
        {
        }
        while (!(await NextAsync(feed, "the message before the removal on the feed")).TryGetProperty("message", out var m) || m.GetProperty("id").GetString() != before.Id)
        {
        }

        await kaz.RemoveParticipantAsync(new RemoveParticipantRequest { CaseId = removedFrom.Id, Country = "KGZ", Reason = "source protection" }, cancellationToken: Ct);
        var toMembers = CaseTestKit.Rfi(removedFrom.Id, "TJK");
        toMembers.Distribution = Distribution.MembersAndObservers;
        await kaz.PostMessageAsync(toMembers, cancellationToken: Ct);
        await (await cases.AsAsync("liaison.tjk")).MarkReadAsync(new MessageRef { MessageId = before.Id }, cancellationToken: Ct);

        // Another case KGZ still takes part in: its last event comes after everything above.
        var other = await cases.OpenAcceptedAsync("UZB", "KGZ");
        var last = await (await cases.AsAsync("liaison.uzb")).PostMessageAsync(CaseTestKit.Rfi(other.Id, "KGZ"), cancellationToken: Ct);

        var liveAfter = new List<CaseEvent>();
        do
        {
            liveAfter.Add(await live.NextAsync("the other case's events"));
        }
        while (liveAfter[^1].Message?.Id != last.Id);
        Assert.All(liveAfter, e => Assert.Equal(other.Id, e.CaseId));
        var feedAfter = new List<JsonElement>();
        do
        {
            feedAfter.Add(await NextAsync(feed, "the other case's events on the feed"));
        }
        while (feedAfter[^1].TryGetProperty("message", out var m) is false || m.GetProperty("id").GetString() != last.Id);
        Assert.All(feedAfter, e => Assert.Equal(other.Id, e.GetProperty("caseId").GetString()));

        await using var replay = await OpenAsync(kgz.WatchCases(new WatchCasesRequest { AfterSequence = 0 }, cancellationToken: Ct));
        var replayed = new List<CaseEvent>();
        do
        {
            replayed.Add(await replay.NextAsync("the replay up to the other case's last message"));
        }
        while (replayed[^1].Message?.Id != last.Id);
        Assert.All(replayed, e => Assert.Equal(other.Id, e.CaseId));

        var gone = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => kgz.GetCaseAsync(new CaseRef { CaseId = removedFrom.Id }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.NotFound, gone.StatusCode);
        var unread = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => kgz.GetMessageAsync(new MessageRef { MessageId = before.Id }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.NotFound, unread.StatusCode);
    }

    private async Task<string> WatchAuditAsync(string action, string detailStart)
    {
        while (true)
        {
            var detail = await _hub.WithDbAsync(db => db.AuditTrail.AsNoTracking()
                .Where(e => e.Action == action && e.Detail!.StartsWith(detailStart) && e.ActorCountry == "KGZ")
                .OrderByDescending(e => e.Sequence).Select(e => e.Detail).FirstOrDefaultAsync(Ct));
            if (detail is not null)
            {
                return detail;
            }
            await Task.Delay(20, Ct);
        }
    }
}
