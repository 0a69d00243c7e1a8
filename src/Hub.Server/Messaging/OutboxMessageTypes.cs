using System.Collections.Frozen;
using System.Text.Json;
using Hub.Contracts.Events;

namespace Hub.Server.Messaging;

/// <summary>
/// The events the outbox may carry, by a stable key stored in each row. A row's type is
/// looked up here rather than by CLR name so that moving a class never strands stored rows.
/// </summary>
public static class OutboxMessageTypes
{
    private static readonly FrozenDictionary<string, Type> ByKey = new Dictionary<string, Type>
    {
        ["alert-posted.v1"] = typeof(AlertPosted),
        ["alert-changed.v1"] = typeof(AlertChanged),
        ["case-event.v1"] = typeof(CaseEventOccurred),
        ["delivery-event.v1"] = typeof(DeliveryEventOccurred),
        ["match-event.v1"] = typeof(MatchEventOccurred),
        ["audit-checkpoint.v1"] = typeof(AuditCheckpointWritten),
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<Type, string> KeyByType = ByKey.ToFrozenDictionary(p => p.Value, p => p.Key);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static OutboxMessage Create<T>(Guid messageId, T message, DateTime nowUtc) where T : class => Create(messageId, message, typeof(T), nowUtc);

    public static OutboxMessage Create(Guid messageId, object message, Type type, DateTime nowUtc) => new()
    {
        MessageId = messageId,
        MessageType = KeyByType.TryGetValue(type, out var key)
            ? key
            : throw new InvalidOperationException($"{type.Name} is not registered as an outbox message type."),
        Payload = JsonSerializer.Serialize(message, type, Json),
        CreatedAtUtc = nowUtc,
    };

    public static (object Message, Type Type) Read(OutboxMessage row)
    {
        if (!ByKey.TryGetValue(row.MessageType, out var type))
        {
            throw new InvalidOperationException($"Outbox row {row.Id} has unknown message type '{row.MessageType}'.");
        }
        var message = JsonSerializer.Deserialize(row.Payload, type, Json)
            ?? throw new InvalidOperationException($"Outbox row {row.Id} has an empty payload.");
        return (message, type);
    }
}
