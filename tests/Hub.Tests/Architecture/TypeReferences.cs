using System.Reflection;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Hub.Tests.Architecture;

/// <summary>
/// What each type of an assembly refers to, read from its metadata and IL. NetArchTest says
/// which types break a rule; this says through which referenced types, and whether a type
/// constructs one, so that a failure names both ends of every offending dependency.
/// </summary>
internal sealed class TypeReferences
{
    private readonly Dictionary<string, HashSet<string>> _references = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _constructed = new(StringComparer.Ordinal);

    public TypeReferences(Assembly assembly)
    {
        using var module = ModuleDefinition.ReadModule(assembly.Location);
        foreach (var type in module.GetTypes())
        {
            // Lambdas, iterators and async state machines are the declaring type's own code.
            var owner = TopLevel(type).FullName;
            var references = Get(_references, owner);
            var constructed = Get(_constructed, owner);
            Add(references, type.BaseType);
            foreach (var face in type.Interfaces)
            {
                Add(references, face.InterfaceType);
            }
            foreach (var field in type.Fields)
            {
                Add(references, field.FieldType);
            }
            foreach (var method in type.Methods)
            {
                Add(references, method.ReturnType);
                foreach (var parameter in method.Parameters)
                {
                    Add(references, parameter.ParameterType);
                }
                if (!method.HasBody)
                {
                    continue;
                }
                foreach (var variable in method.Body.Variables)
                {
                    Add(references, variable.VariableType);
                }
                foreach (var instruction in method.Body.Instructions)
                {
                    switch (instruction.Operand)
                    {
                        case MethodReference called:
                            Add(references, called.DeclaringType);
                            Add(references, called.ReturnType);
                            if (called is GenericInstanceMethod generic)
                            {
                                foreach (var argument in generic.GenericArguments)
                                {
                                    Add(references, argument);
                                }
                            }
                            foreach (var parameter in called.Parameters)
                            {
                                Add(references, parameter.ParameterType);
                            }
                            if (instruction.OpCode == OpCodes.Newobj)
                            {
                                Add(constructed, called.DeclaringType);
                            }
                            break;
                        case FieldReference field:
                            Add(references, field.DeclaringType);
                            Add(references, field.FieldType);
                            break;
                        case TypeReference referenced:
                            Add(references, referenced);
                            break;
                    }
                }
            }
        }
    }

    /// <summary>The referenced types of <paramref name="type"/> (a top-level type's full name) whose full name starts with one of <paramref name="prefixes"/>.</summary>
    public IReadOnlyList<string> Of(string type, params string[] prefixes) => Matching(_references, type, prefixes);

    /// <summary>The types among <paramref name="prefixes"/> that <paramref name="type"/> constructs (<c>newobj</c>).</summary>
    public IReadOnlyList<string> ConstructedBy(string type, params string[] prefixes) => Matching(_constructed, type, prefixes);

    private static List<string> Matching(Dictionary<string, HashSet<string>> map, string type, string[] prefixes) =>
        map.TryGetValue(TopLevelName(type), out var found)
            ? [.. found.Where(r => prefixes.Any(p => r == p || r.StartsWith(p + ".", StringComparison.Ordinal) || r.StartsWith(p + "/", StringComparison.Ordinal))).Order(StringComparer.Ordinal)]
            : [];

    /// <summary>"A.B/C/&lt;&gt;c" → "A.B"; reflection's "A.B+C" → "A.B".</summary>
    public static string TopLevelName(string fullName)
    {
        var cut = fullName.IndexOfAny(['/', '+']);
        return cut < 0 ? fullName : fullName[..cut];
    }

    private static TypeDefinition TopLevel(TypeDefinition type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }
        return type;
    }

    private static HashSet<string> Get(Dictionary<string, HashSet<string>> map, string key)
    {
        if (!map.TryGetValue(key, out var set))
        {
            set = new HashSet<string>(StringComparer.Ordinal);
            map[key] = set;
        }
        return set;
    }

    private static void Add(HashSet<string> set, TypeReference? type)
    {
        switch (type)
        {
            case null:
                return;
            case GenericInstanceType generic:
                Add(set, generic.ElementType);
                foreach (var argument in generic.GenericArguments)
                {
                    Add(set, argument);
                }
                return;
            case TypeSpecification specification:
                Add(set, specification.ElementType);
                return;
            case GenericParameter:
                return;
        }
        var top = type;
        while (top.DeclaringType is not null)
        {
            top = top.DeclaringType;
        }
        set.Add(top.FullName);
    }
}
