using System.Collections.Concurrent;
using System.Text.Json;
using Grpc.Core;
using Hub.Client;
using Hub.Contracts.V1;
using Microsoft.AspNetCore.SignalR.Client;

namespace Hub.SystemTests;

/// <summary>
/// A correction, a narrowing and a withdrawal reaching every channel on real infrastructure:
/// KAZ posts an alert to the members; KGZ's people watch on SignalR, UZB's system on a Watch
/// stream, and UZB's queue fills while its system is offline. KAZ corrects the quantity,
/// narrows the alert to KGZ, then withdraws it: each channel shows each step in order, and
/// what UZB replays from 0 or drains from its queue ends without the withdrawn content.
/// </summary>
public sealed class AlertRevisionScenarioTests(Broker broker)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Events of one alert off a Watch stream, until a marker alert shows the stream has caught up.</summary>
    private static async Task<List<AlertEvent>> UntilMarkerAsync(IAsyncStreamReader<AlertEvent> stream, string alertId, string markerId, List<AlertEvent>? into = null)
    {
        var events = into ?? [];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(Wait);
        while (await stream.MoveNext(timeout.Token))
        {
            if (stream.Current.Alert.Id == markerId)
            {
                return events;
            }
            if (stream.Current.Alert.Id == alertId)
            {
                events.Add(stream.Current);
            }
        }
        throw new InvalidOperationException("the stream ended before the marker");
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no {what} after {Wait.TotalSeconds:0}s");
            }
            await Task.Delay(50, Ct);
        }
    }

    [Fact]
    public async Task Correct_narrow_withdraw_reach_SignalR_a_watch_and_an_offline_country_queue_in_order()
    {
        await using var node = await HubProcess.StartAsync(broker.HubUri);
        var kaz = node.CreateAlertsClient(await node.AgencyTokenAsync("KAZ"));
        var uzbClient = node.CreateAlertsClient(await node.AgencyTokenAsync("UZB"));

        var kgzPushes = new ConcurrentQueue<JsonElement>();
        await using var kgzFeed = node.CreateFeedConnection(await node.PersonTokenAsync("liaison.kgz"));
        kgzFeed.On<JsonElement>("alertPosted", m => kgzPushes.Enqueue(m));
        await kgzFeed.StartAsync(Ct);
        using var uzbWatch = uzbClient.WatchAlerts(new WatchAlertsRequest { AfterSequence = -1 }, cancellationToken: Ct);
        await uzbWatch.ResponseHeadersAsync.WaitAsync(Wait, Ct);

        // Each step is on every channel before the next is taken: a step is rendered from the
        // alert as it is when it is sent, so a country that has lost the alert by then is not
        // sent the steps before (it is sent the withdrawal).
        var uzbLive = new List<AlertEvent>();
        SeizureAlert? alert = null;
        async Task StepAsync(int kgzEvents, int uzbEvents, int uzbQueued)
        {
            await UntilAsync(() => kgzPushes.Count(p => Id(p) == alert!.Id) == kgzEvents, $"{kgzEvents} events on KGZ's SignalR feed");
            while (uzbLive.Count < uzbEvents && await uzbWatch.ResponseStream.MoveNext(Ct))
            {
                uzbLive.Add(uzbWatch.ResponseStream.Current);
            }
            await UntilAsync(() => broker.QueuedAsync("hub.country.UZB").Result == uzbQueued, $"{uzbQueued} events on UZB's queue");
        }

        await broker.PurgeAsync("hub.country.UZB");
        alert = (await kaz.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct)).Alert;
        await StepAsync(1, 1, 1);
        var content = alert.Content.Clone();
        content.Items[0].Quantity = 14.6;
        var corrected = (await kaz.CorrectAlertAsync(new CorrectAlertRequest { AlertId = alert.Id, ExpectedVersion = 1, Reason = "re-weighed at the lab", Alert = content }, cancellationToken: Ct)).Alert;
        await StepAsync(2, 2, 2);
        var narrowed = (await kaz.ChangeAlertReleaseAsync(new ChangeAlertReleaseRequest
        {
            AlertId = alert.Id, ExpectedVersion = corrected.Version, Reason = "the source is exposed", Distribution = Distribution.Addressed, AddressedCountries = { "KGZ" },
        }, cancellationToken: Ct)).Alert;
        await StepAsync(3, 3, 3);
        await kaz.WithdrawAlertAsync(new WithdrawAlertRequest { AlertId = alert.Id, ExpectedVersion = narrowed.Version, Reason = "operation compromised" }, cancellationToken: Ct);
        await StepAsync(4, 3, 3);
        // A later alert to the members: once it is everywhere, nothing more of the first is coming.
        var marker = (await kaz.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct)).Alert;
        await StepAsync(4, 3, 4);

        // KGZ's people, live: posted, corrected, released (still theirs), withdrawn — in order, the last without content.
        await UntilAsync(() => kgzPushes.Any(p => Id(p) == marker.Id), "marker on KGZ's SignalR feed");
        var kgz = kgzPushes.Where(p => Id(p) == alert.Id).ToList();
        Assert.Equal(["alert.posted", "alert.corrected", "alert.released", "alert.withdrawn"], kgz.Select(p => p.GetProperty("type").GetString()));
        Assert.True(kgz.Zip(kgz.Skip(1)).All(p => p.First.GetProperty("sequence").GetInt64() < p.Second.GetProperty("sequence").GetInt64()));
        Assert.False(kgz[^1].GetProperty("alert").TryGetProperty("content", out _));
        Assert.Equal("WITHDRAWAL_CAUSE_ORIGINATOR", kgz[^1].GetProperty("alert").GetProperty("withdrawal").GetProperty("cause").GetString());
        Assert.Equal("operation compromised", kgz[^1].GetProperty("reason").GetString());

        // UZB's system, live: it had the alert, then lost it at the narrowing, and hears nothing after.
        await UntilMarkerAsync(uzbWatch.ResponseStream, alert.Id, marker.Id, uzbLive);
        Assert.Equal([AlertEventType.Posted, AlertEventType.Corrected, AlertEventType.Withdrawn], uzbLive.Select(e => e.Type));
        Assert.Equal(14.6, uzbLive[1].Alert.Content.Items[0].Quantity);
        Assert.Equal(WithdrawalCause.NoLongerReleased, uzbLive[2].Alert.Withdrawal.Cause);
        Assert.Null(uzbLive[2].Alert.Content);

        // UZB's queue, drained now that its system is back: the same three, in order, ending without content.
        var queued = (await AgencyInbox.TakeAsync(broker, "UZB", 3, Wait, new HashSet<string> { alert.Id })).OrderBy(q => q.Sequence).ToList();
        Assert.Equal(["alert.posted", "alert.corrected", "alert.withdrawn"], queued.Select(q => q.Type));
        Assert.Null(queued[^1].Distribution);
        using (var last = JsonDocument.Parse(queued[^1].Body))
        {
            Assert.Equal("WITHDRAWAL_CAUSE_NO_LONGER_RELEASED", last.RootElement.GetProperty("alert").GetProperty("withdrawal").GetProperty("cause").GetString());
        }
        Assert.Contains("14.6", queued[1].Body, StringComparison.Ordinal);
        Assert.Empty(await AgencyInbox.TakeAsync(broker, "UZB", 1, TimeSpan.FromSeconds(2), new HashSet<string> { alert.Id }));

        // UZB replays from 0: only the withdrawal, never the content.
        using var replay = uzbClient.WatchAlerts(new WatchAlertsRequest { AfterSequence = 0 }, cancellationToken: Ct);
        var replayed = await UntilMarkerAsync(replay.ResponseStream, alert.Id, marker.Id);
        var only = Assert.Single(replayed);
        Assert.Equal(AlertEventType.Withdrawn, only.Type);
        Assert.Null(only.Alert.Content);
    }

    private static string? Id(JsonElement push) => push.GetProperty("alert").GetProperty("id").GetString();
}
