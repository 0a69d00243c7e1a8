using Hub.Contracts.V1;
using Hub.Load.Data;
using Hub.Load.Infra;

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

    public Task<string> OperatorTokenAsync() => Tokens.PersonAsync(Node.Web, "operator");

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await Node.DisposeAsync();
    }
}
