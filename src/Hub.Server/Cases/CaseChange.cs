using Google.Protobuf;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.ErrorHandling;
using Hub.Server.Records;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Cases;

/// <summary>
/// What every change to a case or its messages shares: the key's scope (the action and the
/// acting country), and how a change finds the case or message the caller may see — inside
/// the commit, where nothing changes it underneath (every group commit takes the audit head's
/// lock first, on every node).
/// </summary>
internal abstract class CaseChange<TResponse>(Caller caller, string action, string idempotencyKey, IMessage request) : RecordChange<TResponse>
    where TResponse : class, IMessage<TResponse>, new()
{
    protected Caller Caller => caller;

    public override string Action => action;
    public override string RecordType => CaseFeedKind.RecordType;

    public override IdempotencyClaim? Idempotency =>
        idempotencyKey.Length == 0 ? null : new IdempotencyClaim($"{action}:{caller.Country}", idempotencyKey, request);

    /// <summary>The case if the caller may see it; NOT_FOUND otherwise, whether or not it exists.</summary>
    protected CaseRecord VisibleCase(RecordContext context, Guid id, string? field = "case_id")
    {
        var found = context.Db.Set<CaseRecord>().Include(c => c.Participants).FirstOrDefault(c => c.Id == id);
        if (found is null || !CasesPolicy(context).CanRead(caller, CaseMapping.AccessOf(found)))
        {
            throw HubException.NotFound(field, $"case {id}", RecordType, id.ToString(), found is null ? "no such case" : "not a participant").For(action);
        }
        return found;
    }

    /// <summary>The message (with its case) if the caller may read it; NOT_FOUND otherwise.</summary>
    protected (CaseMessageRecord Message, CaseRecord Case) VisibleMessage(RecordContext context, Guid id, string field = "message_id")
    {
        var message = context.Db.Set<CaseMessageRecord>().Include(m => m.Receipts).Include(m => m.Attachments).FirstOrDefault(m => m.Id == id);
        var owner = message is null ? null : context.Db.Set<CaseRecord>().Include(c => c.Participants).First(c => c.Id == message.CaseId);
        if (message is null || !CasesPolicy(context).CanRead(caller, CaseMapping.AccessOf(message, owner!)))
        {
            throw HubException.NotFound(field, $"message {id}", "case-message", id.ToString(), message is null ? "no such message" : "not released to the caller").For(action);
        }
        return (message, owner!);
    }

    /// <summary>Refuses with PERMISSION_DENIED unless the caller may act for <paramref name="country"/>.</summary>
    protected void RequireActFor(RecordContext context, string country, string recordId)
    {
        var decision = CasesPolicy(context).CanActFor(caller, country);
        if (!decision.Allowed)
        {
            throw HubException.Denied(decision.Reason, RecordType, recordId).For(action);
        }
    }

    protected void RequireOpen(CaseRecord record)
    {
        if (!record.Open)
        {
            throw HubException.FailedPrecondition("case_id", "the case is closed", RecordType, record.Id.ToString()).For(action);
        }
    }

    /// <summary>Announces the case as it now is (case.updated), audited; the response is the case.</summary>
    protected Func<Case> Updated(RecordContext context, CaseRecord record, string? detail)
    {
        context.RecordId = record.Id.ToString();
        CaseFeedKind.Raise(context, record.Id, "case.updated", new CaseEvent { Case = CaseMapping.ToProto(record) });
        context.Audit(action, RecordType, record.Id.ToString(), detail);
        return () => CaseMapping.ToProto(record);
    }

    private static AccessPolicy CasesPolicy(RecordContext context) => context.Policy;
}
