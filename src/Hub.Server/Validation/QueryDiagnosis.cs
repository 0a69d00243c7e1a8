using System.Globalization;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace Hub.Server.Validation;

/// <summary>
/// The query-string half of <see cref="JsonBodyDiagnosis"/>: after transcoding refused a GET
/// it could not bind, the parameter at fault, by the name the client wrote (<c>pageSize</c>
/// or <c>page_size</c>), with the conversions transcoding applies to query values.
/// </summary>
public static class QueryDiagnosis
{
    public static FieldError? Find(MessageDescriptor request, IQueryCollection query)
    {
        foreach (var (key, values) in query)
        {
            if (Resolve(request, key) is not { } field)
            {
                continue; // transcoding ignores what names no field, and so the query's other parameters
            }
            if (!field.IsRepeated && values.Count > 1)
            {
                return new FieldError(key, "is given more than once");
            }
            if (field.FieldType == FieldType.Message && !IsScalarLike(field.MessageType))
            {
                return new FieldError(key, $"is a message ({field.MessageType.Name}); name one of its fields");
            }
            foreach (var value in values)
            {
                if (!Converts(field, value ?? ""))
                {
                    return new FieldError(key, field.FieldType == FieldType.Enum
                        ? $"is not a value of {field.EnumType.Name} ({string.Join(", ", field.EnumType.Values.Select(v => v.Name))})"
                        : $"'{Alerts.AlertValidator.Truncate(value ?? "")}' cannot be read as {Kind(field)}");
                }
            }
        }
        return null;
    }

    /// <summary>"seizedFrom", "seized_from", "a.b": proto3 JSON names first, then proto names, as transcoding resolves them.</summary>
    private static FieldDescriptor? Resolve(MessageDescriptor type, string key)
    {
        FieldDescriptor? field = null;
        foreach (var name in key.Split('.'))
        {
            if (field is not null)
            {
                if (field.FieldType != FieldType.Message)
                {
                    return null;
                }
                type = field.MessageType;
            }
            field = type.Fields.InFieldNumberOrder().LastOrDefault(f => f.JsonName == name) ?? type.FindFieldByName(name);
            if (field is null)
            {
                return null;
            }
        }
        return field;
    }

    private static bool IsScalarLike(MessageDescriptor type) =>
        type.FullName == Timestamp.Descriptor.FullName || type.FullName == Duration.Descriptor.FullName || type.FullName == FieldMask.Descriptor.FullName
        || (type.File.Package == "google.protobuf" && type.Name.EndsWith("Value", StringComparison.Ordinal) && type.FindFieldByName("value") is not null);

    private static bool Converts(FieldDescriptor field, string value)
    {
        var c = CultureInfo.InvariantCulture;
        return field.FieldType switch
        {
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => int.TryParse(value, NumberStyles.Integer, c, out _),
            FieldType.UInt32 or FieldType.Fixed32 => uint.TryParse(value, NumberStyles.Integer, c, out _),
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => long.TryParse(value, NumberStyles.Integer, c, out _),
            FieldType.UInt64 or FieldType.Fixed64 => ulong.TryParse(value, NumberStyles.Integer, c, out _),
            FieldType.Double or FieldType.Float => double.TryParse(value, NumberStyles.Float | NumberStyles.AllowThousands, c, out _),
            FieldType.Bool => bool.TryParse(value, out _),
            FieldType.Bytes => Convert.TryFromBase64String(value, new byte[value.Length], out _),
            FieldType.Enum => (int.TryParse(value, NumberStyles.Integer, c, out var n) ? field.EnumType.FindValueByNumber(n) : field.EnumType.FindValueByName(value)) is not null,
            FieldType.Message when field.MessageType.FullName == Timestamp.Descriptor.FullName =>
                DateTimeOffset.TryParse(value, c, DateTimeStyles.RoundtripKind, out _),
            FieldType.Message when field.MessageType.FullName == Duration.Descriptor.FullName => value.EndsWith('s'),
            FieldType.Message when field.MessageType.FindFieldByName("value") is { } wrapped && field.MessageType.File.Package == "google.protobuf" => Converts(wrapped, value),
            _ => true,
        };
    }

    private static string Kind(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Bool => "true or false",
        FieldType.Bytes => "base64",
        FieldType.Double or FieldType.Float => "a number",
        FieldType.Message when field.MessageType.FullName == Timestamp.Descriptor.FullName => "an RFC 3339 timestamp such as 2026-11-29T08:30:00Z",
        FieldType.Message => field.MessageType.Name,
        _ => "an integer in range",
    };
}
