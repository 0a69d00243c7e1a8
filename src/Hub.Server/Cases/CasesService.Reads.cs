using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Audit;
using Hub.Server.ErrorHandling;
using Hub.Server.Records;
using Hub.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Cases;

public sealed partial class CasesService
{
    private Task AuditReadAsync(Caller caller, string action, string? recordType, string? recordId, string? detail, CancellationToken ct) =>
        writes.AuditAsync(new AuditEvent(caller, Channels.Grpc, action, AuditOutcomes.Allowed, recordType, recordId, detail), ct);

    /// <summary>The case if the caller may see it; NOT_FOUND otherwise, whether or not it exists.</summary>
    private async Task<CaseRecord> VisibleCaseAsync(Caller caller, Guid id, string action, CancellationToken ct)
    {
        var found = await db.Set<CaseRecord>().Include(c => c.Participants).AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (found is null || !policy.CanRead(caller, CaseMapping.AccessOf(found)))
        {
            throw HubException.NotFound("case_id", $"case {id}", CaseFeedKind.RecordType, id.ToString(), found is null ? "no such case" : "not a participant").For(action);
        }
        return found;
    }

    public override async Task<Case> GetCase(CaseRef request, ServerCallContext context)
    {
        var caller = CallerOf(context);
        var record = await VisibleCaseAsync(caller, ParseId(request.CaseId, "case_id"), "case.read", context.CancellationToken);
        await AuditReadAsync(caller, "case.read", CaseFeedKind.RecordType, record.Id.ToString(), null, context.CancellationToken);
        return CaseMapping.ToProto(record);
    }

    public override async Task<ListCasesResponse> ListCases(ListCasesRequest request, ServerCallContext context)
    {
        var caller = CallerOf(context);
        var query = db.Set<CaseRecord>().Include(c => c.Participants).AsNoTracking();
        if (!caller.IsCentreStaff)
        {
            // Narrows what is read; the policy decides below what is shown.
            var country = caller.Country;
            query = query.Where(c => c.Participants.Any(p => p.Country == country));
        }
        var cases = (await query.OrderByDescending(c => c.OpenedAtUtc).Take(500).ToListAsync(context.CancellationToken))
            .Where(c => policy.CanRead(caller, CaseMapping.AccessOf(c))).ToList();
        await AuditReadAsync(caller, "case.list", null, null, $"{cases.Count} cases", context.CancellationToken);
        var response = new ListCasesResponse();
        response.Cases.AddRange(cases.Select(CaseMapping.ToProto));
        return response;
    }

    public override async Task<CaseMessage> GetMessage(MessageRef request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var caller = CallerOf(context);
        var id = ParseId(request.MessageId, "message_id");
        // Fetching is delivery: the caller's receipt moves, through the pipeline like any change.
        await pipeline.WriteAsync(caller, new ReceiptChange(caller, "message.read", request, "", [id], ReceiptState.Delivered, explicitly: false), ct);
        var message = await db.Set<CaseMessageRecord>().Include(m => m.Receipts).Include(m => m.Attachments).AsNoTracking().FirstAsync(m => m.Id == id, ct);
        var owner = await db.Set<CaseRecord>().Include(c => c.Participants).AsNoTracking().FirstAsync(c => c.Id == message.CaseId, ct);
        var sight = SightOf(caller, message, owner);
        var proto = CaseMapping.ToProto(message, sight);
        // Recipients and the sender get the files themselves; the others see that they exist.
        if (sight == Sight.Full && (message.SenderCountry == caller.Country || message.RecipientList.Contains(caller.Country)))
        {
            for (var i = 0; i < message.Attachments.Count; i++)
            {
                proto.Attachments[i].Content = ByteString.CopyFrom(message.Attachments[i].Content);
            }
        }
        return proto;
    }

    private Sight SightOf(Caller caller, CaseMessageRecord message, CaseRecord owner) =>
        policy.SightOf(caller, new SightedRecord(CaseMapping.AccessOf(message, owner), message.IsWithdrawn()));

