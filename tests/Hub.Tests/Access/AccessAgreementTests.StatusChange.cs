using Hub.Client;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Alerts;
using Hub.Server.Deliveries;
using Hub.Tests.Cases;
using Hub.Tests.Deliveries;
using Microsoft.EntityFrameworkCore;

namespace Hub.Tests.Access;

public sealed partial class AccessAgreementTests
{
    private static readonly AgreementCaller[] Turkmenistan = [new("liaison.tkm", "TKM", Roles.LiaisonOfficer), new("agency-tkm", "TKM", Roles.AgencySystem)];

    /// <summary>
    /// A member's streams and feeds are open; the admin makes it an applicant; records posted
    /// after that — some addressed to it, some in a case it accepted, a delivery on its route
    /// — reach none of its channels, and a replay from 0 gives it nothing at all.
    /// </summary>
    [Fact]
    public async Task A_member_made_applicant_while_its_streams_are_open_receives_nothing_more()
    {
        var ct = TestContext.Current.CancellationToken;
        var hub = fixture.Hub;
        var cases = new CaseTestKit(hub);
        var deliveries = new DeliveryTestKit(hub);
        var admin = new Contracts.V1.Admin.AdminClient(hub.CreateGrpcChannel(await hub.PersonTokenAsync("admin")));
        var kazakh = await hub.AgencyAlertsClientAsync("KAZ");
        var centre = await FeedCapture.OpenAsync(hub, "operator", fixture.Tokens["operator"], after: -1, signalR: true);
        var open = new List<FeedCapture> { centre };
        foreach (var caller in Turkmenistan)
        {
            open.Add(await FeedCapture.OpenAsync(hub, caller.Name, await caller.TokenAsync(hub), after: -1, signalR: true));
        }
        try
        {
            // While a member, TKM's channels are live: it receives a members' alert, its case, a delivery on its route.
            var before = await kazakh.PostAlertAsync(Alert(Distribution.Members), cancellationToken: ct);
            var opened = await (await cases.AsAsync("liaison.kaz")).OpenCaseAsync(
                new OpenCaseRequest { IdempotencyKey = CaseTestKit.Key(), Title = "Route via Turkmenbashi", OwnerCountry = "KAZ", InvitedCountries = { "TKM" } }, cancellationToken: ct);
            await (await cases.AsAsync("liaison.tkm")).AcceptInvitationAsync(new CaseRef { CaseId = opened.Id }, cancellationToken: ct);
            var route = DeliveryTestKit.Route("KAZ", "KGZ", "TKM");
            var proposed = await (await deliveries.AsAsync("KAZ")).ProposeAsync(route, cancellationToken: ct);
            foreach (var capture in open)
            {
                await Eventually.UntilAsync(() => Task.FromResult(capture.Seen(FeedCapture.Stream, FeedCapture.Alert).Values.Contains(before.Alert.Sequence)
                    && capture.Seen(FeedCapture.SignalR, FeedCapture.Alert).Values.Contains(before.Alert.Sequence)
                    && capture.Seen(FeedCapture.Stream, FeedCapture.Delivery).Count > 0 && capture.Seen(FeedCapture.SignalR, FeedCapture.Delivery).Count > 0
                    && capture.Seen(FeedCapture.Stream, FeedCapture.Case).Count >= 2 && capture.Seen(FeedCapture.SignalR, FeedCapture.Case).Count >= 2),
                    $"{capture.Caller}'s channels to deliver the records posted while TKM is a member");
            }
            var marks = open.ToDictionary(c => c.Caller, c => FeedCapture.Kinds.ToDictionary(k => k, k => c.Seen(FeedCapture.Stream, k).Values.DefaultIfEmpty(0).Max()));

            await admin.SetCountryStatusAsync(new SetCountryStatusRequest { Code = "TKM", Status = ParticipantStatus.Applicant, Note = "agreement test" }, cancellationToken: ct);

            var after = new List<long>
            {
                (await kazakh.PostAlertAsync(Alert(Distribution.Members), cancellationToken: ct)).Alert.Sequence,
                (await kazakh.PostAlertAsync(Alert(Distribution.MembersAndObservers), cancellationToken: ct)).Alert.Sequence,
            };
            var message = CaseTestKit.Rfi(opened.Id, "TKM");
            await (await cases.AsAsync("liaison.kaz")).PostMessageAsync(message, cancellationToken: ct);
            await (await deliveries.AsAsync("KGZ")).RespondAsync(new RespondRequest { DeliveryId = proposed.Id, Accept = true }, cancellationToken: ct);
            var feed = await fixture.World.FeedAsync();
            var lastOf = FeedCapture.Kinds.ToDictionary(k => k, k => feed.Where(e => e.Kind == k).MaxBy(e => e.Sequence)!);
            // The centre is served from the same node feed in the same order: once it has the
            // last event of each feed, TKM's channels have had every event decided.
            foreach (var (kind, last) in lastOf)
            {
                await Eventually.UntilAsync(() => Task.FromResult(centre.Has(FeedCapture.Stream, kind, last.EventId) && centre.Has(FeedCapture.SignalR, kind, last.EventId)),
                    $"the centre to receive {kind} #{last.Sequence} ({last.Label})");
            }

            var failures = new List<string>();
            foreach (var capture in open.Skip(1))
            {
                foreach (var channel in new[] { FeedCapture.Stream, FeedCapture.SignalR })
                {
                    foreach (var kind in FeedCapture.Kinds)
                    {
                        failures.AddRange(capture.Seen(channel, kind).Where(s => s.Value > marks[capture.Caller][kind])
                            .Select(s => $"{capture.Caller} {channel} received {kind} #{s.Value} ({feed.FirstOrDefault(e => e.EventId == s.Key)?.Label}) after TKM became an applicant"));
                    }
                }
            }
            Assert.True(after.All(centre.Seen(FeedCapture.Stream, FeedCapture.Alert).Values.Contains), "the centre missed an alert posted after the change");
            Assert.True(failures.Count == 0, "an applicant's open channels kept receiving:" + Lines(failures));

            await AssertReadsNothingAsync(feed, lastOf);
        }
        finally
        {
            foreach (var capture in open)
            {
                await capture.DisposeAsync();
            }
            await admin.SetCountryStatusAsync(new SetCountryStatusRequest { Code = "TKM", Status = ParticipantStatus.Member }, cancellationToken: CancellationToken.None);
        }
    }

