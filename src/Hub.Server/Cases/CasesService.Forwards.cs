using System.Globalization;
using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Alerts;
using Hub.Server.Audit;
using Hub.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Cases;

public sealed partial class CasesService
{
    public override async Task<ForwardResponse> Forward(ForwardRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var caller = CallerOf(context);
        var errors = new FieldErrors();
        var countries = CheckCountries(request.Countries.Distinct(), "countries", errors);
        if (countries.Count == 0)
        {
            errors.Add("countries", "at least one country is required");
        }
        CaseValidation.Text(request.Reason, "reason", CaseValidation.MaxReason, errors);
        errors.ThrowIfAny();
        var (message, owner) = await VisibleMessageAsync(caller, ParseId(request.MessageId, "message_id"), "message.forward", "message_id", ct);
        await DenyIfAsync(policy.CanActFor(caller, caller.Country), caller, "message.forward", message.Id.ToString(), ct);
        var already = countries.Where(c => c == message.SenderCountry || message.RecipientList.Contains(c)).ToList();
        if (already.Count > 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"countries: {string.Join(", ", already)} already see this message"));
        }
        // H2/H3: no onward dissemination without the provider's permission (Europol SIENA).
        var needsConsent = message.HandlingCode is HandlingCode.H2 or HandlingCode.H3 && caller.Country != message.SenderCountry;
        var now = Now;
        var forward = new ForwardRecord
        {
            Id = Guid.NewGuid(),
            MessageId = message.Id,
            RequestedByCountry = caller.Country,
            RequestedBy = caller.Subject,
            Countries = string.Join(',', countries),
            Reason = request.Reason,
            State = needsConsent ? ForwardState.Pending : ForwardState.Approved,
            RequestedAtUtc = now,
            DecidedAtUtc = needsConsent ? null : now,
            DecidedBy = needsConsent ? null : "handling code " + ProtoEnums.Name(message.HandlingCode),
        };
        return await InTransactionAsync(async () =>
        {
            db.Set<ForwardRecord>().Add(forward);
            var response = ToProto(forward);
            if (needsConsent)
            {
                await CaseEventLog.AppendAsync(db, owner.Id, "forward.requested", [message.SenderCountry, caller.Country],
                    new CaseEvent { Message = CaseMapping.ToProto(message), Forward = response }, now, ct);
            }
            else
            {
                await ExtendRecipientsAsync(message, owner, countries, response, now, ct);
            }
            await audit.AppendAsync(db, [new AuditEvent(caller, Channels.Grpc, needsConsent ? "message.forward-requested" : "message.forwarded", AuditOutcomes.Allowed,
                "case-message", message.Id.ToString(), $"to {forward.Countries}; {ProtoEnums.Name(message.HandlingCode)}; {request.Reason}")], ct);
            return response;
        }, ct);
    }

    public override async Task<ForwardResponse> DecideForward(DecideForwardRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var caller = CallerOf(context);
        var id = ParseId(request.ForwardId, "forward_id");
        if (!request.Approve && string.IsNullOrWhiteSpace(request.Reason))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "reason: required when denying"));
        }
        var errors = new FieldErrors();
        CaseValidation.Text(request.Reason, "reason", CaseValidation.MaxReason, errors, required: false);
        errors.ThrowIfAny();
        var forward = await db.Set<ForwardRecord>().FirstOrDefaultAsync(f => f.Id == id, ct);
        var (message, owner) = forward is null
            ? throw new RpcException(new Status(StatusCode.NotFound, $"forward_id: forward {id} not found"))
            : await VisibleMessageAsync(caller, forward.MessageId, "message.forward-decide", "forward_id", ct);
        // Only the originator of the information decides where it goes.
        await DenyIfAsync(policy.CanActFor(caller, message.SenderCountry), caller, "message.forward-decide", message.Id.ToString(), ct);
        if (forward.State != ForwardState.Pending)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"forward_id: the request is already {ProtoEnums.Name(forward.State)}"));
        }
        var now = Now;
        forward.State = request.Approve ? ForwardState.Approved : ForwardState.Denied;
        forward.DecidedBy = caller.Subject;
        forward.DecisionReason = request.Reason;
        forward.DecidedAtUtc = now;
        return await InTransactionAsync(async () =>
        {
            var response = ToProto(forward);
            await CaseEventLog.AppendAsync(db, owner.Id, "forward.decided", [message.SenderCountry, forward.RequestedByCountry],
                new CaseEvent { Message = CaseMapping.ToProto(message), Forward = response }, now, ct);
            if (request.Approve)
            {
                await ExtendRecipientsAsync(message, owner, forward.Countries.Split(','), response, now, ct);
            }
            await audit.AppendAsync(db, [new AuditEvent(caller, Channels.Grpc, "message.forward-decided", AuditOutcomes.Allowed, "case-message", message.Id.ToString(),
                $"{(request.Approve ? "approved" : "denied")} forward to {forward.Countries}; {request.Reason}")], ct);
            return response;
        }, ct);
    }

    /// <summary>Makes the countries recipients (with receipts) and announces the message to them.</summary>
    private async Task ExtendRecipientsAsync(CaseMessageRecord message, CaseRecord owner, IEnumerable<string> countries, ForwardResponse forward, DateTime now, CancellationToken ct)
    {
        var added = countries.Where(c => !message.RecipientList.Contains(c)).ToList();
        message.Recipients = string.Join(',', message.RecipientList.Concat(added));
        foreach (var country in added)
        {
            message.Receipts.Add(new CaseReceiptRecord { Country = country, State = ReceiptState.Sent, ChangedAtUtc = now });
        }
        await CaseEventLog.AppendAsync(db, owner.Id, "message.forwarded", policy.CountriesMayReadMessage(CaseMapping.AccessOf(message, owner)),
            new CaseEvent { Message = CaseMapping.ToProto(message), Forward = forward }, now, ct);
    }

    private static ForwardResponse ToProto(ForwardRecord f)
    {
        var response = new ForwardResponse { ForwardId = f.Id.ToString(), State = f.State, MessageId = f.MessageId.ToString() };
        response.Countries.AddRange(f.Countries.Split(',', StringSplitOptions.RemoveEmptyEntries));
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
        var query = db.Set<CaseMessageRecord>().Include(m => m.Receipts).Include(m => m.Attachments).AsNoTracking().Where(m => candidates.Contains(m.Id));
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
        var visible = found.Where(m => policy.CanReadMessage(caller, CaseMapping.AccessOf(m, cases[m.CaseId])))
            .OrderByDescending(m => m.SentAtUtc).Take(request.Limit == 0 ? 20 : request.Limit).ToList();
        await AuditAloneAsync(caller, "message.search", AuditOutcomes.Allowed, null, null,
            string.Create(CultureInfo.InvariantCulture, $"'{Alerts.AlertValidator.Truncate(request.Query)}': {visible.Count} messages: {string.Join(',', visible.Select(m => m.Id))}"), ct);
        var response = new SearchMessagesResponse();
        response.Messages.AddRange(visible.Select(CaseMapping.ToProto));
        return response;
    }

    public override async Task WatchCases(WatchCasesRequest request, IServerStreamWriter<CaseEvent> responseStream, ServerCallContext context)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var ct = stopping.Token;
        var caller = CallerOf(context);
        Guid? caseId = null;
        if (request.CaseId.Length > 0)
        {
            caseId = (await VisibleCaseAsync(caller, ParseId(request.CaseId, "case_id"), "case.watch", ct)).Id;
        }
        bool Visible(string caseIdText, IReadOnlyList<string> visibleTo) =>
            policy.IsActive(caller) && (caseId is null || caseIdText == caseId.ToString())
            && (caller.IsCentreStaff || (visibleTo.Contains(caller.Country) && policy.FeedGroupOf(caller) is not null));

        using var subscription = feed.Subscribe();
        var last = request.AfterSequence;
        var delivered = 0L;
        try
        {
            if (last >= 0)
            {
                last = await ReplayCaseEventsAsync(last, long.MaxValue, caseId, Visible, responseStream, () => delivered++, ct);
            }
            await foreach (var live in subscription.Reader.ReadAllAsync(ct))
            {
                var caseEvent = live.Event;
                if (last >= 0 && caseEvent.Sequence > last + 1)
                {
                    last = await ReplayCaseEventsAsync(last, caseEvent.Sequence - 1, caseId, Visible, responseStream, () => delivered++, ct);
                }
                if (caseEvent.Sequence <= last)
                {
                    continue;
                }
                last = caseEvent.Sequence;
                if (Visible(caseEvent.CaseId, live.VisibleTo))
                {
                    await responseStream.WriteAsync(caseEvent, ct);
                    delivered++;
                }
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, string.Create(CultureInfo.InvariantCulture, $"this hub node is shutting down; reconnect with after_sequence={last} to resume")));
        }
        catch (Exception ex) when ((ex as SlowWatcherException ?? ex.InnerException as SlowWatcherException) is { } slow)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, string.Create(CultureInfo.InvariantCulture, $"{slow.Message}; reconnect with after_sequence={last} to resume")));
        }
        finally
        {
            await writes.AuditAsync(new AuditEvent(caller, Channels.GrpcStream, "case.watch", AuditOutcomes.Allowed, "case", caseId?.ToString(),
                string.Create(CultureInfo.InvariantCulture, $"after_sequence {request.AfterSequence}; delivered {delivered} events up to {last}")), CancellationToken.None);
        }
    }

    private async Task<long> ReplayCaseEventsAsync(long after, long upTo, Guid? caseId, Func<string, IReadOnlyList<string>, bool> visible,
        IServerStreamWriter<CaseEvent> stream, Action counted, CancellationToken ct)
    {
        while (true)
        {
            var from = after;
            var query = db.Set<CaseEventRecord>().AsNoTracking().Where(e => e.Sequence > from && e.Sequence <= upTo);
            if (caseId is { } id)
            {
                query = query.Where(e => e.CaseId == id);
            }
            var batch = await query.OrderBy(e => e.Sequence).Take(500).ToListAsync(ct);
            foreach (var record in batch)
            {
                if (visible(record.CaseId.ToString(), CaseEventLog.VisibleTo(record)))
                {
                    await stream.WriteAsync(AlertMapping.Parser.Parse<CaseEvent>(record.PayloadJson), ct);
                    counted();
                }
                after = record.Sequence;
            }
            if (batch.Count < 500)
            {
                return upTo == long.MaxValue ? after : Math.Max(after, upTo);
            }
        }
    }
}
