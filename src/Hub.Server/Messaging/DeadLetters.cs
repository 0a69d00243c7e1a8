using System.Text;
using RabbitMQ.Client;

namespace Hub.Server.Messaging;

/// <summary>
/// MassTransit moves a message that still fails after its retries — or cannot even be read —
/// to <c>&lt;queue&gt;_error</c>, with the reason in its headers. This reads those queues for
/// admins and moves messages back for another try.
/// </summary>
public sealed class DeadLetters(BrokerConnection broker)
{
    /// <summary>The durable queues whose failures matter beyond one node's lifetime.</summary>
    public static readonly IReadOnlyList<string> Queues = [CountryFanOuts.QueueName];

    public static string ErrorQueue(string queue) => queue + "_error";

    public sealed record Letter(string Queue, string? MessageId, string Reason, string ExceptionType, string BodyPreview);

    public Task<(IReadOnlyList<Letter> Letters, IReadOnlyDictionary<string, long> Counts)> PeekAsync(int limit, CancellationToken cancellationToken) =>
        broker.UseAsync<(IReadOnlyList<Letter>, IReadOnlyDictionary<string, long>)>(async channel =>
        {
            var letters = new List<Letter>();
            var counts = new Dictionary<string, long>();
            foreach (var queue in Queues)
            {
                var error = ErrorQueue(queue);
                if (await CountAsync(channel, error, cancellationToken) is not { } count)
                {
                    // No error queue yet: nothing has failed. (The channel is closed now.)
                    counts[queue] = 0;
                    break;
                }
                counts[queue] = count;
                var taken = new List<ulong>();
                while (letters.Count < limit && await channel.BasicGetAsync(error, autoAck: false, cancellationToken) is { } result)
                {
                    taken.Add(result.DeliveryTag);
                    letters.Add(new Letter(queue, result.BasicProperties.MessageId,
                        Header(result.BasicProperties, "MT-Fault-Message") ?? Header(result.BasicProperties, "MT-Reason") ?? "unknown",
                        Header(result.BasicProperties, "MT-Fault-ExceptionType") ?? "",
                        Preview(result.Body.Span)));
                }
                // Peeking only: every message goes back where it was.
                foreach (var tag in taken)
                {
                    await channel.BasicNackAsync(tag, multiple: false, requeue: true, cancellationToken);
                }
            }
            return (letters, counts);
        }, cancellationToken);

    public Task<int> ReplayAsync(string queue, int limit, CancellationToken cancellationToken) =>
        broker.UseAsync(async channel =>
        {
            var error = ErrorQueue(queue);
            if (await CountAsync(channel, error, cancellationToken) is null)
            {
                return 0;
            }
            var replayed = 0;
            while (replayed < limit && await channel.BasicGetAsync(error, autoAck: false, cancellationToken) is { } result)
            {
                var properties = new BasicProperties(result.BasicProperties)
                {
                    Headers = result.BasicProperties.Headers?
                        .Where(h => !h.Key.StartsWith("MT-Fault", StringComparison.Ordinal) && h.Key != "MT-Reason")
                        .ToDictionary(h => h.Key, h => h.Value),
                };
                // Confirmed on the original queue before it leaves the error queue: never lost.
                await channel.BasicPublishAsync(string.Empty, queue, mandatory: true, properties, result.Body, cancellationToken);
                await channel.BasicAckAsync(result.DeliveryTag, multiple: false, cancellationToken);
                replayed++;
            }
            return replayed;
        }, cancellationToken);

    /// <summary>
    /// How many messages wait in a queue MassTransit declared (passively: its arguments are
    /// MassTransit's to choose); null when the queue does not exist, which closes the channel.
    /// </summary>
    private static async Task<long?> CountAsync(IChannel channel, string queue, CancellationToken cancellationToken)
    {
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
        {
            return null;
        }
    }

    private static string? Header(IReadOnlyBasicProperties properties, string name) =>
        properties.Headers is not null && properties.Headers.TryGetValue(name, out var value)
            ? value switch { byte[] bytes => Encoding.UTF8.GetString(bytes), null => null, _ => value.ToString() }
            : null;

    private static string Preview(ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body.Length > 2000 ? body[..2000] : body);
        return text;
    }
}
