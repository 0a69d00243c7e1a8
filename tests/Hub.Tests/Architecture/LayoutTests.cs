using System.Reflection;
using NetArchTest.Rules;

namespace Hub.Tests.Architecture;

/// <summary>
/// The layout of Hub.Server as compiled: features stand beside each other, the shared
/// mechanisms (access, records, data, messaging, audit, errors) know no feature, only the
/// error handling makes gRPC errors, and only the access policy decides from a country's
/// status. Each failure lists the offending types and, for each, what it reaches.
/// </summary>
public sealed class LayoutTests
{
    private const string Root = "Hub.Server";
    private static readonly Assembly Server = typeof(Hub.Server.Access.AccessPolicy).Assembly;
    private static readonly Lazy<TypeReferences> References = new(() => new TypeReferences(Server));

    public static readonly string[] Features = [$"{Root}.Alerts", $"{Root}.Cases", $"{Root}.Deliveries", $"{Root}.Admin"];

    public static readonly string[] SharedMechanisms = [$"{Root}.Records", $"{Root}.Data", $"{Root}.Messaging", $"{Root}.Audit", $"{Root}.ErrorHandling"];

    /// <summary>
    /// What one feature may use of another: only a linked record's published face — the stored
    /// alert and its access (a case links alerts, a delivery completes with a seizure alert),
    /// the stored case and its access (a delivery links a case). Every other crossing is a failure.
    /// </summary>
    private static readonly Dictionary<string, string> SharedAcrossFeatures = new(StringComparer.Ordinal)
    {
        [$"{Root}.Alerts.AlertRecord"] = "the stored alert that cases link and deliveries complete with",
        [$"{Root}.Alerts.AlertMapping"] = "AccessOf(alert): the alert's access, for the policy to decide whether a linked alert is readable",
        [$"{Root}.Cases.CaseRecord"] = "the stored case a delivery links to",
        [$"{Root}.Cases.CaseParticipantRecord"] = "its participants, loaded with it: who may see the case",
        [$"{Root}.Cases.CaseMapping"] = "AccessOf(case): the case's access, for the policy to decide whether a linked case is readable",
    };

    public static TheoryData<string> FeatureNamespaces() => [.. Features];

    [Theory]
    [MemberData(nameof(FeatureNamespaces))]
    public void Features_do_not_use_each_others_internals(string feature)
    {
        var others = Features.Where(f => f != feature).ToArray();
        var result = Types.InAssembly(Server).That().ResideInNamespace(feature)
            .ShouldNot().HaveDependencyOnAny(others).GetResult();
        var offences = Offences(result, others).Select(o => (o.Type, Targets: o.Targets.Where(t => !SharedAcrossFeatures.ContainsKey(t)).ToList()))
            .Where(o => o.Targets.Count > 0).ToList();
        Assert.True(offences.Count == 0, Describe($"{feature} uses other features' types beyond the shared ones ({string.Join(", ", SharedAcrossFeatures.Keys)})", offences));
    }

    [Fact]
    public void Access_depends_on_no_feature()
    {
        var result = Types.InAssembly(Server).That().ResideInNamespace($"{Root}.Access")
            .ShouldNot().HaveDependencyOnAny(Features).GetResult();
        Assert.True(result.IsSuccessful, Describe($"{Root}.Access reaches into features", Offences(result, Features)));
    }

    public static TheoryData<string> SharedNamespaces() => [.. SharedMechanisms];

    [Theory]
    [MemberData(nameof(SharedNamespaces))]
    public void Shared_mechanisms_depend_on_no_feature(string shared)
    {
        var result = Types.InAssembly(Server).That().ResideInNamespace(shared)
            .ShouldNot().HaveDependencyOnAny(Features).GetResult();
        Assert.True(result.IsSuccessful, Describe($"{shared} reaches into features", Offences(result, Features)));
    }

