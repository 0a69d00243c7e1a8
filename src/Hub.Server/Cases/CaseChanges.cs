using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Alerts;
using Hub.Server.ErrorHandling;
using Hub.Server.Records;
using Hub.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Cases;

/// <summary>A member state opens a case and invites countries (request checked for shape before).</summary>
internal sealed class OpenCaseChange(Caller caller, OpenCaseRequest request, IReadOnlyList<string> invited) : CaseChange<Case>(caller, "case.open", request.IdempotencyKey, request)
{
    public override Func<Case> Apply(RecordContext context)
    {
        var errors = new FieldErrors();
        var linked = new List<Guid>();
        for (var i = 0; i < request.LinkedAlertIds.Count; i++)
        {
            var alertId = Guid.Parse(request.LinkedAlertIds[i]);
            var alert = context.Db.Set<AlertRecord>().AsNoTracking().FirstOrDefault(a => a.Id == alertId);
            if (alert is null || !context.Policy.CanRead(Caller, AlertMapping.AccessOf(alert)))
            {
                errors.Add($"linked_alert_ids[{i}]", "no such alert");
            }
            linked.Add(alertId);
        }
        errors.ThrowIfAny();
        var decision = context.Policy.CanPostFor(Caller, request.OwnerCountry);
        if (!decision.Allowed)
        {
            throw HubException.Denied(decision.Reason, RecordType, field: "owner_country").For(Action);
        }
        var now = context.NowUtc;
        var record = new CaseRecord
        {
            Id = Guid.CreateVersion7(),
            Title = request.Title,
            OwnerCountry = request.OwnerCountry,
            OpenedAtUtc = now,
            NationalReferences = string.Join('\n', request.NationalReferences.Select(r => $"{r.Country}={r.Reference.Replace('\n', ' ')}")),
            LinkedAlertIds = string.Join(',', linked),
            Participants = [new CaseParticipantRecord { Country = request.OwnerCountry, State = ParticipationState.Accepted, ChangedAtUtc = now },
                .. invited.Where(c => c != request.OwnerCountry).Select(c => new CaseParticipantRecord { Country = c, State = ParticipationState.Invited, ChangedAtUtc = now })],
        };
        context.Db.Add(record);
        context.RecordId = record.Id.ToString();
        CaseFeedKind.Raise(context, record.Id, "case.opened", new CaseEvent { Case = CaseMapping.ToProto(record) });
        context.Audit(Action, RecordType, record.Id.ToString(), $"invited {string.Join(',', invited)}");
        return () => CaseMapping.ToProto(record);
    }
}

/// <summary>The owner invites more countries.</summary>
internal sealed class InviteChange(Caller caller, InviteRequest request, Guid caseId, IReadOnlyList<string> countries) : CaseChange<Case>(caller, "case.invite", request.IdempotencyKey, request)
{
    public override Func<Case> Apply(RecordContext context)
    {
        var record = VisibleCase(context, caseId);
        RequireActFor(context, record.OwnerCountry, record.Id.ToString());
        RequireOpen(record);
        foreach (var country in countries)
        {
            if (record.Participants.FirstOrDefault(p => p.Country == country) is { } existing)
            {
                if (existing.State == ParticipationState.Removed)
                {
                    // Invited again after a removal: it starts over, as an invitee.
                    existing.State = ParticipationState.Invited;
                    existing.ChangedAtUtc = context.NowUtc;
                }
                continue;
            }
            record.Participants.Add(new CaseParticipantRecord { CaseId = record.Id, Country = country, State = ParticipationState.Invited, ChangedAtUtc = context.NowUtc });
        }
        return Updated(context, record, string.Join(',', countries));
    }
}

/// <summary>An invited country accepts; accepting twice changes nothing.</summary>
internal sealed class AcceptChange(Caller caller, CaseRef request, Guid caseId) : CaseChange<Case>(caller, "case.accept", request.IdempotencyKey, request)
{
    public override Func<Case> Apply(RecordContext context)
    {
        var record = VisibleCase(context, caseId);
        RequireActFor(context, Caller.Country, record.Id.ToString());
        var participant = record.Participants.First(p => p.Country == Caller.Country);
        if (participant.State == ParticipationState.Accepted)
        {
            context.Audit(Action, RecordType, record.Id.ToString(), "already accepted");
            return () => CaseMapping.ToProto(record);
        }
        RequireOpen(record);
        participant.State = ParticipationState.Accepted;
        participant.ChangedAtUtc = context.NowUtc;
        return Updated(context, record, Caller.Country);
    }
}

/// <summary>The owner closes the case.</summary>
internal sealed class CloseChange(Caller caller, CaseRef request, Guid caseId) : CaseChange<Case>(caller, "case.close", request.IdempotencyKey, request)
{
    public override Func<Case> Apply(RecordContext context)
    {
        var record = VisibleCase(context, caseId);
        RequireActFor(context, record.OwnerCountry, record.Id.ToString());
        RequireOpen(record);
        record.Open = false;
        return Updated(context, record, null);
    }
}

/// <summary>
/// The owner removes a participant: from then on the policy gives it nothing of the case —
/// the case, its messages, their events, on every channel, replays included.
/// </summary>
internal sealed class RemoveParticipantChange(Caller caller, RemoveParticipantRequest request, Guid caseId)
    : CaseChange<Case>(caller, "case.remove-participant", request.IdempotencyKey, request)
{
    public override Func<Case> Apply(RecordContext context)
    {
        var record = VisibleCase(context, caseId);
        RequireActFor(context, record.OwnerCountry, record.Id.ToString());
        if (request.Country == record.OwnerCountry)
        {
            throw HubException.Invalid("country", "the owner cannot remove itself; close the case instead");
        }
        var participant = record.Participants.FirstOrDefault(p => p.Country == request.Country && p.State != ParticipationState.Removed)
            ?? throw HubException.FailedPrecondition("country", $"'{TextFields.Truncate(request.Country)}' is not a participant of this case", RecordType, record.Id.ToString()).For(Action);
        participant.State = ParticipationState.Removed;
        participant.ChangedAtUtc = context.NowUtc;
        return Updated(context, record, $"{request.Country}: {request.Reason}");
    }
}
