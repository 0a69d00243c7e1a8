using System.Globalization;
using System.Text.Json;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace Hub.Server.Validation;

/// <summary>
/// JSON transcoding refuses a body it cannot read with one sentence and no field. Read again
/// here — only after it failed — the same bytes show the field at fault, by the path the
/// client wrote (<c>alert.items[0].quantity</c>): where the JSON stops being JSON (or UTF-8),
/// a value of the wrong kind, an enum name or a timestamp the contract does not know. Texts
/// are predicates of the field ("is not valid JSON"); field "" is the body as a whole.
/// </summary>
public static class JsonBodyDiagnosis
{
    public static FieldError? Find(MessageDescriptor body, ReadOnlySpan<byte> json)
    {
        if (json.Trim(" \t\r\n"u8).IsEmpty)
        {
            return new FieldError("", "is empty; a JSON object is expected");
        }
        if (Syntax(json) is { } syntax)
        {
            return syntax;
        }
        using var document = JsonDocument.Parse(json.ToArray());
        return Message(body, document.RootElement, "");
    }

    /// <summary>Reads token by token, keeping the path, until the reader gives up.</summary>
    private static FieldError? Syntax(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        var path = new List<string>();
        var indexes = new Stack<int>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        path[^1] = reader.GetString()!;
                        continue;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        Next(path, indexes);
                        indexes.Push(reader.TokenType == JsonTokenType.StartArray ? -1 : int.MinValue);
                        path.Add("");
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        indexes.Pop();
                        path.RemoveAt(path.Count - 1);
                        continue;
                    case JsonTokenType.String:
                        Next(path, indexes);
                        _ = reader.GetString(); // throws on invalid UTF-8 or escapes inside the string
                        continue;
                    default:
                        Next(path, indexes);
                        continue;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return new FieldError(Join(path), $"is not valid JSON (line {CurrentLine(json, reader.BytesConsumed)})");
        }
        return null;
    }

    private static void Next(List<string> path, Stack<int> indexes)
    {
        if (indexes.Count > 0 && indexes.Peek() != int.MinValue)
        {
            var index = indexes.Pop() + 1;
            indexes.Push(index);
            path[^1] = $"[{index}]";
        }
    }

    private static string Join(List<string> path) =>
        string.Concat(path.Where(p => p.Length > 0).Select((p, i) => i == 0 || p.StartsWith('[') ? p : "." + p));

    private static long CurrentLine(ReadOnlySpan<byte> json, long consumed) =>
        json[..(int)Math.Min(consumed, json.Length)].Count((byte)'\n') + 1;

    private static FieldError? Message(MessageDescriptor type, JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return new FieldError(path, $"must be a JSON object ({type.Name})");
        }
        foreach (var property in value.EnumerateObject())
        {
            var at = Child(path, property.Name);
            var field = type.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == property.Name) ?? type.FindFieldByName(property.Name);
            if (field is null)
            {
                // Transcoding ignores a property no field has; so does this reading.
                continue;
            }
            if (Field(field, property.Value, at) is { } fault)
            {
                return fault;
            }
        }
        return null;
    }

    private static FieldError? Field(FieldDescriptor field, JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (field.IsMap)
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                return new FieldError(path, "must be a JSON object");
            }
            var valueField = field.MessageType.FindFieldByNumber(2);
            return value.EnumerateObject().Select(e => Single(valueField, e.Value, Child(path, e.Name))).FirstOrDefault(f => f is not null);
        }
        if (field.IsRepeated)
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                return new FieldError(path, "must be a JSON array");
            }
            return value.EnumerateArray().Select((e, i) => Single(field, e, $"{path}[{i}]")).FirstOrDefault(f => f is not null);
        }
        return Single(field, value, path);
    }

    private static FieldError? Single(FieldDescriptor field, JsonElement value, string path)
    {
        var ok = field.FieldType switch
        {
            FieldType.String => value.ValueKind == JsonValueKind.String,
            FieldType.Bytes => value.ValueKind == JsonValueKind.String && IsBase64(value.GetString()!),
            FieldType.Bool => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            FieldType.Double or FieldType.Float => value.ValueKind == JsonValueKind.Number
                || value.ValueKind == JsonValueKind.String && (value.GetString() is "NaN" or "Infinity" or "-Infinity" || double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out _)),
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => Integer(value, int.MinValue, int.MaxValue),
            FieldType.UInt32 or FieldType.Fixed32 => Integer(value, 0, uint.MaxValue),
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => Integer(value, long.MinValue, long.MaxValue),
            FieldType.UInt64 or FieldType.Fixed64 => Integer(value, 0, ulong.MaxValue),
            FieldType.Enum => value.ValueKind == JsonValueKind.Number ? value.TryGetInt32(out _)
                : value.ValueKind == JsonValueKind.String && field.EnumType.FindValueByName(value.GetString()!) is not null,
            _ => true,
        };
        if (!ok)
        {
            return new FieldError(path, field.FieldType == FieldType.Enum
                ? $"is not a value of {field.EnumType.Name} ({string.Join(", ", field.EnumType.Values.Select(v => v.Name))})"
                : $"must be {Expected(field.FieldType)}");
        }
        return field.FieldType == FieldType.Message ? WellKnownOrMessage(field.MessageType, value, path) : null;
    }

    private static FieldError? WellKnownOrMessage(MessageDescriptor type, JsonElement value, string path)
    {
        if (type.FullName == Timestamp.Descriptor.FullName)
        {
            return value.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _)
                ? null
                : new FieldError(path, "must be an RFC 3339 timestamp such as 2026-11-29T08:30:00Z, between 0001 and 9999");
        }
        if (type.FullName == Duration.Descriptor.FullName)
        {
            return value.ValueKind == JsonValueKind.String && value.GetString()!.EndsWith('s') ? null : new FieldError(path, "must be a duration such as 1.5s");
        }
        if (type.File.Package == "google.protobuf" && type.Name.EndsWith("Value", StringComparison.Ordinal) && type.Fields.InDeclarationOrder() is [{ Name: "value" } wrapped])
        {
            return Single(wrapped, value, path); // wrappers are written as their value
        }
        if (type.File.Package == "google.protobuf")
        {
            return null; // Struct, Value, ListValue, Any, FieldMask, Empty: left to the parser
        }
        return Message(type, value, path);
    }

    /// <summary>proto3 JSON takes integers as numbers or strings, exponents allowed (1e3), fractions not.</summary>
    private static bool Integer(JsonElement value, decimal min, decimal max)
    {
        var text = value.ValueKind switch
        {
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.String => value.GetString()!,
            _ => null,
        };
        return decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var number)
            && number == decimal.Truncate(number) && number >= min && number <= max;
    }

    private static bool IsBase64(string text)
    {
        var standard = text.Replace('-', '+').Replace('_', '/');
        var padded = standard.PadRight(standard.Length + (4 - standard.Length % 4) % 4, '=');
        return Convert.TryFromBase64String(padded, new byte[padded.Length], out _);
    }

    private static string Expected(FieldType type) => type switch
    {
        FieldType.String => "a JSON string",
        FieldType.Bytes => "base64 text",
        FieldType.Bool => "true or false",
        FieldType.Double or FieldType.Float => "a number",
        FieldType.Message => "a JSON object",
        _ => "an integer in range",
    };

    private static string Child(string path, string name) => path.Length == 0 ? name : path + "." + name;
}
