using System.Collections.Concurrent;
using System.Text.Json;
using Grpc.Core;
using Hub.Contracts.V1;
using Microsoft.AspNetCore.SignalR.Client;

namespace Hub.Tests.Access;

/// <summary>
/// One caller's three Watch streams (alerts, cases, deliveries) and, for live capture, its
/// SignalR connection, recording every event id each channel delivers. Reading runs in the
/// background until disposed, so that the test decides when it has seen enough.
/// </summary>
internal sealed class FeedCapture : IAsyncDisposable
{
    public const string Alert = "alert";
    public const string Case = "case";
    public const string Delivery = "delivery";
    public const string Stream = "stream";
    public const string SignalR = "signalr";
    public static readonly string[] Kinds = [Alert, Case, Delivery];

    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _readers = [];
    private readonly List<IDisposable> _calls = [];
    private HubConnection? _feed;
    private readonly ConcurrentDictionary<(string Channel, string Kind), ConcurrentDictionary<string, long>> _seen = new();

    public required string Caller { get; init; }

    /// <summary>Event ids (with their sequences) that <paramref name="channel"/> delivered of <paramref name="kind"/>.</summary>
    public IReadOnlyDictionary<string, long> Seen(string channel, string kind) => _seen.GetOrAdd((channel, kind), _ => new());

    public bool Has(string channel, string kind, string eventId) => Seen(channel, kind).ContainsKey(eventId);

    /// <summary>Opens the streams after <paramref name="after"/> (negative: live only) and, when asked, the SignalR feed; returns once all are subscribed.</summary>
    public static async Task<FeedCapture> OpenAsync(HubFactory hub, string caller, string token, long after, bool signalR)
    {
        var capture = new FeedCapture { Caller = caller };
        var channel = hub.CreateGrpcChannel(token);
        var ct = capture._stop.Token;
        var alerts = new SeizureAlerts.SeizureAlertsClient(channel).WatchAlerts(new WatchAlertsRequest { AfterSequence = after }, cancellationToken: ct);
        var cases = new Contracts.V1.Cases.CasesClient(channel).WatchCases(new WatchCasesRequest { AfterSequence = after }, cancellationToken: ct);
        var deliveries = new ControlledDeliveries.ControlledDeliveriesClient(channel).Watch(new WatchDeliveriesRequest { AfterSequence = after }, cancellationToken: ct);
        capture._calls.AddRange([alerts, cases, deliveries]);
        // The watcher subscribes to the live feed before it sends headers.
        await Eventually.WaitAsync(Task.WhenAll(alerts.ResponseHeadersAsync, cases.ResponseHeadersAsync, deliveries.ResponseHeadersAsync), $"{caller}'s streams to open");
        capture.Read(alerts, Alert, e => (e.EventId, e.Sequence));
        capture.Read(cases, Case, e => (e.EventId, e.Sequence));
        capture.Read(deliveries, Delivery, e => (e.EventId, e.Sequence));
        if (signalR)
        {
            var feed = hub.CreateFeedConnection(token);
            feed.On<JsonElement>("alertPosted", m => capture.Record(SignalR, Alert, m));
            feed.On<JsonElement>("caseEvent", m => capture.Record(SignalR, Case, m));
            feed.On<JsonElement>("deliveryEvent", m => capture.Record(SignalR, Delivery, m));
            await feed.StartAsync(ct);
            capture._feed = feed;
        }
        return capture;
    }

    private void Read<T>(AsyncServerStreamingCall<T> call, string kind, Func<T, (string EventId, long Sequence)> id)
    {
        var seen = _seen.GetOrAdd((Stream, kind), _ => new());
        _readers.Add(Task.Run(async () =>
        {
            try
            {
                await foreach (var item in call.ResponseStream.ReadAllAsync(_stop.Token))
                {
                    var (eventId, sequence) = id(item);
                    seen[eventId] = sequence;
                }
            }
            // A call disposed under a read may end it with the client's own ObjectDisposedException.
            catch (Exception ex) when (_stop.IsCancellationRequested && ex is RpcException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }));
    }

    private void Record(string channel, string kind, JsonElement message)
    {
        // proto3 JSON writes int64 as a string; the alert's own message writes a number.
        var sequence = message.GetProperty("sequence");
        _seen.GetOrAdd((channel, kind), _ => new())[message.GetProperty("eventId").GetString()!] =
            sequence.ValueKind == JsonValueKind.String ? long.Parse(sequence.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : sequence.GetInt64();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var call in _calls)
        {
            call.Dispose();
        }
        // A reader that ended otherwise (an error the server sent) fails the capture here.
        await Task.WhenAll(_readers).WaitAsync(Eventually.DefaultTimeout);
        if (_feed is not null)
        {
            await _feed.DisposeAsync();
        }
        _stop.Dispose();
    }
}
