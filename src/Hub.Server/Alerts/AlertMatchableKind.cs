using Hub.Contracts.V1;
using Hub.Server.Data;
using Hub.Server.ErrorHandling;
using Hub.Server.Matching;
using Hub.Server.Records;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Alerts;

/// <summary>Alerts to matching: their identifiers and persons; a release adds the asking country as an addressee.</summary>
public sealed class AlertMatchableKind : IMatchableKind
{
    public string RecordType => SeizureAlertsService.RecordType;

    // A record staged in the same commit is not in the database yet: the tracker has it.
    private static AlertRecord? Find(HubDbContext db, string recordId, bool tracked = false) =>
        !Guid.TryParse(recordId, out var id) ? null
        : db.Set<AlertRecord>().Local.FirstOrDefault(a => a.Id == id)
          ?? (tracked ? db.Set<AlertRecord>().Include(a => a.Items).FirstOrDefault(a => a.Id == id) : db.Set<AlertRecord>().AsNoTracking().FirstOrDefault(a => a.Id == id));

    public SightedRecord? AccessOf(HubDbContext db, string recordId) =>
        Find(db, recordId) is { } alert ? new SightedRecord(AlertMapping.AccessOf(alert), alert.IsWithdrawn()) : null;

    public (string Owner, MatchParts Parts)? PartsOf(HubDbContext db, string recordId) =>
        Find(db, recordId) is { ContentJson.Length: > 0 } alert && !alert.IsWithdrawn()
            ? (alert.ReportingCountry, AlertMapping.PartsOf(ProtoJson.Parser.Parse<SeizureAlertContent>(alert.ContentJson)))
            : null;

    public Action Release(RecordContext context, string recordId, string country, string reason)
    {
        var alert = Find(context.Db, recordId, tracked: true)
            ?? throw HubException.FailedPrecondition("match_id", "the matched alert no longer exists", RecordType, recordId);
        var change = new ReviseAlertChange(context.Caller, alert.Id, "alert.release", alert.Version, reason, content =>
        {
            switch (content.Distribution)
            {
                case Distribution.Originator:
                    content.Distribution = Distribution.Addressed;
                    content.AddressedCountries.Add(country);
                    break;
                case Distribution.Addressed when !content.AddressedCountries.Contains(country):
                    content.AddressedCountries.Add(country);
                    break;
                default:
                    // MEMBERS to an observer: addressees go with ADDRESSED only. Widening to
                    // every observer is the originator's own choice (ChangeAlertRelease).
                    throw HubException.FailedPrecondition("match_id",
                        $"the alert is released to {ProtoEnums.Name(content.Distribution)}; widen it with ChangeAlertRelease to reach {country}", RecordType, recordId);
            }
            return content;
        }, "", new Google.Protobuf.WellKnownTypes.Empty());
        var respond = change.Apply(context);
        return () => respond();
    }
}
