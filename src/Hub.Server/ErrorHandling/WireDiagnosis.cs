using Google.Protobuf.Reflection;
using Hub.Server.Validation;

namespace Hub.Server.ErrorHandling;

/// <summary>
/// Google.Protobuf says that a message cannot be parsed, not where. Walked again over the
/// message's descriptor, the same bytes show the field at fault — the string field holding
/// invalid UTF-8, the field whose length runs past its message — by its proto path, so that
/// a malformed request names its field like any other invalid one. Only run after a parse
/// failed; a request that parses is never walked.
/// </summary>
internal static class WireDiagnosis
{
    private const int MaxDepth = 100;

    /// <summary>The first fault found; its field is "" when the fault is in no field (garbage from the first byte).</summary>
    public static FieldError Find(MessageDescriptor type, ReadOnlySpan<byte> bytes) =>
        Walk(type, bytes, "", 0) ?? new FieldError("", "is not a valid protobuf message");

    private static FieldError? Walk(MessageDescriptor type, ReadOnlySpan<byte> data, string prefix, int depth)
    {
        var parent = prefix.TrimEnd('.');
        if (depth > MaxDepth)
        {
            return new FieldError(parent, "is nested too deeply");
        }
        var seen = new Dictionary<int, int>();
        var pos = 0;
        while (pos < data.Length)
        {
            if (!TryVarint(data, ref pos, out var tag) || tag >> 3 == 0)
            {
                return new FieldError(parent, "contains a malformed field tag");
            }
            var number = (int)(tag >> 3);
            var field = type.FindFieldByNumber(number);
            var path = field is null ? parent : prefix + field.Name;
            if (field is { IsRepeated: true })
            {
                seen[number] = seen.GetValueOrDefault(number) + 1;
                path += $"[{seen[number] - 1}]";
            }
            switch (tag & 7)
            {
                case 0:
                    if (!TryVarint(data, ref pos, out _))
                    {
                        return new FieldError(path, "holds a malformed number");
                    }
                    break;
                case 1 or 5:
                    pos += (tag & 7) == 1 ? 8 : 4;
                    if (pos > data.Length)
                    {
                        return new FieldError(path, "is cut short");
                    }
                    break;
                case 2:
                    if (!TryVarint(data, ref pos, out var length) || length > (ulong)(data.Length - pos))
                    {
                        return new FieldError(path, "has a length past the end of the message");
                    }
                    var content = data.Slice(pos, (int)length);
                    pos += (int)length;
                    if (Check(field, content, path, depth) is { } fault)
                    {
                        return fault;
                    }
                    break;
                default:
                    // Groups (3, 4) are not used by any hub contract; 6 and 7 do not exist.
                    return new FieldError(path, $"uses wire type {tag & 7}, which the hub does not read");
            }
        }
        return null;
    }

    private static FieldError? Check(FieldDescriptor? field, ReadOnlySpan<byte> content, string path, int depth) => field?.FieldType switch
    {
        FieldType.String when !System.Text.Unicode.Utf8.IsValid(content) => new FieldError(path, "is not valid UTF-8"),
        FieldType.Message => Walk(field.MessageType, content, path + ".", depth + 1),
        _ => null,
    };

    private static bool TryVarint(ReadOnlySpan<byte> data, ref int pos, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (pos >= data.Length)
            {
                return false;
            }
            var b = data[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }
        return false;
    }
}
