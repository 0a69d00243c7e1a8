using Hub.Contracts.V1;
using Hub.Load.Data;
using Hub.Load.Infra;
using Hub.Load.Load;

namespace Hub.Load.Scenarios;

/// <summary>A started hub with Kazakhstan's agency system signed in: its gRPC alerts client and its database beside it.</summary>
internal sealed class HubUnderTest : IAsyncDisposable
{
    private readonly Grpc.Net.Client.GrpcChannel _channel;

    private HubUnderTest(ServerNode node, string agencyToken)
    {
        Node = node;
        AgencyToken = agencyToken;
        _channel = node.Channel(agencyToken);
        Alerts = new SeizureAlerts.SeizureAlertsClient(_channel);
        Database = new HubDatabase(node.DataDirectory!);
    }

    public ServerNode Node { get; }
    public string AgencyToken { get; }
    public SeizureAlerts.SeizureAlertsClient Alerts { get; }
    public HubDatabase Database { get; }

    public static async Task<HubUnderTest> StartAsync(string dataDirectory, string? rabbitMq = null, IReadOnlyDictionary<string, string>? extra = null)
    {
        var node = await ServerNode.StartHubAsync(dataDirectory, rabbitMq, extra);
        try
        {
            return new HubUnderTest(node, await Tokens.AgencyAsync(node.Web, "KAZ"));
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>How long a fresh hub is warmed at a measured rate (see <see cref="WarmUpAtAsync"/>).</summary>
    public static readonly TimeSpan FreshWarmUp = TimeSpan.FromSeconds(12);

    /// <summary>
    /// Posts at <paramref name="rate"/> long enough for the JIT's second tier to finish, then
    /// waits for the outbox: a fresh process otherwise spends a tenth of its CPU recompiling
    /// during the phase that follows.
    /// </summary>
    public async Task WarmUpAtAsync(double rate)
    {
        Console.WriteLine($"warm-up of the fresh hub: {rate:0} alerts/s for {FreshWarmUp.TotalSeconds:0} s");
        await Drive.FixedRateAsync("warm-up", rate, FreshWarmUp, Posts.To(Alerts));
        await Database.WaitDrainedAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2));
    }

    public Task<string> OperatorTokenAsync() => Tokens.PersonAsync(Node.Web, "operator");

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await Node.DisposeAsync();
    }
}
