using Google.Protobuf;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.ErrorHandling;
using Hub.Server.Records;

namespace Hub.Server.Cases;

/// <summary>What a correction and a withdrawal of a case message share: the sender's message, found inside the commit.</summary>
internal abstract class MessageRevision(Caller caller, string action, Guid messageId, string idempotencyKey, IMessage request)
    : CaseChange<CaseMessage>(caller, action, idempotencyKey, request)
{
    protected const string MessageType = "case-message";

    protected Guid MessageId => messageId;

    /// <summary>The message if the caller's country sent it; NOT_FOUND otherwise, readable or not.</summary>
    protected (CaseMessageRecord Message, CaseRecord Case) OwnMessage(RecordContext context)
    {
        var (message, owner) = VisibleMessage(context, messageId);
        if (message.SenderCountry != Caller.Country)
        {
            throw HubException.NotFound("message_id", $"message {messageId} of {Caller.Country}", MessageType, messageId.ToString(), $"sent by {message.SenderCountry}").For(Action);
        }
        RequireActFor(context, message.SenderCountry, messageId.ToString());
        return (message, owner);
    }

    protected void RequireCurrent(CaseMessageRecord message, int expectedVersion)
    {
        if (message.IsWithdrawn())
        {
            throw HubException.FailedPrecondition("message_id", "the message is withdrawn and can no longer change", MessageType, message.Id.ToString()).For(Action);
        }
        if (expectedVersion != 0 && message.Version != expectedVersion)
        {
            throw HubException.FailedPrecondition("expected_version",
                $"the message is at version {message.Version}, not {expectedVersion}: read it and change that version", MessageType, message.Id.ToString()).For(Action);
        }
    }

    /// <summary>Announces the change on the case feed and answers with the message as the caller reads it.</summary>
    protected Func<CaseMessage> Changed(RecordContext context, CaseMessageRecord message, CaseRecord owner, string type, string detail)
    {
        context.RecordId = message.Id.ToString();
        CaseFeedKind.Raise(context, owner.Id, type, new CaseEvent { Message = CaseMapping.ToProto(message) });
        context.Audit(Action, MessageType, message.Id.ToString(), detail);
        var sight = context.Policy.SightOf(Caller, new SightedRecord(CaseMapping.AccessOf(message, owner), message.IsWithdrawn()));
        return () => CaseMapping.ToProto(message, sight);
    }
}

/// <summary>A new version of a message's subject and body; its recipients' receipts start again.</summary>
internal sealed class CorrectMessageChange(Caller caller, CorrectMessageRequest request, Guid messageId)
    : MessageRevision(caller, "message.correct", messageId, request.IdempotencyKey, request)
{
    public override Func<CaseMessage> Apply(RecordContext context)
    {
        var (message, owner) = OwnMessage(context);
        RequireCurrent(message, request.ExpectedVersion);
        RequireOpen(owner);
        if (message.Subject == request.Subject && message.Body == request.Body)
        {
            throw HubException.FailedPrecondition("body", "the message already reads so: nothing to change", MessageType, message.Id.ToString()).For(Action);
        }
        var current = ProtoJson.Formatter.Format(new CaseMessage { Subject = message.Subject, Body = message.Body });
        message.Supersede(context, MessageType, message.Id.ToString(), message.SentAtUtc, current, request.Reason);
        message.Subject = request.Subject;
        message.Body = request.Body;
        foreach (var receipt in message.Receipts)
        {
            // What was read or acknowledged was the old text.
            receipt.State = ReceiptState.Sent;
            receipt.ChangedAtUtc = context.NowUtc;
        }
        CaseSearch.Reindex(context.Db, message);
        return Changed(context, message, owner, "message.corrected", $"version {message.Version}; receipts restarted");
    }
}

/// <summary>A withdrawal by the sender's country, or by the centre's operators with a legal basis.</summary>
internal sealed class WithdrawMessageChange(Caller caller, WithdrawMessageRequest request, Guid messageId)
    : MessageRevision(caller, "message.withdraw", messageId, request.IdempotencyKey, request)
{
    public override Func<CaseMessage> Apply(RecordContext context)
    {
        var (message, owner) = VisibleMessage(context, MessageId);
        var cause = RecordRevisions.WithdrawerCause(context, message.SenderCountry, request.LegalBasis, Action, MessageType, "message_id", MessageId.ToString());
        RequireCurrent(message, request.ExpectedVersion);
        message.Withdraw(context, MessageType, message.Id.ToString(), cause, request.Reason, request.LegalBasis);
        // A withdrawn request awaits no reply: no escalation will be raised for it.
        message.AwaitingReply = false;
        CaseSearch.Remove(context.Db, message.Id);
        return Changed(context, message, owner, "message.withdrawn", $"version {message.Version}; withdrawn ({ProtoEnums.Name(cause)})");
    }
}
