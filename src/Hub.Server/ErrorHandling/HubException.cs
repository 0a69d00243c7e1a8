using Grpc.Core;
using Hub.Server.Validation;

namespace Hub.Server.ErrorHandling;

/// <summary>
/// A request the hub refuses, as a domain result: what the client is told (status code,
/// message, the fields at fault) and what the audit trail records beside it (the record
/// concerned and the real reason, which a NOT_FOUND never tells the client). Thrown by
/// services, validators and the record pipeline; turned into the gRPC status (and, through
/// JSON transcoding, the HTTP problem document) in one place, <see cref="ErrorInterceptor"/>,
/// which also audits it. Nothing else builds an RpcException.
/// </summary>
public sealed class HubException : Exception
{
    private HubException(StatusCode code, string message, IReadOnlyList<FieldError> fields, string? recordType, string? recordId, string? auditReason)
        : base(message)
    {
        Code = code;
        Fields = fields;
        RecordType = recordType;
        RecordId = recordId;
        AuditReason = auditReason ?? message;
    }

    public StatusCode Code { get; }

    /// <summary>The fields at fault, by their proto paths (<c>items[0].unit</c>); empty when no field is.</summary>
    public IReadOnlyList<FieldError> Fields { get; }

    /// <summary>The record the refusal concerns, for the audit trail.</summary>
    public string? RecordType { get; }

    public string? RecordId { get; }

    /// <summary>Why, as the audit trail records it (may say more than the client is told).</summary>
    public string AuditReason { get; }

    /// <summary>
    /// The action the audit entry names; the interceptor uses the gRPC method when a thrower
    /// does not name one.
    /// </summary>
    public string? Action { get; private set; }

    /// <summary>Names the audited action; returns the same exception.</summary>
    public HubException For(string action)
    {
        Action = action;
        return this;
    }

    public static HubException Invalid(IReadOnlyList<FieldError> fields) =>
        new(StatusCode.InvalidArgument, string.Join("; ", fields), fields, null, null, null);

    public static HubException Invalid(string field, string message) => Invalid([new FieldError(field, message)]);

    /// <summary>
    /// The same answer whether the record does not exist or may not be seen: no hint either
    /// way. <paramref name="auditReason"/> says which, for the audit trail only.
    /// </summary>
    public static HubException NotFound(string? field, string what, string recordType, string? recordId, string auditReason) =>
        new(StatusCode.NotFound, field is null ? $"{what} not found" : $"{field}: {what} not found",
            field is null ? [] : [new FieldError(field, what + " not found")], recordType, recordId, auditReason);

    /// <summary>The caller may not do this; <paramref name="field"/> names what it asked that it may not (a country it does not act for).</summary>
    public static HubException Denied(string reason, string? recordType = null, string? recordId = null, string? field = null) =>
        new(StatusCode.PermissionDenied, field is null ? reason : $"{field}: {reason}", field is null ? [] : [new FieldError(field, reason)], recordType, recordId, null);

    /// <summary>The request is sound but the record's current state does not allow it.</summary>
    public static HubException FailedPrecondition(string field, string message, string? recordType = null, string? recordId = null) =>
        new(StatusCode.FailedPrecondition, $"{field}: {message}", [new FieldError(field, message)], recordType, recordId, null);

    public static HubException AlreadyExists(string field, string message) =>
        new(StatusCode.AlreadyExists, $"{field}: {message}", [new FieldError(field, message)], null, null, null);

    /// <summary>A limit the caller reached (streams, connections, a slow stream cut off).</summary>
    public static HubException Exhausted(string message) =>
        new(StatusCode.ResourceExhausted, message, [], null, null, null);

    public static HubException Unavailable(string message) =>
        new(StatusCode.Unavailable, message, [], null, null, null);
}
