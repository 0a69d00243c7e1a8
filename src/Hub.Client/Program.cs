using Grpc.Core;
using Grpc.Net.Client;
using Hub.Client;
using Hub.Contracts.V1;
using Microsoft.AspNetCore.SignalR.Client;

// hub-client post-sample [--country KAZ] [--key IDEMPOTENCY-KEY] [--client ID --secret S] [--grpc URL] [--web URL]
// hub-client watch       [--country KAZ] [--client ID --secret S] [--after N] [--grpc URL] [--web URL]
// hub-client feed        [--country KAZ] [--client ID --secret S] [--web URL]
// Without --client/--secret it signs in as the country's development agency client, which
// exists only in the embedded default.
var command = args.FirstOrDefault() ?? "help";
string Option(string name, string fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}
var grpcUrl = Option("--grpc", "http://127.0.0.1:5081");
var webUrl = new Uri(Option("--web", "http://127.0.0.1:5080"));
var country = Option("--country", "KAZ").ToUpperInvariant();
var clientId = Option("--client", $"agency-{country.ToLowerInvariant()}");
var clientSecret = Option("--secret", $"agency-{country.ToLowerInvariant()}-dev-secret");
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

if (command is not ("post-sample" or "watch" or "feed"))
{
    Console.WriteLine("usage: hub-client post-sample|watch|feed [--country KAZ] [--key K] [--client ID --secret S] [--after N] [--grpc URL] [--web URL]");
    return command == "help" ? 0 : 2;
}

var token = await HubTokens.ClientCredentialsAsync(webUrl, clientId, clientSecret, cancel.Token);
var headers = new Metadata { { "Authorization", "Bearer " + token } };

switch (command)
{
    case "post-sample":
    {
        using var channel = GrpcChannel.ForAddress(grpcUrl);
        var client = new SeizureAlerts.SeizureAlertsClient(channel);
        var key = Option("--key", "");
        var response = await client.PostAlertAsync(SampleAlerts.HeroinAtKorday(country, key.Length > 0 ? key : null), headers, cancellationToken: cancel.Token);
        Console.WriteLine($"posted alert {response.Alert.Id} sequence {response.Alert.Sequence}{(response.Duplicate ? " (duplicate)" : "")}");
        return 0;
    }
    case "watch":
    {
        using var channel = GrpcChannel.ForAddress(grpcUrl);
        var client = new SeizureAlerts.SeizureAlertsClient(channel);
        var after = long.Parse(Option("--after", "-1"), System.Globalization.CultureInfo.InvariantCulture);
        using var call = client.WatchAlerts(new WatchAlertsRequest { AfterSequence = after }, headers, cancellationToken: cancel.Token);
        Console.WriteLine($"watching alerts {country} may see (Ctrl+C to stop)");
        try
        {
            await foreach (var e in call.ResponseStream.ReadAllAsync(cancel.Token))
            {
                var content = e.Alert.Content;
                Console.WriteLine($"#{e.Sequence} {content.ReportingCountry} {content.SeizedAt.ToDateTimeOffset():u} {content.Location.Place}: " +
                    string.Join(", ", content.Items.Select(i => $"{i.Quantity} {i.Unit} {i.Substance}")) +
                    $" [{content.Distribution}, {content.HandlingCode}]");
            }
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled) { }
        catch (OperationCanceledException) { }
        return 0;
    }
    default:
    {
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(webUrl, "/hubs/feed"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .WithAutomaticReconnect()
            .Build();
        connection.On<System.Text.Json.JsonElement>("alertPosted", message => Console.WriteLine($"alertPosted {message}"));
        await connection.StartAsync(cancel.Token);
        Console.WriteLine($"connected to {webUrl}hubs/feed as {clientId}; waiting for alerts (Ctrl+C to stop)");
        try { await Task.Delay(Timeout.Infinite, cancel.Token); } catch (OperationCanceledException) { }
        return 0;
    }
}
