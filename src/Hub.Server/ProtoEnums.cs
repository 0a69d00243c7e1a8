using System.Collections.Concurrent;
using System.Reflection;
using Google.Protobuf.Reflection;

namespace Hub.Server;

/// <summary>The .proto names of generated enum values (e.g. DISTRIBUTION_MEMBERS), as integrators see them.</summary>
public static class ProtoEnums
{
    private static readonly ConcurrentDictionary<Enum, string> Names = new();

    public static string Name<T>(T value) where T : struct, Enum =>
        Names.GetOrAdd(value, v => v.GetType().GetField(v.ToString())?.GetCustomAttribute<OriginalNameAttribute>()?.Name ?? v.ToString());
}
