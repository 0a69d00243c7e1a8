using Hub.Server.Records;
using Google.Protobuf.WellKnownTypes;
using Hub.Contracts.V1;
using Hub.Server.Access;

namespace Hub.Server.Alerts;

/// <summary>Between stored records and the wire types.</summary>
public static class AlertMapping
{
    public static SeizureAlert ToProto(AlertRecord record) => new()
    {
        Id = record.Id.ToString(),
        Sequence = record.Sequence,
        ReceivedAt = Timestamp.FromDateTime(DateTime.SpecifyKind(record.ReceivedAtUtc, DateTimeKind.Utc)),
        Content = ProtoJson.Parser.Parse<SeizureAlertContent>(record.ContentJson),
    };

    public static RecordAccess AccessOf(AlertRecord alert) =>
        new(alert.ReportingCountry, alert.Distribution, alert.AddressedCountries.Length == 0 ? [] : alert.AddressedCountries.Split(','));

    public static RecordAccess AccessOf(SeizureAlert alert) =>
        new(alert.Content.ReportingCountry, alert.Content.Distribution, [.. alert.Content.AddressedCountries]);

    public static AlertEvent ToEvent(AlertRecord record) => new()
    {
        EventId = record.PostedEventId.ToString(),
        Sequence = record.Sequence,
        Alert = ToProto(record),
    };
}
