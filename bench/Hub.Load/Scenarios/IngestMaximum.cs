using Hub.Load.Infra;
using Hub.Load.Load;
using Hub.Load.Report;

namespace Hub.Load.Scenarios;

/// <summary>
/// The hub's maximum accepted ingest: closed loops at a few concurrency levels, each counted as
/// committed (PostAlert answered), publish-confirmed (outbox rows marked dispatched inside the
/// window: on RabbitMQ that is after the broker's confirm) and reaching the live feed (one
/// operator). Accepted = min(committed, publish-confirmed); the maximum is the best level's.
/// Each level starts with the outbox and the live feed drained (bounded waits).
/// </summary>
internal static class IngestMaximum
{
    public sealed record Level(int Concurrency, double Committed, double PublishConfirmed, double LiveFeed, long Stored, long UndeliveredAfterWait, double OutboxDrainSeconds)
    {
        public double Accepted => Math.Min(Committed, PublishConfirmed);
    }

    public static async Task<(Level Best, IReadOnlyList<Level> Levels)> FindAsync(HubUnderTest hub, Operators probe, IReadOnlyList<int> levels, TimeSpan length, RunReport report)
    {
        var results = new List<Level>();
        foreach (var concurrency in levels)
        {
            await hub.Database.WaitDrainedAsync(TimeSpan.FromSeconds(60));
            await probe.DrainAsync(hub.Database.Alerts(), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30));
            var storedBefore = hub.Database.Alerts();
            var feedBefore = probe.Received;
            var windowStart = DateTime.UtcNow;
            var cpu = new CpuWindow(hub.Node.Process.CpuSeconds);
            var stats = await Drive.ClosedLoopAsync($"capacity, {concurrency} callers", concurrency, length, Posts.To(hub.Alerts));
            var use = cpu.Stop();
            var feedInWindow = probe.Received - feedBefore;
            var stored = hub.Database.Alerts() - storedBefore;
            var drained = await hub.Database.WaitDrainedAsync(TimeSpan.FromSeconds(120));
            // Counted once the dispatcher has saved its last batch (it marks rows as it publishes, saves per batch).
            var confirmed = hub.Database.DispatchedBetween(windowStart, windowStart + TimeSpan.FromSeconds(stats.Seconds)) / stats.Seconds;
            await probe.DrainAsync(feedBefore + stored, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20));
            var level = new Level(concurrency, stats.Throughput, Math.Round(confirmed, 1), Math.Round(feedInWindow / stats.Seconds, 1), stored,
                stored - (probe.Received - feedBefore), Math.Round(drained?.TotalSeconds ?? double.NaN, 1));
            results.Add(level);
            report.Add("hub", stats, use, new Dictionary<string, object>
            {
                ["committedPerSecond"] = level.Committed,
                ["publishConfirmedPerSecond"] = level.PublishConfirmed,
                ["liveFeedPerSecond"] = level.LiveFeed,
                ["outboxDrainSecondsAfterWindow"] = level.OutboxDrainSeconds,
                ["liveFeedUndeliveredAfterWait"] = level.UndeliveredAfterWait,
            });
            Console.WriteLine($"            committed {level.Committed:0.0}/s, publish-confirmed {level.PublishConfirmed:0.0}/s, live feed {level.LiveFeed:0.0}/s; outbox drained {level.OutboxDrainSeconds:0.0} s after; {level.UndeliveredAfterWait} of {stored} not on the live feed after the wait");
        }
        return (results.MaxBy(l => l.Accepted)!, results);
    }
}
