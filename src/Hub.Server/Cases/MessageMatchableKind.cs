using Hub.Server.Data;
using Hub.Server.ErrorHandling;
using Hub.Server.Matching;
using Hub.Server.Records;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Cases;

/// <summary>
/// Case messages to matching: their identifiers and persons. A message is read within its
/// case: it is shared with another country by inviting that country to the case, not by a
/// release of the message alone.
/// </summary>
public sealed class MessageMatchableKind : IMatchableKind
{
    public string RecordType => "case-message";

    private static (CaseMessageRecord Message, CaseRecord Case)? Find(HubDbContext db, string recordId)
    {
        if (!Guid.TryParse(recordId, out var id))
        {
            return null;
        }
        var message = db.Set<CaseMessageRecord>().Local.FirstOrDefault(m => m.Id == id) ?? db.Set<CaseMessageRecord>().AsNoTracking().FirstOrDefault(m => m.Id == id);
        if (message is null)
        {
            return null;
        }
        var owner = db.Set<CaseRecord>().Local.FirstOrDefault(c => c.Id == message.CaseId)
            ?? db.Set<CaseRecord>().AsNoTracking().Include(c => c.Participants).First(c => c.Id == message.CaseId);
        return (message, owner);
    }

    public SightedRecord? AccessOf(HubDbContext db, string recordId) =>
        Find(db, recordId) is var (message, owner) ? new SightedRecord(CaseMapping.AccessOf(message, owner), message.IsWithdrawn()) : null;

    public (string Owner, MatchParts Parts)? PartsOf(HubDbContext db, string recordId) =>
        Find(db, recordId) is var (message, _) && !message.IsWithdrawn() ? (message.SenderCountry, MessageParties.Read(message.PartiesJson)) : null;

    public Action Release(RecordContext context, string recordId, string country, string reason) =>
        throw HubException.FailedPrecondition("release",
            $"a case message is shared within its case: invite {country} to the case (Cases.Invite), or refuse", RecordType, recordId);
}
