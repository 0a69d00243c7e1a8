using System.Text;
using Google.Api;
using Google.Protobuf.Reflection;

namespace Hub.Server.Validation;

/// <summary>
/// Proto paths (<c>alert.items[0].normalized_quantity</c>), as validators name fields, in the
/// spelling an HTTP/JSON client sent them: proto3 JSON names (<c>alert.items[0].normalizedQuantity</c>),
/// taken from the descriptors where the path resolves, lowerCamel where it does not; and,
/// when a method's HTTP rule makes one field the body, relative to that field, because the
/// client sent that field's content, not the field.
/// </summary>
public static class JsonFieldPaths
{
    public static string ToJson(string protoPath, MessageDescriptor request, HttpRule? rule)
    {
        var segments = Segments(protoPath);
        var json = new List<string>(segments.Count);
        MessageDescriptor? type = request;
        foreach (var (name, index) in segments)
        {
            var field = type?.FindFieldByName(name);
            json.Add((field?.JsonName ?? LowerCamel(name)) + index);
            type = field?.FieldType == FieldType.Message ? field.MessageType : null;
            if (field is { IsMap: true })
            {
                // Past a map key the path goes on in the map's value type.
                var value = field.MessageType.FindFieldByNumber(2);
                type = index.Length > 0 && value.FieldType == FieldType.Message ? value.MessageType : null;
            }
        }
        var body = rule?.Body;
        if (!string.IsNullOrEmpty(body) && body != "*" && request.FindFieldByName(body) is { } bodyField
            && segments.Count > 0 && segments[0].Name == body)
        {
            // The body field itself is the whole body the client sent: "" names it; a repeated
            // body (an array) keeps its index.
            var head = json[0][bodyField.JsonName.Length..];
            var tail = string.Join('.', json.Skip(1));
            return head.Length == 0 ? tail : tail.Length == 0 ? head : head + "." + tail;
        }
        return string.Join('.', json);
    }

    /// <summary>"a.b[2].c" → (a, ""), (b, "[2]"), (c, "").</summary>
    private static List<(string Name, string Index)> Segments(string path)
    {
        var segments = new List<(string, string)>();
        foreach (var part in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            segments.Add(bracket < 0 ? (part, "") : (part[..bracket], part[bracket..]));
        }
        return segments;
    }

    /// <summary>protoc's JSON name rule: drop each underscore and upper-case the letter after it.</summary>
    public static string LowerCamel(string name)
    {
        var text = new StringBuilder(name.Length);
        var upper = false;
        foreach (var c in name)
        {
            if (c == '_')
            {
                upper = true;
                continue;
            }
            text.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }
        return text.ToString();
    }
}
