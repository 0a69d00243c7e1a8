using System.Diagnostics;
using System.Text;
using Hub.Load.Load;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Hub.Load.Bare;

/// <summary>
/// The broker stage on its own: publish with publisher confirms, one at a time as the hub's
/// outbox dispatcher does, a persistent message of the size of an AlertPosted event, through
/// a fanout exchange to a non-durable auto-delete queue (like a node's live-feed queue), and
/// consume it. Latency: the publish's due time to the consumer's receipt.
/// </summary>
internal sealed class BareRabbit : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _publisher;
    private readonly IChannel _consumer;
    private readonly SemaphoreSlim _oneAtATime = new(1);
    private readonly byte[] _body;
    private long[] _due = [];
    private Latency _latency = new();
    private long _received;

    private BareRabbit(IConnection connection, IChannel publisher, IChannel consumer, byte[] body)
    {
        _connection = connection;
        _publisher = publisher;
        _consumer = consumer;
        _body = body;
    }

    public const string Exchange = "hub-load-bare";

    public static async Task<BareRabbit> StartAsync(string uri)
    {
        var factory = new ConnectionFactory { Uri = new Uri(uri), ClientProvidedName = "hub-load bare stage" };
        var connection = await factory.CreateConnectionAsync();
        var publisher = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var consumer = await connection.CreateChannelAsync();
        await publisher.ExchangeDeclareAsync(Exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var queue = await consumer.QueueDeclareAsync("hub-load-bare-" + Guid.NewGuid().ToString("N")[..8], durable: false, exclusive: false, autoDelete: true);
        await consumer.QueueBindAsync(queue.QueueName, Exchange, "");
        // An AlertPosted event as the outbox stores it: the alert JSON inside the event JSON.
        var alertJson = Data.SampleFeed.AlertJson();
        var body = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new
        {
            eventId = Guid.NewGuid(), alertId = Guid.NewGuid(), sequence = 1, reportingCountry = "KAZ", distribution = "DISTRIBUTION_MEMBERS",
            addressedCountries = Array.Empty<string>(), handlingCode = "HANDLING_CODE_H1", alertJson,
        }));
        var bare = new BareRabbit(connection, publisher, consumer, body);
        var handler = new AsyncEventingBasicConsumer(consumer);
        handler.ReceivedAsync += (_, delivery) =>
        {
            var now = Stopwatch.GetTimestamp();
            var i = long.Parse(delivery.BasicProperties.MessageId!, System.Globalization.CultureInfo.InvariantCulture);
            var due = bare._due;
            if (i < due.Length)
            {
                bare._latency.Record(due[i], now);
            }
            Interlocked.Increment(ref bare._received);
            return Task.CompletedTask;
        };
        await consumer.BasicConsumeAsync(queue.QueueName, autoAck: true, handler);
        return bare;
    }

    public int MessageBytes => _body.Length;

    /// <summary>Prepares for a phase of <paramref name="count"/> messages.</summary>
    public void Reset(long count)
    {
        _due = new long[count];
        _latency = new Latency();
        Interlocked.Exchange(ref _received, 0);
    }

    public long Received => Interlocked.Read(ref _received);

    public Latency DeliveryLatency => _latency;

    public async Task PublishAsync(long i, long due, CancellationToken cancellationToken)
    {
        if (i < _due.Length)
        {
            _due[i] = due;
        }
        var properties = new BasicProperties
        {
            MessageId = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Persistent = true,
            ContentType = "application/vnd.masstransit+json",
        };
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            await _publisher.BasicPublishAsync(Exchange, "", mandatory: false, properties, _body, cancellationToken);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _consumer.CloseAsync();
        await _publisher.CloseAsync();
        await _connection.CloseAsync();
        _consumer.Dispose();
        _publisher.Dispose();
        _connection.Dispose();
        _oneAtATime.Dispose();
    }
}
