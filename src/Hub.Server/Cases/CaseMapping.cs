using Google.Protobuf.WellKnownTypes;
using Hub.Contracts.V1;
using Hub.Server.Access;

namespace Hub.Server.Cases;

public static class CaseMapping
{
    public static Case ToProto(CaseRecord c)
    {
        var proto = new Case
        {
            Id = c.Id.ToString(),
            Title = c.Title,
            OwnerCountry = c.OwnerCountry,
            Open = c.Open,
            OpenedAt = Timestamp.FromDateTime(DateTime.SpecifyKind(c.OpenedAtUtc, DateTimeKind.Utc)),
        };
        proto.Participants.AddRange(c.Participants.OrderBy(p => p.Country, StringComparer.Ordinal)
            .Select(p => new CaseParticipant { Country = p.Country, State = p.State }));
        proto.NationalReferences.AddRange(c.NationalReferences.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2)).Select(p => new NationalReference { Country = p[0], Reference = p[1] }));
        proto.LinkedAlertIds.AddRange(c.LinkedAlertIds.Split(',', StringSplitOptions.RemoveEmptyEntries));
        return proto;
    }

    /// <summary>The message as a reader with <paramref name="sight"/> gets it: its content only in full sight.</summary>
    public static CaseMessage ToProto(CaseMessageRecord m, Sight sight)
    {
        var proto = ToProto(m);
        return sight == Sight.Full ? proto : Withhold(proto);
    }

    /// <summary>
    /// A message event's snapshot brought to the message as it is now (its current version and
    /// withdrawal, for <paramref name="sight"/>); what the snapshot says of its moment — the
    /// receipts then — stays.
    /// </summary>
    public static CaseMessage AsNow(CaseMessage snapshot, CaseMessageRecord current, Sight sight)
    {
        var now = snapshot.Clone();
        now.Subject = current.Subject;
        now.Body = current.Body;
        var parties = MessageParties.Read(current.PartiesJson);
        now.Identifiers.Clear();
        now.Identifiers.AddRange(parties.Identifiers);
        now.Persons.Clear();
        now.Persons.AddRange(parties.Persons);
        Revision(now, current);
        return sight == Sight.Full ? now : Withhold(now);
    }

    private static CaseMessage Withhold(CaseMessage message)
    {
        message.Subject = "";
        message.Body = "";
        message.HandlingRestrictions = "";
        message.Evaluation = null;
        message.Attachments.Clear();
        message.Identifiers.Clear();
        message.Persons.Clear();
        return message;
    }

    private static void Revision(CaseMessage proto, CaseMessageRecord m)
    {
        proto.Version = m.Version;
        proto.Corrected = m.Version > 1;
        proto.VersionAt = Utc(m.VersionAtUtc ?? m.SentAtUtc);
        proto.VersionReason = m.VersionReason;
        proto.Withdrawal = Records.RecordRevisions.WithdrawalOf(m);
    }

    public static CaseMessage ToProto(CaseMessageRecord m)
    {
        var proto = new CaseMessage
        {
            Id = m.Id.ToString(),
            CaseId = m.CaseId.ToString(),
            SenderCountry = m.SenderCountry,
            SenderName = m.SenderName,
            ReplyToMessageId = m.ReplyToMessageId?.ToString() ?? "",
            Kind = m.Kind,
            Priority = m.Priority,
            Subject = m.Subject,
            Body = m.Body,
            Distribution = m.Distribution,
            HandlingCode = m.HandlingCode,
            HandlingRestrictions = m.HandlingRestrictions,
            Language = m.Language,
            SentAt = Utc(m.SentAtUtc),
            AwaitingReply = m.AwaitingReply,
            Overdue = m.OverdueAtUtc is not null,
            Sequence = m.Sequence,
        };
        proto.Recipients.AddRange(m.RecipientList);
        var parties = MessageParties.Read(m.PartiesJson);
        proto.Identifiers.AddRange(parties.Identifiers);
        proto.Persons.AddRange(parties.Persons);
        if (m.SourceReliability != SourceReliability.Unspecified || m.InformationReliability != InformationReliability.Unspecified)
        {
            proto.Evaluation = new Evaluation { Source = m.SourceReliability, Information = m.InformationReliability };
        }
        if (m.ReplyDueAtUtc is { } due)
        {
            proto.ReplyDueAt = Utc(due);
        }
        proto.Receipts.AddRange(m.Receipts.OrderBy(r => r.Country, StringComparer.Ordinal)
            .Select(r => new Receipt { Country = r.Country, State = r.State, ChangedAt = Utc(r.ChangedAtUtc) }));
        proto.Attachments.AddRange(m.Attachments.Select(a => new Attachment { Id = a.Id.ToString(), FileName = a.FileName, ContentType = a.ContentType, Size = a.Size }));
        Revision(proto, m);
        return proto;
    }

    /// <summary>
    /// A message is read by its sender, its recipients (forwarded-to countries included) and,
    /// by its distribution, the case's accepted participants; never by a country removed from
    /// the case.
    /// </summary>
    public static RecordAccess AccessOf(CaseMessageRecord m, CaseRecord c) => new(m.SenderCountry, m.Distribution, m.RecipientList)
    {
        Circle = [.. c.Participants.Where(p => p.State == ParticipationState.Accepted).Select(p => p.Country)],
        Excluded = Removed(c),
    };

    /// <summary>A case is seen by its owner and the countries invited to it, until they are removed.</summary>
    public static RecordAccess AccessOf(CaseRecord c) =>
        new(c.OwnerCountry, Distribution.Addressed, [.. c.Participants.Where(p => p.State != ParticipationState.Removed).Select(p => p.Country)])
        {
            Excluded = Removed(c),
        };

    private static string[] Removed(CaseRecord c) => [.. c.Participants.Where(p => p.State == ParticipationState.Removed).Select(p => p.Country)];

    private static Timestamp Utc(DateTime value) => Timestamp.FromDateTime(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
