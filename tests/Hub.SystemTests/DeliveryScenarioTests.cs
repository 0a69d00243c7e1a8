using Grpc.Core;
using Grpc.Net.Client;
using Hub.Client;
using Hub.Contracts.V1;

namespace Hub.SystemTests;

/// <summary>
/// A controlled delivery TJK → KGZ → KAZ → RUS on real infrastructure, watched by every
/// route country; a restart mid-operation; a late handover with two nodes running.
/// </summary>
public sealed class DeliveryScenarioTests(Broker broker)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly string[] Route = ["TJK", "KGZ", "KAZ", "RUS"];

    private static ControlledDeliveries.ControlledDeliveriesClient Client(HubProcess node, string token) => new(node.CreateChannel(token));

    private static async Task<Dictionary<string, ControlledDeliveries.ControlledDeliveriesClient>> ClientsAsync(HubProcess node, Uri? consoleBase = null, params string[] countries)
    {
        var clients = new Dictionary<string, ControlledDeliveries.ControlledDeliveriesClient>();
        foreach (var country in countries)
        {
            clients[country] = Client(node, await node.PersonTokenAsync($"liaison.{country.ToLowerInvariant()}", consoleBase));
        }
        return clients;
    }

    /// <summary>A recorded Watch stream.</summary>
    private sealed class Watcher : IDisposable
    {
        private readonly AsyncServerStreamingCall<DeliveryEvent> _call;
        private readonly List<DeliveryEvent> _events = [];

        public Watcher(AsyncServerStreamingCall<DeliveryEvent> call)
        {
            _call = call;
            _ = Task.Run(async () =>
            {
                try
                {
                    await foreach (var e in call.ResponseStream.ReadAllAsync())
                    {
                        lock (_events)
                        {
                            _events.Add(e);
                        }
                    }
                }
                catch (RpcException)
                {
                    // Ends with the test.
                }
            });
        }

        public List<DeliveryEvent> Events
        {
            get
            {
                lock (_events)
                {
                    return [.. _events];
                }
            }
        }

        public async Task<DeliveryEvent> WaitForAsync(Func<DeliveryEvent, bool> what, string description)
        {
            var deadline = DateTime.UtcNow + Wait;
            while (DateTime.UtcNow < deadline)
            {
                if (Events.FirstOrDefault(what) is { } found)
                {
                    return found;
                }
                await Task.Delay(50);
            }
            throw new TimeoutException($"no {description}; got {string.Join(", ", Events.Select(e => e.Type))}");
        }

        public void Dispose() => _call.Dispose();
    }

    private static ProposeDeliveryRequest Proposal(params string[] route)
    {
        var request = new ProposeDeliveryRequest
        {
            IdempotencyKey = "cd-" + Guid.NewGuid().ToString("N")[..20], InitiatingCountry = route[0], Title = "Heroin in dried apricots",
            Consignment = { new SeizedItem { Substance = Substance.Heroin, Quantity = 42, Unit = QuantityUnit.Kg } }, HandlingCode = HandlingCode.H2,
        };
        for (var i = 0; i < route.Length; i++)
        {
            request.Legs.Add(new RouteLeg { Country = route[i], EntryCrossingPoint = i == 0 ? "" : $"crossing into {route[i]}" });
        }
        return request;
    }

    [Fact]
    public async Task Tajikistan_to_Russia_every_route_country_sees_every_step_in_order_and_Uzbekistan_nothing()
    {
        broker.RequireControl();
        await using var node = await HubProcess.StartAsync(broker.HubUri);
        var c = await ClientsAsync(node, null, [.. Route, "UZB"]);
        // Replaying from the start of this node's (fresh) feed: no step can slip past a stream
        // that is still connecting.
        var watchers = Route.Append("UZB").ToDictionary(country => country, country => new Watcher(c[country].Watch(new WatchDeliveriesRequest { AfterSequence = 0 }, cancellationToken: Ct)));
        try
        {
            var d = await c["TJK"].ProposeAsync(Proposal(Route), cancellationToken: Ct);
            var at = new DeliveryRef { DeliveryId = d.Id };
            foreach (var country in Route.Skip(1))
            {
                await c[country].RespondAsync(new RespondRequest { DeliveryId = d.Id, Accept = true }, cancellationToken: Ct);
            }
            await c["TJK"].StartAsync(at, cancellationToken: Ct);
            for (var leg = 0; leg < 3; leg++)
            {
                await c[Route[leg]].ReportPositionAsync(new ReportPositionRequest { DeliveryId = d.Id, Kind = "sighting", Text = $"truck seen in {Route[leg]}" }, cancellationToken: Ct);
                await c[Route[leg]].OfferHandoverAsync(at, cancellationToken: Ct);
                await c[Route[leg + 1]].TakeOverAsync(at, cancellationToken: Ct);
            }
            var seizure = await node.CreateAlertsClient(await node.AgencyTokenAsync("RUS")).PostAlertAsync(SampleAlerts.HeroinAtKorday("RUS"), cancellationToken: Ct);
            await c["RUS"].CompleteAsync(new CompleteDeliveryRequest { DeliveryId = d.Id, SeizureAlertId = seizure.Alert.Id }, cancellationToken: Ct);

            string[] steps = ["proposed", "responded", "responded", "approved", "started",
                "position", "handover.offered", "handover.taken", "position", "handover.offered", "handover.taken",
                "position", "handover.offered", "handover.taken", "completed"];
            foreach (var country in Route)
            {
                var completed = await watchers[country].WaitForAsync(e => e.Type == "completed" && e.Delivery.Id == d.Id, $"completion on {country}'s stream");
                Assert.Equal(seizure.Alert.Id, completed.Delivery.SeizureAlertId);
                var mine = watchers[country].Events.Where(e => e.Delivery.Id == d.Id).ToList();
                Assert.Equal(steps, mine.Select(e => e.Type));
                Assert.Equal(mine.Select(e => e.Sequence).Order(), mine.Select(e => e.Sequence));
            }

            // Uzbekistan's first event is its own operation, posted last: it saw nothing before.
            var own = await c["UZB"].ProposeAsync(Proposal("UZB", "KAZ"), cancellationToken: Ct);
            var first = await watchers["UZB"].WaitForAsync(_ => true, "UZB's own proposal");
            Assert.Equal(own.Id, first.Delivery.Id);
            Assert.DoesNotContain(watchers["UZB"].Events, e => e.Delivery.Id == d.Id);
        }
        finally
        {
            foreach (var watcher in watchers.Values)
            {
                watcher.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_restart_in_the_middle_of_an_operation_loses_no_state_or_deadline_and_two_nodes_raise_one_escalation()
    {
        broker.RequireControl();
        var handoverWindow = new Dictionary<string, string> { ["Hub__Deliveries__HandoverWindow"] = "00:00:04" };
        var nodeA = await HubProcess.StartAsync(broker.HubUri, extra: handoverWindow);
        var c = await ClientsAsync(nodeA, null, "TJK", "KGZ");
        var d = await c["TJK"].ProposeAsync(Proposal("TJK", "KGZ"), cancellationToken: Ct);
        await c["KGZ"].RespondAsync(new RespondRequest { DeliveryId = d.Id, Accept = true }, cancellationToken: Ct);
        await c["TJK"].StartAsync(new DeliveryRef { DeliveryId = d.Id }, cancellationToken: Ct);
        await c["TJK"].ReportPositionAsync(new ReportPositionRequest { DeliveryId = d.Id, Kind = "checkpoint", Text = "Dushanbe ring road" }, cancellationToken: Ct);
        var offered = await c["TJK"].OfferHandoverAsync(new DeliveryRef { DeliveryId = d.Id }, cancellationToken: Ct);

        // The node dies before the handover deadline; two fresh nodes come up on the same data.
        await nodeA.KillAsync();
        await nodeA.DisposeAsync();
        await using var nodeB = await HubProcess.StartAsync(broker.HubUri, nodeA.DataDirectory, issuer: nodeA.WebAddress, extra: handoverWindow);
        await using var nodeC = await HubProcess.StartAsync(broker.HubUri, nodeA.DataDirectory, issuer: nodeA.WebAddress, extra: handoverWindow);
        var onB = await ClientsAsync(nodeB, nodeA.WebAddress, "TJK", "KGZ");
        using var watcher = new Watcher(onB["KGZ"].Watch(new WatchDeliveriesRequest { DeliveryId = d.Id, AfterSequence = 0 }, cancellationToken: Ct));

        var escalation = await watcher.WaitForAsync(e => e.Type == "handover.overdue", "the handover escalation after the restart");
        var state = await onB["TJK"].GetAsync(new DeliveryRef { DeliveryId = d.Id }, cancellationToken: Ct);

        Assert.Equal(offered, state);
        Assert.Equal(offered.HandoverDueAt, escalation.Delivery.HandoverDueAt);
        Assert.Equal("Dushanbe ring road", Assert.Single(state.Positions).Text);
        // Both nodes' timers watch the deadline until the takeover ends it; the stream is in
        // feed order, so every escalation either raised comes before handover.taken.
        Assert.Equal(1, (await onB["KGZ"].TakeOverAsync(new DeliveryRef { DeliveryId = d.Id }, cancellationToken: Ct)).CurrentLeg);
        await watcher.WaitForAsync(e => e.Type == "handover.taken", "the takeover");
        Assert.Single(watcher.Events, e => e.Type == "handover.overdue");
    }
}
