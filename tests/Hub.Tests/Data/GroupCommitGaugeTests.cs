using System.Diagnostics.Metrics;
using Hub.Server.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Tests.Data;

/// <summary>The group commit's queue gauge can be read (it threw NotSupportedException before) and reads what is waiting.</summary>
public sealed class GroupCommitGaugeTests(HubFactory hub) : IClassFixture<HubFactory>
{
    [Fact]
    public async Task The_queued_gauge_reads_zero_once_every_write_is_committed()
    {
        var commit = hub.Services.GetRequiredService<GroupCommit>();
        await commit.AuditAsync(new Hub.Server.Audit.AuditEvent(Hub.Server.Access.Caller.System, "system", "test.gauge", Hub.Server.Audit.AuditOutcomes.Allowed), TestContext.Current.CancellationToken);
        var readings = new List<long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "hub.group_commit.queued")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) => readings.Add(value));
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => readings.Add(value));
        listener.Start();
        listener.RecordObservableInstruments();
        Assert.NotEmpty(readings);
        Assert.All(readings, r => Assert.Equal(0, r));
    }
}
