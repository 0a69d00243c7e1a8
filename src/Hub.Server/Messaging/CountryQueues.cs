using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using RabbitMQ.Client;

namespace Hub.Server.Messaging;

/// <summary>
/// Each member agency's own durable queue, <c>hub.country.&lt;CODE&gt;</c>, holding every event
/// its country may see, in order, until the agency's system takes it — store and forward for
/// systems that are offline. The format is documented in docs/integration/country-queues.md.
/// </summary>
public sealed class CountryQueues(BrokerConnection broker, Microsoft.Extensions.Options.IOptions<BusOptions> options)
{
    public const string Prefix = "hub.country.";
    public const string Schema = "hub.country-event.v1";
    private readonly HashSet<string> _declared = [];

    public static string QueueName(string country) => Prefix + country;

    /// <summary>Quorum queues by default (replicated in a cluster); classic where the broker lacks them.</summary>
    private Dictionary<string, object?> Arguments() => new()
    {
        ["x-queue-type"] = options.Value.CountryQueueType,
        // One consumer at a time per country keeps the agency's events in order even when it
        // runs several instances; the others take over if it goes away.
        ["x-single-active-consumer"] = true,
    };

    /// <summary>Sends one event to one country's queue and returns once the broker has confirmed it.</summary>
    public Task SendAsync(string country, CountryEvent countryEvent, CancellationToken cancellationToken) =>
        broker.UseAsync(async channel =>
        {
            var queue = QueueName(country);
            if (!_declared.Contains(queue))
            {
                await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: Arguments(), cancellationToken: cancellationToken);
                _declared.Add(queue);
            }
            var properties = new BasicProperties
            {
                MessageId = countryEvent.EventId.ToString(),
                Type = countryEvent.EventType,
                ContentType = "application/json",
                ContentEncoding = "utf-8",
                DeliveryMode = DeliveryModes.Persistent,
                Timestamp = new AmqpTimestamp(countryEvent.OccurredAt.ToUnixTimeSeconds()),
                Headers = new Dictionary<string, object?> { ["schema"] = Schema },
            };
            var body = JsonSerializer.SerializeToUtf8Bytes(countryEvent, CountryEvent.Json);
            await channel.BasicPublishAsync(string.Empty, queue, mandatory: true, properties, body, cancellationToken);
            return true;
        }, cancellationToken);
}

/// <summary>The <c>Hub:Bus</c> settings, checked when the hub starts.</summary>
public sealed class BusOptions
{
    public const string Section = "Hub:Bus";

    /// <summary><c>quorum</c> (replicated in a cluster, the default) or <c>classic</c> (brokers without quorum queues).</summary>
    [System.ComponentModel.DataAnnotations.RegularExpression("^(quorum|classic)$")]
    public string CountryQueueType { get; set; } = "quorum";
}

/// <summary>
/// What a member agency's system reads from its queue (schema <c>hub.country-event.v1</c>).
/// </summary>
/// <param name="Schema">Always <c>hub.country-event.v1</c> for this shape.</param>
/// <param name="EventId">Unique per event: de-duplicate on it (delivery is at least once).</param>
/// <param name="EventType">What happened, e.g. <c>alert.posted</c>, <c>alert.corrected</c>, <c>alert.released</c>, <c>alert.withdrawn</c>.</param>
/// <param name="Sequence">The event's feed position; increases along the queue within a feed.</param>
/// <param name="OccurredAt">When the hub stored the event.</param>
/// <param name="Alert">For alert events: the alert as it is for the country when the event was queued, proto3 JSON of <c>hub.v1.SeizureAlert</c> (no content once withdrawn).</param>
public sealed record CountryEvent(
    string Schema,
    Guid EventId,
    string EventType,
    long Sequence,
    DateTimeOffset OccurredAt,
    JsonElement? Alert)
{
    /// <summary>For a change to a record (alert.corrected, alert.released, alert.withdrawn): the reason given.</summary>
    public string? Reason { get; init; }

    /// <summary>For case events: the event as proto3 JSON of <c>hub.v1.CaseEvent</c>.</summary>
    public JsonElement? Case { get; init; }

    /// <summary>For delivery events: the event as proto3 JSON of <c>hub.v1.DeliveryEvent</c>.</summary>
    public JsonElement? Delivery { get; init; }

    /// <summary>For match events: the event as proto3 JSON of <c>hub.v1.MatchEvent</c>, as your side of the match may know it.</summary>
    public JsonElement? Match { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static CountryEvent FromBytes(ReadOnlySpan<byte> body) =>
        JsonSerializer.Deserialize<CountryEvent>(Encoding.UTF8.GetString(body), Json) ?? throw new JsonException("empty country event");
}
