using Hub.Contracts.V1;
using Hub.Server.Cases;
using Hub.Server.ErrorHandling;
using Hub.Server.Records;

namespace Hub.Server.Retention;

/// <summary>Puts a case under legal hold or lifts it: while held, nothing linked to it is purged.</summary>
internal sealed class LegalHoldChange(Guid caseId, bool hold, string reason) : RecordChange<LegalHoldResponse>
{
    public override string Action => "retention.legal-hold";
    public override string RecordType => CaseFeedKind.RecordType;

    public override Func<LegalHoldResponse> Apply(RecordContext context)
    {
        var held = context.Db.Set<CaseRecord>().FirstOrDefault(c => c.Id == caseId)
            ?? throw HubException.NotFound("case_id", $"case {caseId}", RecordType, caseId.ToString(), "no such case").For(Action);
        held.LegalHold = hold;
        held.LegalHoldReason = hold ? reason : "";
        context.RecordId = caseId.ToString();
        context.Audit(Action, RecordType, caseId.ToString(), hold ? "held" : "hold lifted");
        var linked = held.LinkedAlertIds.Split(',', StringSplitOptions.RemoveEmptyEntries).Length;
        return () => new LegalHoldResponse { CaseId = caseId.ToString(), Hold = hold, LinkedAlerts = linked };
    }
}