    /// <summary>An applicant reads nothing by the rule, the database filters, List, or a replay from 0.</summary>
    private async Task AssertReadsNothingAsync(List<FeedRecord> feed, Dictionary<string, FeedRecord> lastOf)
    {
        var ct = TestContext.Current.CancellationToken;
        var hub = fixture.Hub;
        var centre = await FeedCapture.OpenAsync(hub, "operator", fixture.Tokens["operator"], after: 0, signalR: false);
        var replays = new List<FeedCapture>();
        foreach (var caller in Turkmenistan)
        {
            replays.Add(await FeedCapture.OpenAsync(hub, caller.Name, await caller.TokenAsync(hub), after: 0, signalR: false));
        }
        try
        {
            foreach (var (kind, last) in lastOf)
            {
                await Eventually.UntilAsync(() => Task.FromResult(centre.Has(FeedCapture.Stream, kind, last.EventId)), $"the centre's replay to reach {kind} #{last.Sequence}");
            }
            foreach (var replay in replays)
            {
                foreach (var kind in FeedCapture.Kinds)
                {
                    Assert.True(replay.Seen(FeedCapture.Stream, kind).Count == 0,
                        $"{replay.Caller}'s replay from 0 of {kind} returned, as an applicant: {string.Join(", ", replay.Seen(FeedCapture.Stream, kind).Keys)}");
                }
            }
        }
        finally
        {
            await centre.DisposeAsync();
            foreach (var replay in replays)
            {
                await replay.DisposeAsync();
            }
        }
        foreach (var caller in Turkmenistan)
        {
            Assert.DoesNotContain(feed, e => Policy.CanRead(caller.AsCaller(), e.Access));
            var alertFilter = Policy.Readable<AlertRecord>(caller.AsCaller());
            var deliveryFilter = Policy.Listed<DeliveryRecord>(caller.AsCaller());
            Assert.Equal(0, await hub.WithDbAsync(db => db.Set<AlertRecord>().CountAsync(alertFilter, ct)));
            Assert.Equal(0, await hub.WithDbAsync(db => db.Set<DeliveryRecord>().CountAsync(deliveryFilter, ct)));
            var channel = hub.CreateGrpcChannel(await caller.TokenAsync(hub));
            Assert.Empty((await new SeizureAlerts.SeizureAlertsClient(channel).ListAlertsAsync(new ListAlertsRequest(), cancellationToken: ct)).Alerts);
            Assert.Empty((await new Contracts.V1.Cases.CasesClient(channel).ListCasesAsync(new ListCasesRequest(), cancellationToken: ct)).Cases);
            Assert.Empty((await new ControlledDeliveries.ControlledDeliveriesClient(channel).ListAsync(new ListDeliveriesRequest(), cancellationToken: ct)).Deliveries);
        }
    }

    private static PostAlertRequest Alert(Distribution distribution)
    {
        var request = SampleAlerts.HeroinAtKorday("KAZ");
        request.Alert.Distribution = distribution;
        return request;
    }
}
