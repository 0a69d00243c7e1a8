using Grpc.Core;
using Hub.Client;
using Hub.Contracts.V1;
using Hub.Server.Deliveries;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Tests.Deliveries;

/// <summary>A hub whose handovers must be taken over within a second.</summary>
public sealed class QuickHandoverHub : HubFactory
{
    protected override IEnumerable<(string Key, string Value)> ExtraSettings => [("Hub:Deliveries:HandoverWindow", "00:00:01")];
}

public sealed class DeliveryStateMachineTests(QuickHandoverHub hub) : IClassFixture<QuickHandoverHub>
{
    private readonly DeliveryTestKit _kit = new(hub);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DeliveryRef Ref(ControlledDelivery d) => new() { DeliveryId = d.Id };

    private static async Task<RpcException> Refused(Func<Task> call) => await Assert.ThrowsAsync<RpcException>(call);

    [Fact]
    public async Task An_operation_runs_from_proposal_to_interdiction_through_three_handovers()
    {
        var request = DeliveryTestKit.Route();
        var tjk = await _kit.AsAsync("TJK");
        var proposed = await tjk.ProposeAsync(request, cancellationToken: Ct);
        Assert.Equal(DeliveryState.Proposed, proposed.State);
        Assert.Equal([LegResponse.Accepted, LegResponse.Pending, LegResponse.Pending, LegResponse.Pending], proposed.Legs.Select(l => l.Response));

        foreach (var country in new[] { "KGZ", "KAZ" })
        {
            Assert.Equal(DeliveryState.Proposed, (await (await _kit.AsAsync(country)).RespondAsync(new RespondRequest { DeliveryId = proposed.Id, Accept = true }, cancellationToken: Ct)).State);
        }
        Assert.Equal(DeliveryState.Approved, (await (await _kit.AsAsync("RUS")).RespondAsync(new RespondRequest { DeliveryId = proposed.Id, Accept = true }, cancellationToken: Ct)).State);

        var active = await tjk.StartAsync(Ref(proposed), cancellationToken: Ct);
        Assert.Equal((DeliveryState.Active, 0, LegState.Holding), (active.State, active.CurrentLeg, active.Legs[0].State));

        string[] route = ["TJK", "KGZ", "KAZ", "RUS"];
        for (var leg = 0; leg < 3; leg++)
        {
            var holder = await _kit.AsAsync(route[leg]);
            await holder.ReportPositionAsync(new ReportPositionRequest { DeliveryId = proposed.Id, Kind = "checkpoint", Text = $"passed a checkpoint in {route[leg]}" }, cancellationToken: Ct);
            var offered = await holder.OfferHandoverAsync(Ref(proposed), cancellationToken: Ct);
            Assert.NotNull(offered.HandoverDueAt);
            var taken = await (await _kit.AsAsync(route[leg + 1])).TakeOverAsync(Ref(proposed), cancellationToken: Ct);
            Assert.Equal(leg + 1, taken.CurrentLeg);
            Assert.Equal(LegState.Done, taken.Legs[leg].State);
            Assert.Equal(LegState.Holding, taken.Legs[leg + 1].State);
            Assert.Null(taken.HandoverOfferedAt);
        }

        var seizure = await (await hub.AgencyAlertsClientAsync("RUS")).PostAlertAsync(SampleAlerts.HeroinAtKorday("RUS"), cancellationToken: Ct);
        var done = await (await _kit.AsAsync("RUS")).CompleteAsync(new CompleteDeliveryRequest { DeliveryId = proposed.Id, SeizureAlertId = seizure.Alert.Id }, cancellationToken: Ct);

        Assert.Equal(DeliveryState.Completed, done.State);
        Assert.Equal(seizure.Alert.Id, done.SeizureAlertId);
        Assert.All(done.Legs, l => Assert.Equal(LegState.Done, l.State));
        Assert.Equal(3, done.Positions.Count);
        var types = await hub.WithDbAsync(db => db.Set<DeliveryEventRecord>().Where(e => e.DeliveryId == Guid.Parse(proposed.Id)).OrderBy(e => e.Sequence).Select(e => e.Type).ToListAsync());
        Assert.Equal(["proposed", "responded", "responded", "approved", "started",
            "position", "handover.offered", "handover.taken", "position", "handover.offered", "handover.taken", "position", "handover.offered", "handover.taken", "completed"], types);
    }

    [Fact]
    public async Task A_takeover_by_a_country_that_is_not_the_next_leg_is_refused()
    {
        var active = await _kit.ActiveAsync();
        await (await _kit.AsAsync("TJK")).OfferHandoverAsync(Ref(active), cancellationToken: Ct);

        var ex = await Refused(async () => await (await _kit.AsAsync("KAZ")).TakeOverAsync(Ref(active), cancellationToken: Ct));

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.Contains("KGZ", ex.Status.Detail, StringComparison.Ordinal);
        var unchanged = await (await _kit.AsAsync("TJK")).GetAsync(Ref(active), cancellationToken: Ct);
        Assert.Equal(0, unchanged.CurrentLeg);
        Assert.True(await hub.WithDbAsync(db => db.AuditTrail.AnyAsync(e => e.Action == "delivery.take-over" && e.Outcome == "denied" && e.RecordId == active.Id)));
    }

