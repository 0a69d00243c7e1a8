using Hub.Server.Messaging;

namespace Hub.Tests.Messaging;

public sealed class OutboxLeaseTests(HubFactory hub) : IClassFixture<HubFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task One_node_dispatches_at_a_time_and_another_takes_over_when_the_lease_expires_or_is_released()
    {
        var now = DateTime.UtcNow.AddHours(1); // clear of the hub's own dispatcher, which renews on the real clock

        Assert.True(await hub.WithDbAsync(db => OutboxLeases.TryHoldAsync(db, "node-a", now, Ct)));
        Assert.False(await hub.WithDbAsync(db => OutboxLeases.TryHoldAsync(db, "node-b", now.AddSeconds(5), Ct)));
        Assert.True(await hub.WithDbAsync(db => OutboxLeases.TryHoldAsync(db, "node-a", now.AddSeconds(5), Ct)));
        Assert.True(await hub.WithDbAsync(db => OutboxLeases.TryHoldAsync(db, "node-b", now.AddSeconds(5) + OutboxLeases.Duration + TimeSpan.FromSeconds(1), Ct)));
        Assert.False(await hub.WithDbAsync(db => OutboxLeases.TryHoldAsync(db, "node-a", now.AddSeconds(20), Ct)));

        await hub.WithDbAsync(async db => { await OutboxLeases.ReleaseAsync(db, "node-b", Ct); return 0; });

        Assert.True(await hub.WithDbAsync(db => OutboxLeases.TryHoldAsync(db, "node-a", now.AddSeconds(21), Ct)));
    }
}
