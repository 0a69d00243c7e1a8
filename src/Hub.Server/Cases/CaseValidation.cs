using System.Text.RegularExpressions;
using Hub.Contracts.V1;
using Hub.Server.Validation;

namespace Hub.Server.Cases;

/// <summary>The checks on case requests that need nothing but the request and the clock.</summary>
public static partial class CaseValidation
{
    public const int MaxTitle = 200;
    public const int MaxSubject = 200;
    public const int MaxBody = 20_000;
    public const int MaxReason = 1000;
    public const int MaxAttachments = 5;
    public const long MaxAttachmentBytes = 4 * 1024 * 1024;
    public const long MaxAttachmentsBytes = 8 * 1024 * 1024;

    /// <summary>What may be attached, and the first bytes its content must start with.</summary>
    public static readonly IReadOnlyDictionary<string, byte[]?> AllowedTypes = new Dictionary<string, byte[]?>(StringComparer.Ordinal)
    {
        ["application/pdf"] = "%PDF-"u8.ToArray(),
        ["image/png"] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
        ["image/jpeg"] = [0xFF, 0xD8, 0xFF],
        ["text/plain"] = null,
    };

    // The name a reader opens the file by must say what it is: "invoice.pdf" holding text, or
    // a program named like a document, is refused.
    private static readonly Dictionary<string, string[]> Extensions = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["application/pdf"] = [".pdf"],
        ["image/png"] = [".png"],
        ["image/jpeg"] = [".jpg", ".jpeg"],
        ["text/plain"] = [".txt", ".text", ".log", ".csv"],
    };

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Valid UTF-8 without NUL or control characters (but line breaks and tabs), not starting like a program (MZ, ELF, Mach-O, #!).</summary>
    private static bool IsPlainText(ReadOnlySpan<byte> content)
    {
        if (content.StartsWith("MZ"u8) || content.StartsWith("\u007FELF"u8) || content.StartsWith("#!"u8)
            || content.StartsWith((ReadOnlySpan<byte>)[0xCF, 0xFA, 0xED, 0xFE]) || content.StartsWith((ReadOnlySpan<byte>)[0xCA, 0xFE, 0xBA, 0xBE]))
        {
            return false;
        }
        try
        {
            var text = StrictUtf8.GetString(content);
            return !text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'));
        }
        catch (System.Text.DecoderFallbackException)
        {
            return false;
        }
    }

    [GeneratedRegex("^[a-z]{2}$")]
    private static partial Regex LanguagePattern();

    public static void IdempotencyKey(string key, FieldErrors errors) => TextFields.IdempotencyKey(key, errors);

    public static void Text(string value, string field, int max, FieldErrors errors, bool required = true) => TextFields.Text(value, field, max, errors, required);

    public static void Validate(PostMessageRequest r, DateTimeOffset now, FieldErrors errors)
    {
        IdempotencyKey(r.IdempotencyKey, errors);
        RecordParts.ValidateIdentifiers(r.Identifiers, "identifiers", errors);
        RecordParts.ValidatePersons(r.Persons, "persons", errors);
        if (!Guid.TryParse(r.CaseId, out _))
        {
            errors.Add("case_id", "must be a UUID");
        }
        if (r.ReplyToMessageId.Length > 0 && !Guid.TryParse(r.ReplyToMessageId, out _))
        {
            errors.Add("reply_to_message_id", "must be a UUID");
        }
        if (r.Kind == MessageKind.Unspecified || !Enum.IsDefined(r.Kind))
        {
            errors.Add("kind", "required: INFORMATION, REQUEST_FOR_INFORMATION, REPLY or OPERATIONAL_COORDINATION");
        }
        else if (r.Kind == MessageKind.Reply && r.ReplyToMessageId.Length == 0)
        {
            errors.Add("reply_to_message_id", "required for a reply");
        }
        if (r.Priority == MessagePriority.Unspecified || !Enum.IsDefined(r.Priority))
        {
            errors.Add("priority", "required: ROUTINE, URGENT or IMMEDIATE");
        }
        Text(r.Subject, "subject", MaxSubject, errors);
        Text(r.Body, "body", MaxBody, errors);
        if (r.Recipients.Count == 0)
        {
            errors.Add("recipients", "at least one recipient country is required");
        }
        if (r.Distribution is not (Distribution.Addressed or Distribution.Members or Distribution.MembersAndObservers))
        {
            errors.Add("distribution", "must be ADDRESSED, MEMBERS or MEMBERS_AND_OBSERVERS (a message has recipients)");
        }
        if (r.HandlingCode == HandlingCode.Unspecified || !Enum.IsDefined(r.HandlingCode))
        {
            errors.Add("handling_code", "required");
        }
        else if (r.HandlingCode == HandlingCode.H3 && string.IsNullOrWhiteSpace(r.HandlingRestrictions))
        {
            errors.Add("handling_restrictions", "required when handling_code is HANDLING_CODE_H3");
        }
        Text(r.HandlingRestrictions, "handling_restrictions", MaxReason, errors, required: false);
        if (r.Evaluation is null)
        {
            if (r.Kind != MessageKind.Reply)
            {
                errors.Add("evaluation", "required: source (A-F) and information (1-6) reliability");
            }
        }
        else
        {
            if (r.Evaluation.Source == SourceReliability.Unspecified || !Enum.IsDefined(r.Evaluation.Source))
            {
                errors.Add("evaluation.source", "required: A to F");
            }
            if (r.Evaluation.Information == InformationReliability.Unspecified || !Enum.IsDefined(r.Evaluation.Information))
            {
                errors.Add("evaluation.information", "required: 1 to 6");
            }
        }
        if (!LanguagePattern().IsMatch(r.Language))
        {
            errors.Add("language", "an ISO 639-1 code such as en or ru");
        }
        if (r.ReplyDueAt is not null)
        {
            if (r.Kind != MessageKind.RequestForInformation)
            {
                errors.Add("reply_due_at", "only for requests for information");
            }
            else if (Timestamps.Read(r.ReplyDueAt, "reply_due_at", errors) is { } due && due <= now)
            {
                errors.Add("reply_due_at", "must be in the future");
            }
        }
        Attachments(r.Attachments, errors);
    }

    public static void Attachments(IReadOnlyList<Attachment> attachments, FieldErrors errors)
    {
        if (attachments.Count > MaxAttachments)
        {
            errors.Add("attachments", $"at most {MaxAttachments}");
        }
        long total = 0;
        for (var i = 0; i < attachments.Count; i++)
        {
            var a = attachments[i];
            var f = $"attachments[{i}].";
            total += a.Content.Length;
            if (string.IsNullOrWhiteSpace(a.FileName) || a.FileName.Length > 200 || a.FileName.IndexOfAny(['/', '\\', '\0']) >= 0)
            {
                errors.Add(f + "file_name", "required, at most 200 characters, no path separators");
            }
            else
            {
                TextFields.Text(a.FileName, f + "file_name", 200, errors, singleLine: true);
            }
            if (!AllowedTypes.TryGetValue(a.ContentType, out var magic))
            {
                errors.Add(f + "content_type", $"'{TextFields.Truncate(a.ContentType)}' is not accepted; use {string.Join(", ", AllowedTypes.Keys)}");
            }
            else if (a.Content.Length == 0)
            {
                errors.Add(f + "content", "empty");
            }
            else if (a.Content.Length > MaxAttachmentBytes)
            {
                errors.Add(f + "content", $"{a.Content.Length} bytes is over the limit of {MaxAttachmentBytes}");
            }
            else if (magic is not null && !a.Content.Span.StartsWith(magic))
            {
                errors.Add(f + "content", $"does not look like {a.ContentType}");
            }
            else if (magic is null && !IsPlainText(a.Content.Span))
            {
                errors.Add(f + "content", "text/plain must be UTF-8 text without NUL or control characters, and no program");
            }
            if (AllowedTypes.ContainsKey(a.ContentType) && !Extensions[a.ContentType].Any(e => a.FileName.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add(f + "file_name", $"must end with {string.Join(" or ", Extensions[a.ContentType])} for {a.ContentType}");
            }
        }
        if (total > MaxAttachmentsBytes)
        {
            errors.Add("attachments", $"{total} bytes in all is over the limit of {MaxAttachmentsBytes}");
        }
    }
}
