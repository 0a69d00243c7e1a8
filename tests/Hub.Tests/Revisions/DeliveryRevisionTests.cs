using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Tests.Deliveries;
using Hub.Tests.Records;

namespace Hub.Tests.Revisions;

/// <summary>
/// A controlled delivery's details corrected and withdrawn: its route and its steps stay,
/// its details get versions, and every stream replays the steps with the details as they
/// are now — withheld once withdrawn.
/// </summary>
public sealed class DeliveryRevisionTests(HubFactory hub) : IClassFixture<HubFactory>
{
    private readonly DeliveryTestKit _kit = new(hub);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static CorrectDeliveryDetailsRequest Correction(ControlledDelivery d, double kilograms, int version = 1) => new()
    {
        DeliveryId = d.Id, ExpectedVersion = version, Reason = "the informant gave the weight in pounds", Title = d.Title,
        Consignment = { new SeizedItem { Substance = Substance.Heroin, Quantity = kilograms, Unit = QuantityUnit.Kg } },
        Identifiers = { d.Identifiers }, Suspects = d.Suspects, HandlingCode = d.HandlingCode,
    };

    [Fact]
    public async Task Corrected_details_are_versioned_and_steps_replay_with_them_then_a_withdrawal_withholds_them()
    {
        var active = await _kit.ActiveAsync("TJK", "KGZ", "KAZ");
        var tjk = await _kit.AsAsync("TJK");
        var kgz = await _kit.AsAsync("KGZ");

        var notOurs = await Assert.ThrowsAsync<RpcException>(() => kgz.CorrectDetailsAsync(Correction(active, 19), cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, notOurs.StatusCode);
        var corrected = await tjk.CorrectDetailsAsync(Correction(active, 19), cancellationToken: Ct);
        Assert.Equal(2, corrected.DetailsVersion);
        Assert.True(corrected.Corrected);
        Assert.Equal(19, corrected.Consignment[0].Quantity);
        Assert.Equal(DeliveryState.Active, corrected.State);
        var stale = await Assert.ThrowsAsync<RpcException>(() => tjk.CorrectDetailsAsync(Correction(active, 20), cancellationToken: Ct).ResponseAsync);
        Assert.Contains("at version 2", stale.Status.Detail);
        var history = await kgz.GetDetailsHistoryAsync(new DeliveryRef { DeliveryId = active.Id }, cancellationToken: Ct);
        Assert.Equal([42.0, 19.0], history.Versions.Select(v => v.Consignment[0].Quantity));

        var whileActive = await Assert.ThrowsAsync<RpcException>(() => tjk.WithdrawAsync(new WithdrawDeliveryRequest { DeliveryId = active.Id, Reason = "compromised" }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, whileActive.StatusCode);
        await kgz.AbortAsync(new AbortDeliveryRequest { DeliveryId = active.Id, Reason = "surveillance lost" }, cancellationToken: Ct);
        var withdrawn = await tjk.WithdrawAsync(new WithdrawDeliveryRequest { DeliveryId = active.Id, Reason = "the informant is exposed" }, cancellationToken: Ct);
        Assert.Equal(WithdrawalCause.Originator, withdrawn.Withdrawal.Cause);
        Assert.Equal(19, withdrawn.Consignment[0].Quantity);

        var seen = await kgz.GetAsync(new DeliveryRef { DeliveryId = active.Id }, cancellationToken: Ct);
        Assert.Equal("", seen.Title);
        Assert.Empty(seen.Consignment);
        Assert.Equal(DeliveryState.Aborted, seen.State);
        Assert.Equal(3, seen.Legs.Count);
        Assert.DoesNotContain((await kgz.ListAsync(new ListDeliveriesRequest(), cancellationToken: Ct)).Deliveries, d => d.Id == active.Id);

        using var call = kgz.Watch(new WatchDeliveriesRequest { DeliveryId = active.Id, AfterSequence = 0 }, cancellationToken: Ct);
        await using var replay = new Received<DeliveryEvent>(call);
        var steps = new List<DeliveryEvent>();
        while (steps.All(e => e.Type != "withdrawn"))
        {
            steps.Add(await replay.NextAsync("the replay up to the withdrawal"));
        }
        Assert.Contains(steps, e => e.Type == "details.corrected");
        Assert.All(steps, e => Assert.Empty(e.Delivery.Consignment));
        Assert.All(steps, e => Assert.Equal("", e.Delivery.Suspects));
        Assert.All(steps, e => Assert.NotNull(e.Delivery.Withdrawal));

        var afterwards = await Assert.ThrowsAsync<RpcException>(() => tjk.StartAsync(new DeliveryRef { DeliveryId = active.Id }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, afterwards.StatusCode);
    }
}
