using Grpc.Core;

namespace Hub.Server.ErrorHandling;

/// <summary>How a refusal is put on the wire.</summary>
public static class ErrorStatus
{
    public static RpcException ToRpcException(HubException ex)
    {
        var trailers = new Metadata();
        foreach (var field in ex.Fields)
        {
            trailers.Add("field-errors", field.ToString());
        }
        return new RpcException(new Status(ex.Code, ex.Message), trailers);
    }
}
