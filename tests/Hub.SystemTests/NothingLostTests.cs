using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Hub.Client;
using Hub.Contracts.V1;
using RabbitMQ.Client;

namespace Hub.SystemTests;

/// <summary>
/// Issue #4's guarantees, each proven by breaking something and counting: the broker stops,
/// a node is killed, an agency is offline, two nodes share the work, a poison message.
/// </summary>
public sealed class NothingLostTests(Broker broker)
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(120);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Figures for the closing note: the test output, and TestResults/system-test-figures.txt.</summary>
    private static void Report(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        var file = Path.Combine(Broker.RepositoryRoot(), "TestResults", "system-test-figures.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.AppendAllLines(file, [$"{DateTime.UtcNow:u} {line}"]);
    }

    [Fact]
    public async Task With_the_broker_stopped_500_alerts_are_accepted_and_all_arrive_once_after_it_returns()
    {
        broker.RequireControl();
        await broker.PurgeAsync("hub.country.UZB");
        await using var node = await HubProcess.StartAsync(broker.HubUri);
        await using var feed = await FeedRecorder.StartAsync(node, await node.PersonTokenAsync("operator"));
        var kazakh = node.CreateAlertsClient(await node.AgencyTokenAsync("KAZ"));

        await broker.StopAsync();
        var stopwatch = Stopwatch.StartNew();
        var posted = new List<SeizureAlert>();
        try
        {
            for (var i = 0; i < 500; i++)
            {
                posted.Add((await kazakh.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct)).Alert);
            }
        }
        finally
        {
            stopwatch.Stop();
            await broker.StartAsync();
        }
        var restarted = Stopwatch.StartNew();
        Report(string.Create(CultureInfo.InvariantCulture, $"broker outage: 500 alerts accepted in {stopwatch.Elapsed.TotalSeconds:0.0}s ({500 / stopwatch.Elapsed.TotalSeconds:0} alerts/s)"));

        await feed.WaitForAsync(500, Drain);
        var queued = await AgencyInbox.TakeAsync(broker, "UZB", 500, Drain, posted.Select(a => a.Id).ToHashSet());
        Report(string.Create(CultureInfo.InvariantCulture, $"broker outage: drained to the feed and the UZB queue {restarted.Elapsed.TotalSeconds:0.0}s after the broker returned; hub peak memory {node.PeakMemoryMiB:0} MiB"));

        Assert.Equal(500, posted.Select(a => a.Id).Distinct().Count());
        Assert.Equal(500, feed.Distinct);
        Assert.Equal(500, feed.Deliveries.Count);
        Assert.Equal(posted.Select(a => a.Sequence).Order(), feed.Deliveries.Select(d => d.Sequence).Order());
        Assert.Equal(500, queued.Count);
        Assert.Equal(500, queued.Select(q => q.EventId).Distinct().Count());
        Assert.Equal(posted.Select(a => a.Id).Order(), queued.Select(q => q.AlertId).Order());
        Assert.Empty(await AgencyInbox.TakeAsync(broker, "UZB", 1, TimeSpan.FromSeconds(1), posted.Select(a => a.Id).ToHashSet()));
    }

    [Fact]
    public async Task A_node_killed_in_the_middle_of_a_burst_loses_nothing_it_acknowledged()
    {
        broker.RequireControl();
        await broker.PurgeAsync("hub.country.KGZ");
        var nodeA = await HubProcess.StartAsync(broker.HubUri);
        var dataDirectory = nodeA.DataDirectory;
        var kazakh = nodeA.CreateAlertsClient(await nodeA.AgencyTokenAsync("KAZ"));
        var acknowledged = new List<string>();
        var refused = 0;

        using var burst = new CancellationTokenSource();
        var posting = Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            while (!burst.IsCancellationRequested)
            {
                try
                {
                    var alert = (await kazakh.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"))).Alert;
                    lock (acknowledged)
                    {
                        acknowledged.Add(alert.Id);
                    }
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref refused);
                    return;
                }
            }
        }));
        await Eventually(() => acknowledged.Count >= 150, "150 acknowledged alerts");
        await nodeA.KillAsync();
        await posting;
        burst.Cancel();
        await nodeA.DisposeAsync();
        Report($"node crash: {acknowledged.Count} alerts acknowledged before SIGKILL, {refused} calls cut off");

        await using var nodeB = await HubProcess.StartAsync(broker.HubUri, dataDirectory);
        // KAZ's own system sees every alert KAZ posted.
        var operatorClient = nodeB.CreateAlertsClient(await nodeB.AgencyTokenAsync("KAZ"));
        var stored = new HashSet<string>();
        var request = new ListAlertsRequest { PageSize = 200 };
        while (true)
        {
            var page = await operatorClient.ListAlertsAsync(request, cancellationToken: Ct);
            stored.UnionWith(page.Alerts.Select(a => a.Id));
            if (page.NextPageToken.Length == 0)
            {
                break;
            }
            request.PageToken = page.NextPageToken;
        }
        Assert.Subset(stored, acknowledged.ToHashSet());

        // Every acknowledged alert also reaches the agencies: node B dispatches what A left.
        // A crash may send an event twice (at least once): the agency de-duplicates by id.
        var queued = await AgencyInbox.TakeAsync(broker, "KGZ", stored.Count, Drain, stored);
        Assert.Subset(queued.Select(q => q.AlertId).ToHashSet(), acknowledged.ToHashSet());
        Assert.Equal(queued.Select(q => q.EventId).Distinct().Count(), queued.Select(q => q.AlertId).Distinct().Count());
        Report($"node crash: {stored.Count} alerts stored, all on KGZ's queue; {queued.Count - queued.Select(q => q.EventId).Distinct().Count()} redelivered twice (de-duplicated by event id)");
    }

    [Fact]
    public async Task An_offline_agency_receives_every_permitted_event_in_order_and_nothing_else()
    {
        broker.RequireControl();
        await broker.PurgeAsync("hub.country.TJK");
        await using var node = await HubProcess.StartAsync(broker.HubUri);
        var kazakh = node.CreateAlertsClient(await node.AgencyTokenAsync("KAZ"));
        var expected = new List<string>();
        var withheld = new List<string>();

        for (var i = 0; i < 60; i++)
        {
            var request = SampleAlerts.HeroinAtKorday("KAZ");
            var forTajikistan = (i % 5) switch
            {
                0 => Set(request, Distribution.Originator),
                1 => Set(request, Distribution.Addressed, "TJK"),
                2 => Set(request, Distribution.Addressed, "KGZ", "TUR"),
                3 => Set(request, Distribution.Members),
                _ => Set(request, Distribution.MembersAndObservers),
            };
            var alert = (await kazakh.PostAlertAsync(request, cancellationToken: Ct)).Alert;
            (forTajikistan ? expected : withheld).Add(alert.Id);
        }
        // The last alert is for everybody: once it is on TJK's queue, everything before it is.
        var mine = expected.Concat(withheld).ToHashSet();
        var received = await AgencyInbox.TakeAsync(broker, "TJK", expected.Count, Drain, mine);

        Assert.Equal(expected, received.Select(r => r.AlertId));
        Assert.Equal(received.Select(r => r.Sequence).Order(), received.Select(r => r.Sequence));
        Assert.DoesNotContain(received, r => withheld.Contains(r.AlertId));
        Assert.All(received, r => Assert.Equal("alert.posted", r.Type));
        Assert.Empty(await AgencyInbox.TakeAsync(broker, "TJK", 1, TimeSpan.FromSeconds(1), mine));
    }

    [Fact]
    public async Task An_agency_reads_its_own_queue_only()
    {
        broker.RequireControl();
        await using var node = await HubProcess.StartAsync(broker.HubUri);
        await (node.CreateAlertsClient(await node.AgencyTokenAsync("KAZ"))).PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct);
        await AgencyInbox.TakeAsync(broker, "KGZ", 1, Drain);

        await using var connection = await broker.ConnectAsAgencyAsync("TJK");
        await using var channel = await connection.CreateChannelAsync(cancellationToken: Ct);

        var refused = await Assert.ThrowsAnyAsync<RabbitMQ.Client.Exceptions.OperationInterruptedException>(() =>
            channel.BasicConsumeAsync("hub.country.KGZ", autoAck: false, new RabbitMQ.Client.Events.AsyncEventingBasicConsumer(channel), Ct));
        Assert.Contains("ACCESS_REFUSED", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_nodes_1000_alerts_posted_alternately_reach_an_operator_on_each_exactly_once()
    {
        broker.RequireControl();
        await using var nodeA = await HubProcess.StartAsync(broker.HubUri);
        await using var nodeB = await HubProcess.StartAsync(broker.HubUri, nodeA.DataDirectory, issuer: nodeA.WebAddress);
        var operatorToken = await nodeA.PersonTokenAsync("operator");
        await using var feedA = await FeedRecorder.StartAsync(nodeA, operatorToken);
        await using var feedB = await FeedRecorder.StartAsync(nodeB, operatorToken);
        var uzbekToken = await nodeA.AgencyTokenAsync("UZB");
        var clients = new[] { nodeA.CreateAlertsClient(uzbekToken), nodeB.CreateAlertsClient(uzbekToken) };

        var posted = new List<long>();
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < 1000; i++)
        {
            posted.Add((await clients[i % 2].PostAlertAsync(SampleAlerts.HeroinAtKorday("UZB"), cancellationToken: Ct)).Alert.Sequence);
        }
        await feedA.WaitForAsync(1000, Drain);
        await feedB.WaitForAsync(1000, Drain);
        Report(string.Create(CultureInfo.InvariantCulture, $"two nodes: 1000 alerts posted and delivered to both operators in {stopwatch.Elapsed.TotalSeconds:0.0}s; duplicates before de-duplication: A {feedA.Deliveries.Count - 1000}, B {feedB.Deliveries.Count - 1000}; peak memory A {nodeA.PeakMemoryMiB:0} MiB, B {nodeB.PeakMemoryMiB:0} MiB"));

        foreach (var feed in new[] { feedA, feedB })
        {
            Assert.Equal(1000, feed.Distinct);
            Assert.Equal(posted.Order(), feed.Deliveries.DistinctBy(d => d.EventId).Select(d => d.Sequence).Order());
        }
    }

    [Fact]
    public async Task A_malformed_message_lands_in_the_error_queue_and_the_consumers_keep_going()
    {
        broker.RequireControl();
        await broker.PurgeAsync("hub-country-fanout_error", "hub.country.RUS");
        await using var node = await HubProcess.StartAsync(broker.HubUri);
        await using var feed = await FeedRecorder.StartAsync(node, await node.PersonTokenAsync("operator"));
        var admin = new Admin.AdminClient(Grpc.Net.Client.GrpcChannel.ForAddress(node.GrpcAddress));
        var adminHeaders = new Metadata { { "Authorization", "Bearer " + await node.PersonTokenAsync("admin") } };

        await using (var connection = await broker.ConnectAsHubAsync())
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: Ct))
        {
            var properties = new RabbitMQ.Client.BasicProperties { ContentType = "application/vnd.masstransit+json", MessageId = Guid.NewGuid().ToString() };
            await channel.BasicPublishAsync("Hub.Contracts.Events:AlertPosted", "", false, properties, "{ this is not json"u8.ToArray(), Ct);
        }
        var posted = await node.CreateAlertsClient(await node.AgencyTokenAsync("KAZ")).PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct);

        await feed.WaitForAsync(1, Drain);
        var queued = await AgencyInbox.TakeAsync(broker, "RUS", 1, Drain, new HashSet<string> { posted.Alert.Id });
        Assert.Equal(posted.Alert.Id, Assert.Single(queued).AlertId);
        DeadLetter? poison = null;
        await Eventually(() =>
        {
            ListDeadLettersResponse letters;
            try
            {
                letters = admin.ListDeadLetters(new ListDeadLettersRequest(), adminHeaders, cancellationToken: Ct);
            }
            catch (RpcException ex)
            {
                throw new InvalidOperationException($"{ex.Status}\n{node.Output}", ex);
            }
            poison = letters.DeadLetters.FirstOrDefault(l => l.Queue == "hub-country-fanout");
            return poison is not null;
        }, "the poison message in the error queue");
        Assert.Contains("this is not json", poison!.BodyPreview, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(poison.Reason));

        // Replayed, it fails again and comes back: nothing is lost, and nothing else breaks.
        var replay = await admin.ReplayDeadLettersAsync(new ReplayDeadLettersRequest { Queue = "hub-country-fanout" }, adminHeaders, cancellationToken: Ct);
        Assert.Equal(1, replay.Replayed);
        await Eventually(() => admin.ListDeadLetters(new ListDeadLettersRequest(), adminHeaders, cancellationToken: Ct).Counts["hub-country-fanout"] == 1, "the replayed poison message back in the error queue");
    }

    private static bool Set(PostAlertRequest request, Distribution distribution, params string[] addressed)
    {
        request.Alert.Distribution = distribution;
        request.Alert.AddressedCountries.Add(addressed);
        return distribution is Distribution.Members or Distribution.MembersAndObservers || addressed.Contains("TJK");
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Drain;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }
            await Task.Delay(100);
        }
    }
}