    public static TheoryData<string, string> IllegalTransitions => new()
    {
        { "start while proposed", "DELIVERY_STATE_PROPOSED" },
        { "offer a handover while approved", "DELIVERY_STATE_APPROVED" },
        { "take over without an offer", "not offered" },
        { "complete before the last leg", "still with TJK" },
        { "respond to a started operation", "DELIVERY_STATE_ACTIVE" },
        { "abort a completed operation", "DELIVERY_STATE_COMPLETED" },
    };

    [Theory]
    [MemberData(nameof(IllegalTransitions))]
    public async Task Illegal_transitions_are_refused_naming_the_state(string how, string named)
    {
        var request = DeliveryTestKit.Route("TJK", "KGZ");
        var tjk = await _kit.AsAsync("TJK");
        var kgz = await _kit.AsAsync("KGZ");
        var d = await tjk.ProposeAsync(request, cancellationToken: Ct);
        Func<Task> illegal;
        switch (how)
        {
            case "start while proposed":
                illegal = async () => await tjk.StartAsync(Ref(d));
                break;
            case "offer a handover while approved":
                await kgz.RespondAsync(new RespondRequest { DeliveryId = d.Id, Accept = true }, cancellationToken: Ct);
                illegal = async () => await tjk.OfferHandoverAsync(Ref(d));
                break;
            case "take over without an offer":
                await kgz.RespondAsync(new RespondRequest { DeliveryId = d.Id, Accept = true }, cancellationToken: Ct);
                await tjk.StartAsync(Ref(d), cancellationToken: Ct);
                illegal = async () => await kgz.TakeOverAsync(Ref(d));
                break;
            case "complete before the last leg":
                await kgz.RespondAsync(new RespondRequest { DeliveryId = d.Id, Accept = true }, cancellationToken: Ct);
                await tjk.StartAsync(Ref(d), cancellationToken: Ct);
                var alert = await (await hub.AgencyAlertsClientAsync("KGZ")).PostAlertAsync(SampleAlerts.HeroinAtKorday("KGZ"), cancellationToken: Ct);
                illegal = async () => await kgz.CompleteAsync(new CompleteDeliveryRequest { DeliveryId = d.Id, SeizureAlertId = alert.Alert.Id });
                break;
            case "respond to a started operation":
                await kgz.RespondAsync(new RespondRequest { DeliveryId = d.Id, Accept = true }, cancellationToken: Ct);
                await tjk.StartAsync(Ref(d), cancellationToken: Ct);
                illegal = async () => await kgz.RespondAsync(new RespondRequest { DeliveryId = d.Id, Accept = true });
                break;
            default:
                await kgz.RespondAsync(new RespondRequest { DeliveryId = d.Id, Accept = true }, cancellationToken: Ct);
                await tjk.StartAsync(Ref(d), cancellationToken: Ct);
                await tjk.OfferHandoverAsync(Ref(d), cancellationToken: Ct);
                await kgz.TakeOverAsync(Ref(d), cancellationToken: Ct);
                var seizure = await (await hub.AgencyAlertsClientAsync("KGZ")).PostAlertAsync(SampleAlerts.HeroinAtKorday("KGZ"), cancellationToken: Ct);
                await kgz.CompleteAsync(new CompleteDeliveryRequest { DeliveryId = d.Id, SeizureAlertId = seizure.Alert.Id }, cancellationToken: Ct);
                illegal = async () => await tjk.AbortAsync(new AbortDeliveryRequest { DeliveryId = d.Id, Reason = "too late" });
                break;
        }
        var before = (await tjk.GetAsync(Ref(d), cancellationToken: Ct)).Clone();

        var ex = await Refused(illegal);

        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Contains(named, ex.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await tjk.GetAsync(Ref(d), cancellationToken: Ct));
    }

    [Theory]
    [InlineData(DeliveryState.Proposed)]
    [InlineData(DeliveryState.Approved)]
    [InlineData(DeliveryState.Active)]
    public async Task Abort_from_any_live_state_records_the_reason(DeliveryState from)
    {
        var tjk = await _kit.AsAsync("TJK");
        var kgz = await _kit.AsAsync("KGZ");
        var d = await tjk.ProposeAsync(DeliveryTestKit.Route("TJK", "KGZ"), cancellationToken: Ct);
        if (from >= DeliveryState.Approved)
        {
            await kgz.RespondAsync(new RespondRequest { DeliveryId = d.Id, Accept = true }, cancellationToken: Ct);
        }
        if (from >= DeliveryState.Active)
        {
            await tjk.StartAsync(Ref(d), cancellationToken: Ct);
        }

        var aborted = await kgz.AbortAsync(new AbortDeliveryRequest { DeliveryId = d.Id, Reason = "surveillance lost near Osh" }, cancellationToken: Ct);

        Assert.Equal(DeliveryState.Aborted, aborted.State);
        Assert.Equal("KGZ: surveillance lost near Osh", aborted.AbortReason);
        Assert.True(await hub.WithDbAsync(db => db.AuditTrail.AnyAsync(e => e.Action == "delivery.abort" && e.RecordId == d.Id && e.Outcome == "allowed")));
        Assert.Equal(StatusCode.InvalidArgument, (await Refused(() => kgz.AbortAsync(new AbortDeliveryRequest { DeliveryId = d.Id }, cancellationToken: Ct).ResponseAsync)).StatusCode);
    }

