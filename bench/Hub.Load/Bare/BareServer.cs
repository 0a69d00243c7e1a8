using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Load.Data;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Hub.Load.Bare;

/// <summary>
/// The bare baselines, run as a second process of this tool (`Hub.Load serve-bare`), with the
/// hub's Kestrel layout and limits: the web endpoint on HTTP/1.1 (SignalR at /hubs/feed), the
/// gRPC endpoint on HTTP/2 only, 12 MiB request bodies, 1 MiB gRPC messages. No storage, no
/// authentication, no audit, no bus: what is left is the transport the hub stands on.
/// </summary>
internal static class BareServer
{
    /// <param name="matchDatabase">For the match scenario: the hub's SQLite file, looked up by <see cref="BareLookup"/> under <paramref name="matchKeyFile"/>.</param>
    /// <param name="statsDatabase">For the stats scenario: the hub's SQLite file, aggregated by <see cref="BareStatistics"/>.</param>
    public static async Task<int> RunAsync(string web, string grpc, string? matchDatabase = null, string? matchKeyFile = null, string? statsDatabase = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Not the hub's appsettings.json (copied beside this tool): its Kestrel endpoints would
        // bind the hub's default ports as well as ours.
        builder.Configuration.Sources.Clear();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(o =>
        {
            o.Limits.MaxRequestBodySize = 12 * 1024 * 1024;
            var webUri = new Uri(web);
            var grpcUri = new Uri(grpc);
            o.Listen(System.Net.IPAddress.Loopback, webUri.Port, l => l.Protocols = HttpProtocols.Http1);
            o.Listen(System.Net.IPAddress.Loopback, grpcUri.Port, l => l.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = 1024 * 1024);
        builder.Services.AddSignalR();
        builder.Services.AddSingleton<Broadcaster>();
        if (matchDatabase is not null && matchKeyFile is not null)
        {
            builder.Services.AddSingleton(new BareLookup.Database(matchDatabase, matchKeyFile));
        }
        if (statsDatabase is not null)
        {
            builder.Services.AddSingleton(new BareStatistics.Database(statsDatabase));
        }
        var app = builder.Build();
        app.MapGrpcService<EchoAlerts>();
        if (matchDatabase is not null)
        {
            app.MapGrpcService<BareLookup>();
        }
        if (statsDatabase is not null)
        {
            app.MapGrpcService<BareStatistics>();
        }
        app.MapHub<BareFeedHub>("/hubs/feed");
        app.MapGet("/healthz", () => "ok");
        // Starts a broadcast: `count` alertPosted messages to every connection, `rate` per second.
        // Answers with the schedule's start (Stopwatch timestamp: CLOCK_MONOTONIC, the same
        // clock in every process of the machine), so the client computes each message's due time.
        app.MapPost("/bench/broadcast", (double rate, int count, Broadcaster broadcaster) =>
            Results.Text(broadcaster.Start(rate, count).ToString(CultureInfo.InvariantCulture)));
        app.MapGet("/bench/broadcast", (Broadcaster broadcaster) => Results.Json(new { sent = broadcaster.Sent, late = broadcaster.Late }));
        await app.RunAsync();
        return 0;
    }
}

/// <summary>SeizureAlerts.PostAlert answered at once with the alert as if stored: same messages, same sizes, nothing kept.</summary>
internal sealed class EchoAlerts : SeizureAlerts.SeizureAlertsBase
{
    private static long _sequence;

    public override Task<PostAlertResponse> PostAlert(PostAlertRequest request, ServerCallContext context) =>
        Task.FromResult(new PostAlertResponse
        {
            Alert = new SeizureAlert
            {
                Id = Guid.NewGuid().ToString(),
                Sequence = Interlocked.Increment(ref _sequence),
                ReceivedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
                Content = request.Alert,
            },
        });
}

/// <summary>Every connection joins one group, as the hub's operators join "centre".</summary>
internal sealed class BareFeedHub : Microsoft.AspNetCore.SignalR.Hub
{
    public override async Task OnConnectedAsync()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, "centre");
        await base.OnConnectedAsync();
    }
}

/// <summary>Sends the hub's alertPosted payload (event id, sequence, the alert as proto3 JSON) to the group at a fixed rate.</summary>
internal sealed class Broadcaster(IHubContext<BareFeedHub> hub)
{
    private long _sent;
    private long _late;

    public long Sent => Interlocked.Read(ref _sent);
    public long Late => Interlocked.Read(ref _late);

    public long Start(double rate, int count)
    {
        Interlocked.Exchange(ref _sent, 0);
        Interlocked.Exchange(ref _late, 0);
        using var alert = JsonDocument.Parse(SampleFeed.AlertJson());
        var payloadAlert = alert.RootElement.Clone();
        var period = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 10;
        var thread = new Thread(() =>
        {
            for (var i = 0; i < count; i++)
            {
                var due = start + (long)(i * period);
                while (Stopwatch.GetTimestamp() < due)
                {
                    var ms = (due - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency;
                    if (ms >= 2)
                    {
                        Thread.Sleep((int)ms - 1);
                    }
                    else
                    {
                        Thread.Yield();
                    }
                }
                if (Stopwatch.GetTimestamp() - due > Stopwatch.Frequency / 1000)
                {
                    Interlocked.Increment(ref _late);
                }
                var payload = new BareFeedMessage(Guid.NewGuid(), i + 1, payloadAlert);
                // Awaited one at a time, as the hub's live-feed consumer does (one message at a
                // time, each group send awaited): a send that waits delays the next, and the
                // client charges that to the messages' due times.
                hub.Clients.Group("centre").SendAsync("alertPosted", payload).GetAwaiter().GetResult();
                Interlocked.Increment(ref _sent);
            }
        })
        { IsBackground = true, Name = "broadcast" };
        thread.Start();
        return start;
    }
}

internal sealed record BareFeedMessage(Guid EventId, long Sequence, JsonElement Alert);