    /// <summary>
    /// NetArchTest sees dependencies, not construction: a type that only catches or mentions
    /// RpcException fails the dependency rule too. The rule is therefore "no type outside
    /// ErrorHandling depends on RpcException", and the message says which offenders construct it.
    /// </summary>
    [Fact]
    public void Only_ErrorHandling_makes_RpcException()
    {
        const string rpcException = "Grpc.Core.RpcException";
        var result = Types.InAssembly(Server).That().DoNotResideInNamespace($"{Root}.ErrorHandling")
            .ShouldNot().HaveDependencyOn(rpcException).GetResult();
        var offences = Offences(result, rpcException)
            .Select(o => (o.Type, Targets: (IReadOnlyList<string>)[References.Value.ConstructedBy(o.Type, rpcException).Count > 0 ? "constructs RpcException" : "mentions RpcException (does not construct it)"]))
            .ToList();
        Assert.True(result.IsSuccessful, Describe("types outside ErrorHandling that depend on RpcException (throw HubException instead)", offences));
    }

    /// <summary>
    /// Where CountryStatus may appear besides the policy: the directory that defines it, the
    /// database model that stores it, the admin service that manages it, the seeding of the
    /// development accounts (members get accounts), and the features' input validators, which
    /// refuse a request naming a country that cannot take part. Nowhere else decides from it.
    /// </summary>
    private static readonly Dictionary<string, string> MayUseCountryStatus = new(StringComparer.Ordinal)
    {
        [$"{Root}.Admin.AdminService"] = "manages the directory (SetCountryStatus) and checks its requests' countries",
        [$"{Root}.Identity.DevelopmentAccounts"] = "seeds accounts for the member states",
        [$"{Root}.Alerts.AlertDirectoryChecks"] = "validates a posted alert's countries",
        [$"{Root}.Deliveries.DeliveryValidation"] = "validates a proposed route's countries",
        [$"{Root}.Cases.CasesService"] = "validates that invited and forwarded-to countries are members or observers",
        [$"{Root}.Admin.AdminMapping"] = "maps the directory's status to the wire and back: the admin manages it",
        [$"{Root}.Admin.SetCountryStatusChange"] = "is the admin's change of a country's status",
    };

    [Fact]
    public void Only_Access_decides_from_CountryStatus()
    {
        const string status = "Hub.Server.Countries.CountryStatus";
        var result = Types.InAssembly(Server)
            .That().DoNotResideInNamespace($"{Root}.Access")
            .And().DoNotResideInNamespace($"{Root}.Countries")
            .And().DoNotResideInNamespace($"{Root}.Data")
            .ShouldNot().HaveDependencyOn(status).GetResult();
        var offences = Offences(result, status).Where(o => !MayUseCountryStatus.ContainsKey(o.Type)).ToList();
        Assert.True(offences.Count == 0, Describe(
            $"types outside Access that use CountryStatus and are not among the allowed validators ({string.Join(", ", MayUseCountryStatus.Keys)})", offences));
    }

    [Fact]
    public void The_rules_see_the_types_they_are_about()
    {
        // A rule over an empty selection passes whatever the code does: every namespace named
        // above must hold types, and the reference reader must see a known dependency.
        foreach (var ns in Features.Concat(SharedMechanisms).Append($"{Root}.Access"))
        {
            Assert.True(Types.InAssembly(Server).That().ResideInNamespace(ns).GetTypes().Any(), $"no types in {ns}");
        }
        Assert.Contains($"{Root}.Access.AccessPolicy", References.Value.Of($"{Root}.Alerts.SeizureAlertsService", $"{Root}.Access"));
        Assert.False(Types.InAssembly(Server).That().HaveName("ErrorStatus").ShouldNot().HaveDependencyOn("Grpc.Core.RpcException").GetResult().IsSuccessful);
    }

    /// <summary>The failing top-level types with the referenced types (among <paramref name="targets"/>) that made them fail.</summary>
    private static List<(string Type, IReadOnlyList<string> Targets)> Offences(NetArchTest.Rules.TestResult result, params string[] targets) =>
        [.. (result.FailingTypes ?? []).Select(t => TypeReferences.TopLevelName(t.FullName!)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(t => (t, References.Value.Of(t, targets)))];

    private static string Describe(string rule, IEnumerable<(string Type, IReadOnlyList<string> Targets)> offences) =>
        rule + ":" + string.Concat(offences.Select(o => $"{Environment.NewLine}  {o.Type} -> {string.Join(", ", o.Targets)}"));

    private static string Describe(string rule, IEnumerable<(string Type, List<string> Targets)> offences) =>
        Describe(rule, offences.Select(o => (o.Type, (IReadOnlyList<string>)o.Targets)));
}
