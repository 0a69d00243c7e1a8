using Grpc.Core;

namespace Hub.Server.Validation;

/// <summary>One thing wrong with a request, named by the field's path (e.g. <c>items[0].unit</c>).</summary>
public sealed record FieldError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>Collects field errors while a request is checked, then refuses it in one go.</summary>
public sealed class FieldErrors
{
    private readonly List<FieldError> _errors = [];

    public IReadOnlyList<FieldError> All => _errors;
    public bool Any => _errors.Count > 0;

    public void Add(string field, string message) => _errors.Add(new FieldError(field, message));

    /// <summary>
    /// INVALID_ARGUMENT whose message lists every error, the first one first, each starting
    /// with its field path; the same errors go in the <c>field-errors</c> trailer, one entry
    /// each, for clients that show them next to form fields.
    /// </summary>
    public void ThrowIfAny()
    {
        if (!Any)
        {
            return;
        }
        var trailers = new Metadata();
        foreach (var error in _errors)
        {
            trailers.Add("field-errors", error.ToString());
        }
        throw new RpcException(new Status(StatusCode.InvalidArgument, string.Join("; ", _errors)), trailers);
    }
}
