using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Countries;
using Hub.Server.ErrorHandling;
using Hub.Server.Records;
using Hub.Server.Validation;

namespace Hub.Server.Cases;

/// <summary>
/// The <c>hub.v1.Cases</c> gRPC service: each write checks the request's shape, then hands
/// its change to the record pipeline; reads and the watch are in the other part.
/// </summary>
public sealed partial class CasesService(
    Data.HubDbContext db,
    AccessPolicy policy,
    AccessDirectory directory,
    Data.GroupCommit writes,
    RecordPipeline pipeline,
    FeedWatcher watcher,
    CaseFeedKind kind,
    NodeFeed<FeedItem<CaseEvent>> feed,
    TimeProvider clock) : Contracts.V1.Cases.CasesBase
{
    private static Caller CallerOf(ServerCallContext context) => Caller.From(context.GetHttpContext().User);

    private static Guid ParseId(string value, string field) =>
        Guid.TryParse(value, out var id) ? id : throw HubException.Invalid(field, "must be a UUID");

    private static void OptionalKey(string key, FieldErrors errors)
    {
        if (key.Length > 0)
        {
            CaseValidation.IdempotencyKey(key, errors);
        }
    }

    /// <summary>Checks an optional key of a request that has nothing else to check.</summary>
    private static T Keyed<T>(string key, T request)
    {
        var errors = new FieldErrors();
        OptionalKey(key, errors);
        errors.ThrowIfAny();
        return request;
    }

    private List<string> CheckCountries(IEnumerable<string> countries, string field, FieldErrors errors)
    {
        var list = countries.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (directory.StatusOf(list[i]) is not (CountryStatus.Member or CountryStatus.Observer))
            {
                errors.Add($"{field}[{i}]", $"'{TextFields.Truncate(list[i])}' is not a member or observer in the directory");
            }
        }
        return list;
    }

    private Task<T> WriteAsync<T>(ServerCallContext context, RecordChange<T> change) where T : class, Google.Protobuf.IMessage<T>, new() =>
        pipeline.WriteAsync(CallerOf(context), change, context.CancellationToken);

    public override Task<Case> OpenCase(OpenCaseRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        CaseValidation.IdempotencyKey(request.IdempotencyKey, errors);
        CaseValidation.Text(request.Title, "title", CaseValidation.MaxTitle, errors);
        var invited = CheckCountries(request.InvitedCountries.Distinct(), "invited_countries", errors);
        for (var i = 0; i < request.NationalReferences.Count; i++)
        {
            var reference = request.NationalReferences[i];
            if (reference.Country != request.OwnerCountry && !invited.Contains(reference.Country))
            {
                errors.Add($"national_references[{i}].country", "must be the owner or an invited country");
            }
            CaseValidation.Text(reference.Reference, $"national_references[{i}].reference", 100, errors);
        }
        for (var i = 0; i < request.LinkedAlertIds.Count; i++)
        {
            if (!Guid.TryParse(request.LinkedAlertIds[i], out _))
            {
                errors.Add($"linked_alert_ids[{i}]", "must be a UUID");
            }
        }
        errors.ThrowIfAny();
        return WriteAsync(context, new OpenCaseChange(CallerOf(context), request, invited));
    }

    public override Task<Case> Invite(InviteRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var countries = CheckCountries(request.Countries.Distinct(), "countries", errors);
        if (countries.Count == 0)
        {
            errors.Add("countries", "at least one country is required");
        }
        OptionalKey(request.IdempotencyKey, errors);
        var id = ParseId(request.CaseId, "case_id");
        errors.ThrowIfAny();
        return WriteAsync(context, new InviteChange(CallerOf(context), request, id, countries));
    }

    public override Task<Case> AcceptInvitation(CaseRef request, ServerCallContext context) =>
        WriteAsync(context, new AcceptChange(CallerOf(context), Keyed(request.IdempotencyKey, request), ParseId(request.CaseId, "case_id")));

    public override Task<Case> CloseCase(CaseRef request, ServerCallContext context) =>
        WriteAsync(context, new CloseChange(CallerOf(context), Keyed(request.IdempotencyKey, request), ParseId(request.CaseId, "case_id")));

    public override Task<Case> RemoveParticipant(RemoveParticipantRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var id = ParseId(request.CaseId, "case_id");
        CaseValidation.Text(request.Country, "country", 16, errors);
        CaseValidation.Text(request.Reason, "reason", CaseValidation.MaxReason, errors);
        OptionalKey(request.IdempotencyKey, errors);
        errors.ThrowIfAny();
        return WriteAsync(context, new RemoveParticipantChange(CallerOf(context), request, id));
    }

    public override Task<CaseMessage> PostMessage(PostMessageRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        CaseValidation.Validate(request, clock.GetUtcNow(), errors);
        errors.ThrowIfAny();
        return WriteAsync(context, new PostMessageChange(CallerOf(context), request));
    }

    public override Task<CaseMessage> MarkRead(MessageRef request, ServerCallContext context) => ReceiptAsync(request, context, ReceiptState.Read, "message.mark-read");

    public override Task<CaseMessage> Acknowledge(MessageRef request, ServerCallContext context) => ReceiptAsync(request, context, ReceiptState.Acknowledged, "message.acknowledge");

    private Task<CaseMessage> ReceiptAsync(MessageRef request, ServerCallContext context, ReceiptState state, string action) =>
        WriteAsync(context, new ReceiptChange(CallerOf(context), action, Keyed(request.IdempotencyKey, request), request.IdempotencyKey,
            [ParseId(request.MessageId, "message_id")], state, explicitly: true));

    public override Task<ForwardResponse> Forward(ForwardRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var countries = CheckCountries(request.Countries.Distinct(), "countries", errors);
        if (countries.Count == 0)
        {
            errors.Add("countries", "at least one country is required");
        }
        CaseValidation.Text(request.Reason, "reason", CaseValidation.MaxReason, errors);
        OptionalKey(request.IdempotencyKey, errors);
        var id = ParseId(request.MessageId, "message_id");
        errors.ThrowIfAny();
        return WriteAsync(context, new ForwardChange(CallerOf(context), request, id, countries));
    }

    public override Task<ForwardResponse> DecideForward(DecideForwardRequest request, ServerCallContext context)
    {
        var id = ParseId(request.ForwardId, "forward_id");
        var errors = new FieldErrors();
        if (!request.Approve && string.IsNullOrWhiteSpace(request.Reason))
        {
            errors.Add("reason", "required when denying");
        }
        CaseValidation.Text(request.Reason, "reason", CaseValidation.MaxReason, errors, required: false);
        OptionalKey(request.IdempotencyKey, errors);
        errors.ThrowIfAny();
        return WriteAsync(context, new DecideForwardChange(CallerOf(context), request, id));
    }
}
