using Grpc.Core;
using Grpc.Net.Client;
using Hub.Client;
using Hub.Contracts.V1;
using Microsoft.AspNetCore.SignalR.Client;

// hub-client post-sample [--grpc URL] [--country KAZ]
// hub-client watch       [--grpc URL] [--after N]
// hub-client feed        [--web URL]
var command = args.FirstOrDefault() ?? "help";
string Option(string name, string fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}
var grpcUrl = Option("--grpc", "http://127.0.0.1:5081");
var webUrl = Option("--web", "http://127.0.0.1:5080");
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

switch (command)
{
    case "post-sample":
    {
        using var channel = GrpcChannel.ForAddress(grpcUrl);
        var client = new SeizureAlerts.SeizureAlertsClient(channel);
        var response = await client.PostAlertAsync(SampleAlerts.HeroinAtKorday(Option("--country", "KAZ")), cancellationToken: cancel.Token);
        Console.WriteLine($"posted alert {response.Alert.Id} sequence {response.Alert.Sequence}{(response.Duplicate ? " (duplicate)" : "")}");
        return 0;
    }
    case "watch":
    {
        using var channel = GrpcChannel.ForAddress(grpcUrl);
        var client = new SeizureAlerts.SeizureAlertsClient(channel);
        using var call = client.WatchAlerts(new WatchAlertsRequest { AfterSequence = long.Parse(Option("--after", "-1"), System.Globalization.CultureInfo.InvariantCulture) }, cancellationToken: cancel.Token);
        try
        {
            await foreach (var e in call.ResponseStream.ReadAllAsync(cancel.Token))
            {
                var content = e.Alert.Content;
                Console.WriteLine($"#{e.Sequence} {content.ReportingCountry} {content.SeizedAt.ToDateTimeOffset():u} {content.Location.Place}: " +
                    string.Join(", ", content.Items.Select(i => $"{i.Quantity} {i.Unit} {i.Substance}")));
            }
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled) { }
        return 0;
    }
    case "feed":
    {
        await using var connection = new HubConnectionBuilder().WithUrl($"{webUrl.TrimEnd('/')}/hubs/feed").WithAutomaticReconnect().Build();
        connection.On<System.Text.Json.JsonElement>("alertPosted", message => Console.WriteLine($"alertPosted {message}"));
        await connection.StartAsync(cancel.Token);
        Console.WriteLine($"connected to {webUrl}/hubs/feed; waiting for alerts (Ctrl+C to stop)");
        try { await Task.Delay(Timeout.Infinite, cancel.Token); } catch (OperationCanceledException) { }
        return 0;
    }
    default:
        Console.WriteLine("usage: hub-client post-sample [--grpc URL] [--country KAZ] | watch [--grpc URL] [--after N] | feed [--web URL]");
        return command == "help" ? 0 : 2;
}