    [Fact]
    public async Task A_declined_leg_aborts_the_proposal_with_the_reason()
    {
        var d = await (await _kit.AsAsync("TJK")).ProposeAsync(DeliveryTestKit.Route(), cancellationToken: Ct);

        var declined = await (await _kit.AsAsync("KAZ")).RespondAsync(new RespondRequest { DeliveryId = d.Id, Accept = false, Reason = "no team available at Korday" }, cancellationToken: Ct);

        Assert.Equal(DeliveryState.Aborted, declined.State);
        Assert.Equal(LegResponse.Declined, declined.Legs[2].Response);
        Assert.Contains("no team available at Korday", declined.AbortReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_late_handover_raises_exactly_one_escalation_however_many_nodes_look()
    {
        var active = await _kit.ActiveAsync("TJK", "KGZ");
        await (await _kit.AsAsync("TJK")).OfferHandoverAsync(Ref(active), cancellationToken: Ct);
        var id = Guid.Parse(active.Id);
        // The hub's own timer plus two more "nodes" racing on the same database.
        var timers = Enumerable.Range(0, 2).Select(_ => ActivatorUtilities.CreateInstance<DeliveryDeadlinesTimer>(hub.Services)).ToList();

        await Eventually.UntilAsync(async () =>
        {
            await Task.WhenAll(timers.Select(t => t.RaiseDueAsync(Ct)));
            return await hub.WithDbAsync(db => db.Set<DeliveryEventRecord>().AnyAsync(e => e.DeliveryId == id && e.Type == "handover.overdue"));
        }, "the handover escalation");
        await Task.WhenAll(timers.Select(t => t.RaiseDueAsync(Ct)));

        Assert.Equal(1, await hub.WithDbAsync(db => db.Set<DeliveryEventRecord>().CountAsync(e => e.DeliveryId == id && e.Type == "handover.overdue")));
        // Taking over late still works; the escalation told everyone it was late.
        Assert.Equal(1, (await (await _kit.AsAsync("KGZ")).TakeOverAsync(Ref(active), cancellationToken: Ct)).CurrentLeg);
    }

    [Fact]
    public async Task Only_route_countries_and_the_centre_see_an_operation()
    {
        var d = await (await _kit.AsAsync("TJK")).ProposeAsync(DeliveryTestKit.Route(), cancellationToken: Ct);
        var uzbek = await _kit.AsAsync("UZB");

        Assert.Equal(StatusCode.NotFound, (await Refused(() => uzbek.GetAsync(Ref(d), cancellationToken: Ct).ResponseAsync)).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Refused(() => uzbek.AbortAsync(new AbortDeliveryRequest { DeliveryId = d.Id, Reason = "x" }, cancellationToken: Ct).ResponseAsync)).StatusCode);
        Assert.DoesNotContain((await uzbek.ListAsync(new ListDeliveriesRequest(), cancellationToken: Ct)).Deliveries, x => x.Id == d.Id);
        var centre = new ControlledDeliveries.ControlledDeliveriesClient(hub.CreateGrpcChannel(await hub.PersonTokenAsync("operator")));
        Assert.Equal(d.Id, (await centre.GetAsync(Ref(d), cancellationToken: Ct)).Id);
    }

    public static TheoryData<string, string> BadProposals => new()
    {
        { "one leg", "legs" },
        { "observer on the route", "legs[1].country" },
        { "first leg not the initiator", "legs[0].country" },
        { "no entry point", "legs[1].entry_crossing_point" },
        { "no consignment", "consignment" },
        { "zero quantity", "consignment[0].quantity" },
        { "no title", "title" },
    };

    [Theory]
    [MemberData(nameof(BadProposals))]
    public async Task Refuses_a_bad_proposal_naming_the_field(string how, string field)
    {
        var request = DeliveryTestKit.Route("TJK", "KGZ", "KAZ");
        switch (how)
        {
            case "one leg": request.Legs.RemoveAt(2); request.Legs.RemoveAt(1); break;
            case "observer on the route": request.Legs[1].Country = "TUR"; break;
            case "first leg not the initiator": (request.Legs[0].Country, request.Legs[1].Country) = (request.Legs[1].Country, request.Legs[0].Country); break;
            case "no entry point": request.Legs[1].EntryCrossingPoint = ""; break;
            case "no consignment": request.Consignment.Clear(); break;
            case "zero quantity": request.Consignment[0].Quantity = 0; break;
            case "no title": request.Title = ""; break;
        }

        var ex = await Refused(async () => await (await _kit.AsAsync("TJK")).ProposeAsync(request, cancellationToken: Ct));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.StartsWith(field + ": ", ex.Status.Detail, StringComparison.Ordinal);
    }
}
