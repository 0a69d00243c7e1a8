using Hub.Server.Records;
using Google.Protobuf.WellKnownTypes;
using Hub.Contracts.V1;
using Hub.Server.Access;

namespace Hub.Server.Alerts;

/// <summary>Between stored records and the wire types.</summary>
public static class AlertMapping
{
    /// <summary>The alert as a reader with <paramref name="sight"/> gets it: content only when it may read it.</summary>
    public static SeizureAlert ToProto(AlertRecord record, Sight sight = Sight.Full)
    {
        var alert = new SeizureAlert
        {
            Id = record.Id.ToString(),
            Sequence = record.PostedSequence,
            ReceivedAt = Utc(record.ReceivedAtUtc),
            Version = record.Version,
            Corrected = record.Version > 1,
            VersionAt = Utc(record.VersionAtUtc ?? record.ReceivedAtUtc),
            VersionReason = record.VersionReason,
            Withdrawal = RecordRevisions.WithdrawalOf(record),
        };
        if (sight == Sight.Full && record.ContentJson.Length > 0)
        {
            alert.Content = ProtoJson.Parser.Parse<SeizureAlertContent>(record.ContentJson);
        }
        return alert;
    }

    /// <summary>What a country that lost the alert through a release change gets: the fact, no content.</summary>
    public static SeizureAlert NoLongerReleased(AlertRecord record, DateTime atUtc) => new()
    {
        Id = record.Id.ToString(),
        Sequence = record.PostedSequence,
        ReceivedAt = Utc(record.ReceivedAtUtc),
        Version = record.Version,
        Corrected = record.Version > 1,
        VersionAt = Utc(record.VersionAtUtc ?? record.ReceivedAtUtc),
        Withdrawal = RecordRevisions.NoLongerReleased(atUtc),
    };

    /// <summary>What <paramref name="caller"/> may see of the alert on a read (None: it is not released to the caller).</summary>
    public static Sight ReadSight(AccessPolicy policy, Caller caller, AlertRecord record) =>
        policy.SightOf(caller, new SightedRecord(AccessOf(record), record.IsWithdrawn()));

    /// <summary>What an alert carries that other countries can match (hub.v1.Matches).</summary>
    public static Matching.MatchParts PartsOf(SeizureAlertContent content) => new([.. content.Identifiers], [.. content.Persons]);

    public static RecordAccess AccessOf(AlertRecord alert) =>
        new(alert.ReportingCountry, alert.Distribution, alert.AddressedCountries.Length == 0 ? [] : alert.AddressedCountries.Split(','));

    public static RecordAccess AccessOf(SeizureAlert alert) =>
        new(alert.Content.ReportingCountry, alert.Content.Distribution, [.. alert.Content.AddressedCountries]);

    public static RecordAccess AccessOf(string reportingCountry, Distribution distribution, string addressed) =>
        new(reportingCountry, distribution, addressed.Length == 0 ? [] : addressed.Split(','));

    public static AlertEventType TypeOf(string rowType) => rowType switch
    {
        AlertEventTypes.Posted => AlertEventType.Posted,
        AlertEventTypes.Corrected => AlertEventType.Corrected,
        AlertEventTypes.Released => AlertEventType.Released,
        AlertEventTypes.Withdrawn => AlertEventType.Withdrawn,
        _ => AlertEventType.Unspecified,
    };

    public static string CountryEventType(AlertEventType type) => type switch
    {
        AlertEventType.Corrected => "alert.corrected",
        AlertEventType.Released => "alert.released",
        AlertEventType.Withdrawn => "alert.withdrawn",
        _ => "alert.posted",
    };

    private static Timestamp Utc(DateTime at) => Timestamp.FromDateTime(DateTime.SpecifyKind(at, DateTimeKind.Utc));
}

/// <summary>The types of the alert feed's rows (<see cref="AlertEventRow.Type"/>).</summary>
public static class AlertEventTypes
{
    public const string Posted = "posted";
    public const string Corrected = "corrected";
    public const string Released = "released";
    public const string Withdrawn = "withdrawn";
}