    public override async Task<ListMessagesResponse> ListMessages(ListMessagesRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var caller = CallerOf(context);
        var owner = await VisibleCaseAsync(caller, ParseId(request.CaseId, "case_id"), "message.list", ct);
        var visible = (await db.Set<CaseMessageRecord>().AsNoTracking()
                .Where(m => m.CaseId == owner.Id && (request.IncludeWithdrawn || m.WithdrawalCause == WithdrawalCause.Unspecified)).OrderBy(m => m.SentAtUtc).ToListAsync(ct))
            .Where(m => policy.CanRead(caller, CaseMapping.AccessOf(m, owner))).Select(m => m.Id).ToList();
        if (visible.Count > 0)
        {
            await pipeline.WriteAsync(caller, new ReceiptChange(caller, "message.list", request, "", visible, ReceiptState.Delivered, explicitly: false), ct);
        }
        var messages = await db.Set<CaseMessageRecord>().Include(m => m.Receipts).Include(m => m.Attachments).AsNoTracking()
            .Where(m => visible.Contains(m.Id)).OrderBy(m => m.SentAtUtc).ToListAsync(ct);
        await AuditReadAsync(caller, "message.list", CaseFeedKind.RecordType, owner.Id.ToString(), $"{messages.Count} messages", ct);
        var response = new ListMessagesResponse();
        response.Messages.AddRange(messages.Select(m => CaseMapping.ToProto(m, SightOf(caller, m, owner))));
        return response;
    }

    public override async Task<SearchMessagesResponse> SearchMessages(SearchMessagesRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var caller = CallerOf(context);
        var errors = new FieldErrors();
        CaseValidation.Text(request.Query, "query", 200, errors);
        var terms = CaseSearch.Terms(request.Query);
        if (request.Query.Length > 0 && terms.Count == 0)
        {
            errors.Add("query", "no words to search for");
        }
        Guid? caseId = null;
        if (request.CaseId.Length > 0)
        {
            caseId = Guid.TryParse(request.CaseId, out var parsed) ? parsed : null;
            if (caseId is null)
            {
                errors.Add("case_id", "must be a UUID");
            }
        }
        if (!Enum.IsDefined(request.Kind))
        {
            errors.Add("kind", "unknown kind");
        }
        if (!Enum.IsDefined(request.Priority))
        {
            errors.Add("priority", "unknown priority");
        }
        if (request.Limit is < 0 or > 100)
        {
            errors.Add("limit", "must be between 0 and 100");
        }
        errors.ThrowIfAny();

        var candidates = await CaseSearch.CandidatesAsync(db, terms, 500, ct);
        // Withdrawn messages leave searches (their text is out of the SQLite index too).
        var query = db.Set<CaseMessageRecord>().Include(m => m.Receipts).Include(m => m.Attachments).AsNoTracking()
            .Where(m => candidates.Contains(m.Id) && m.WithdrawalCause == WithdrawalCause.Unspecified);
        if (caseId is { } c)
        {
            query = query.Where(m => m.CaseId == c);
        }
        if (request.SenderCountry.Length > 0)
        {
            query = query.Where(m => m.SenderCountry == request.SenderCountry);
        }
        if (request.Kind != MessageKind.Unspecified)
        {
            query = query.Where(m => m.Kind == request.Kind);
        }
        if (request.Priority != MessagePriority.Unspecified)
        {
            query = query.Where(m => m.Priority == request.Priority);
        }
        if (request.SentFrom is not null)
        {
            var from = request.SentFrom.ToDateTime();
            query = query.Where(m => m.SentAtUtc >= from);
        }
        if (request.SentTo is not null)
        {
            var to = request.SentTo.ToDateTime();
            query = query.Where(m => m.SentAtUtc < to);
        }
        var found = await query.ToListAsync(ct);
        var caseIds = found.Select(m => m.CaseId).Distinct().ToList();
        var cases = await db.Set<CaseRecord>().Include(x => x.Participants).AsNoTracking().Where(x => caseIds.Contains(x.Id)).ToDictionaryAsync(x => x.Id, ct);
        var visible = found.Where(m => policy.CanRead(caller, CaseMapping.AccessOf(m, cases[m.CaseId])))
            .OrderByDescending(m => m.SentAtUtc).Take(request.Limit == 0 ? 20 : request.Limit).ToList();
        await AuditReadAsync(caller, "message.search", null, null,
            string.Create(CultureInfo.InvariantCulture, $"'{TextFields.Truncate(request.Query)}': {visible.Count} messages: {string.Join(',', visible.Select(m => m.Id))}"), ct);
        var response = new SearchMessagesResponse();
        response.Messages.AddRange(visible.Select(CaseMapping.ToProto));
        return response;
    }

    public override async Task WatchCases(WatchCasesRequest request, IServerStreamWriter<CaseEvent> responseStream, ServerCallContext context)
    {
        string? scope = null;
        if (request.CaseId.Length > 0)
        {
            scope = (await VisibleCaseAsync(CallerOf(context), ParseId(request.CaseId, "case_id"), "case.watch", context.CancellationToken)).Id.ToString();
        }
        await watcher.WatchAsync(kind, feed, request.AfterSequence, scope, responseStream, context);
    }
}
