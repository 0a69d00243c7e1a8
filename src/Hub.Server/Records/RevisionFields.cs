using Hub.Server.Validation;

namespace Hub.Server.Records;

/// <summary>The fields every correction, release change and withdrawal of every record kind carries, checked by one rule.</summary>
public static class RevisionFields
{
    /// <summary>Checks the record's id, the version, the reason and the optional key; returns the id (empty when invalid).</summary>
    public static Guid Check(string id, string idField, int expectedVersion, bool versionRequired, string reason, string idempotencyKey, FieldErrors errors)
    {
        if (!Guid.TryParse(id, out var parsed))
        {
            errors.Add(idField, id.Length == 0 ? "required" : "must be a UUID");
        }
        if (expectedVersion < 0 || (versionRequired && expectedVersion == 0))
        {
            errors.Add("expected_version", versionRequired ? "required: the version you read (1 or more)" : "must be 0 (any) or the version you read");
        }
        Reason(reason, "reason", errors);
        TextFields.IdempotencyKey(idempotencyKey, errors, required: false);
        return parsed;
    }

    /// <summary>A change's reason: required, at most 1000 characters, nothing smuggled; line breaks allowed.</summary>
    public static void Reason(string reason, string field, FieldErrors errors) =>
        TextFields.Text(reason, field, RecordRevisions.MaxReason, errors);
}
