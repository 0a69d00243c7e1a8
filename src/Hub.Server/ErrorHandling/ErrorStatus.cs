using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Hub.Server.Validation;

namespace Hub.Server.ErrorHandling;

/// <summary>
/// How an error is put on the wire: a <c>google.rpc.Status</c> in the
/// <c>grpc-status-details-bin</c> trailer, the fields at fault as one <c>google.rpc.BadRequest</c>
/// detail. One binary trailer, because grpc-js joins repeated text trailers with ", " and
/// field messages contain commas. JSON transcoding writes the same Status as the HTTP body,
/// so both channels carry the same details.
/// </summary>
public static class ErrorStatus
{
    /// <summary>The detail types the hub sends, for JSON transcoding to write them.</summary>
    public static readonly Google.Protobuf.Reflection.MessageDescriptor[] DetailTypes = [BadRequest.Descriptor, RequestInfo.Descriptor];

    public static RpcException ToRpcException(HubException ex) => Build(ex.Code, ex.Message, ex.Fields);

    /// <summary>A request that could not be read at all (bytes or JSON): INVALID_ARGUMENT.</summary>
    public static RpcException Malformed(string message, IReadOnlyList<FieldError> fields) =>
        Build(StatusCode.InvalidArgument, message, fields);

    /// <summary>
    /// A fault of the hub's own: the client learns only the reference the log line carries,
    /// also as <c>google.rpc.RequestInfo.request_id</c> for programs.
    /// </summary>
    public static RpcException Internal(string correlationId)
    {
        var status = new Google.Rpc.Status
        {
            Code = (int)StatusCode.Internal,
            Message = $"internal error (ref {correlationId}); the hub's operators can find it by that reference",
        };
        status.Details.Add(Any.Pack(new RequestInfo { RequestId = correlationId }));
        return status.ToRpcException();
    }

    private static RpcException Build(StatusCode code, string message, IReadOnlyList<FieldError> fields)
    {
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        if (fields.Count > 0)
        {
            var badRequest = new BadRequest();
            foreach (var field in fields)
            {
                badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = field.Field, Description = field.Message });
            }
            status.Details.Add(Any.Pack(badRequest));
        }
        return status.ToRpcException();
    }
}
