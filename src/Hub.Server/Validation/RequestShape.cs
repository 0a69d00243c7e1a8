using System.Collections;
using System.Collections.Concurrent;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace Hub.Server.Validation;

/// <summary>
/// What no request of any method may carry, checked once for all of them before a service
/// runs: an enum number the contract does not define (proto3 enums are open, so the parser
/// keeps it) and a timestamp no clock can show (<see cref="Timestamps"/>). Services may then
/// switch over enums and convert timestamps without a server fault on a client's mistake.
/// Paths are proto paths, like the validators' (<c>alert.items[0].unit</c>).
/// </summary>
public static class RequestShape
{
    // Per message type, only the fields that can hold an enum or a timestamp at any depth:
    // most of a request (strings, numbers) is never visited.
    private static readonly ConcurrentDictionary<MessageDescriptor, FieldDescriptor[]> Visited = new();

    public static FieldErrors Check(IMessage request)
    {
        var errors = new FieldErrors();
        Visit(request, new Path(), errors);
        return errors;
    }

    // The path is kept as segments and spelled out only for an error: building a string per
    // visited field cost more than the visit.
    private static void Visit(IMessage message, Path path, FieldErrors errors)
    {
        foreach (var field in FieldsToVisit(message.Descriptor))
        {
            var value = field.Accessor.GetValue(message);
            if (field.IsMap)
            {
                var valueField = field.MessageType.FindFieldByNumber(2);
                foreach (DictionaryEntry entry in (IDictionary)value)
                {
                    path.Push(field.Name, -1, entry.Key);
                    Element(valueField, entry.Value, path, errors);
                    path.Pop();
                }
            }
            else if (field.IsRepeated)
            {
                var list = (IList)value;
                for (var i = 0; i < list.Count; i++)
                {
                    path.Push(field.Name, i, null);
                    Element(field, list[i], path, errors);
                    path.Pop();
                }
            }
            else
            {
                path.Push(field.Name, -1, null);
                Element(field, value, path, errors);
                path.Pop();
            }
        }
    }

    private static void Element(FieldDescriptor field, object? value, Path path, FieldErrors errors)
    {
        switch (value)
        {
            case null:
                return;
            case Timestamp timestamp:
                if (Timestamps.Problem(timestamp) is { } problem)
                {
                    errors.Add(path.ToString(), problem);
                }
                return;
            case IMessage nested:
                Visit(nested, path, errors);
                return;
            default:
                if (field.FieldType == FieldType.Enum)
                {
                    var number = Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
                    if (field.EnumType.FindValueByNumber(number) is null)
                    {
                        errors.Add(path.ToString(), $"unknown value {number} of {field.EnumType.Name}");
                    }
                }
                return;
        }
    }

    private static FieldDescriptor[] FieldsToVisit(MessageDescriptor type) =>
        Visited.GetOrAdd(type, t => [.. t.Fields.InDeclarationOrder().Where(f => CanHold(f, []))]);

    private static bool CanHold(FieldDescriptor field, HashSet<string> path)
    {
        if (field.IsMap)
        {
            return CanHold(field.MessageType.FindFieldByNumber(2), path);
        }
        if (field.FieldType == FieldType.Enum)
        {
            return true;
        }
        if (field.FieldType is not (FieldType.Message or FieldType.Group))
        {
            return false;
        }
        var type = field.MessageType;
        if (type.FullName == Timestamp.Descriptor.FullName || !path.Add(type.FullName))
        {
            // A type met again on the way down (recursion) is visited: cheap to assume, wrong to skip.
            return true;
        }
        var holds = type.Fields.InDeclarationOrder().Any(f => CanHold(f, path));
        path.Remove(type.FullName);
        return holds;
    }

    private sealed class Path
    {
        private readonly List<(string Name, int Index, object? Key)> _segments = [];

        public void Push(string name, int index, object? key) => _segments.Add((name, index, key));

        public void Pop() => _segments.RemoveAt(_segments.Count - 1);

        public override string ToString() => string.Join('.', _segments.Select(s =>
            s.Key is not null ? $"{s.Name}[{s.Key}]" : s.Index >= 0 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{s.Name}[{s.Index}]") : s.Name));
    }
}
