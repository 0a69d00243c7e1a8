using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Hub.Contracts.V1;

namespace Hub.Server.Alerts;

/// <summary>Between stored records and the wire types.</summary>
public static class AlertMapping
{
    public static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false));
    public static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    public static SeizureAlert ToProto(AlertRecord record) => new()
    {
        Id = record.Id.ToString(),
        Sequence = record.Sequence,
        ReceivedAt = Timestamp.FromDateTime(DateTime.SpecifyKind(record.ReceivedAtUtc, DateTimeKind.Utc)),
        Content = Parser.Parse<SeizureAlertContent>(record.ContentJson),
    };

    public static AlertEvent ToEvent(AlertRecord record) => new()
    {
        EventId = record.PostedEventId.ToString(),
        Sequence = record.Sequence,
        Alert = ToProto(record),
    };
}
