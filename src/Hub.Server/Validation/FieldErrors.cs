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

    /// <summary>INVALID_ARGUMENT naming every field at fault, the first one first.</summary>
    public void ThrowIfAny()
    {
        if (Any)
        {
            throw ErrorHandling.HubException.Invalid([.. _errors]);
        }
    }
}
