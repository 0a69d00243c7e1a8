using System.Security.Cryptography;
using System.Text;
using Hub.Server.Data;

namespace Hub.Server.Audit;

/// <summary>
/// The secrets audit entries are authenticated with (HMAC-SHA256). They never enter the
/// database, so whoever can write it cannot recompute an entry's MAC (decisions/0016).
/// Configured like the token keys: <c>Hub:Audit:Key</c> (at least 32 random bytes, base64)
/// or <c>Hub:Audit:KeyFile</c>; keys retired by a rotation stay known for verification under
/// <c>Hub:Audit:PreviousKeys:0…</c> (base64) or <c>Hub:Audit:PreviousKeyFiles:0…</c>. Every
/// node sharing a database must have the same keys. Only the Development environment makes a
/// key of its own (in the data folder); anywhere else the hub refuses to start without one.
/// </summary>
public sealed class AuditKeys
{
    public const string KeyKey = "Hub:Audit:Key";
    public const string PreviousKeysKey = "Hub:Audit:PreviousKeys";
    public const string PreviousKeyFilesKey = "Hub:Audit:PreviousKeyFiles";
    public const int MinimumKeyBytes = Hosting.ConfiguredSecrets.MinimumKeyBytes;

    private readonly Dictionary<string, byte[]> _byId;

    private AuditKeys(AuditKey current, IEnumerable<AuditKey> previous, bool development)
    {
        Current = current;
        Development = development;
        _byId = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [current.Id] = current.Secret };
        foreach (var key in previous)
        {
            _byId.TryAdd(key.Id, key.Secret);
        }
    }

    /// <summary>The key new entries are authenticated with.</summary>
    public AuditKey Current { get; }

    /// <summary>True when the key was made by this hub for development.</summary>
    public bool Development { get; }

    /// <summary>The ids of every key verification knows, the current one first.</summary>
    public IEnumerable<string> KnownIds => _byId.Keys;

    /// <summary>The secret of a known key, or null.</summary>
    public byte[]? SecretOf(string keyId) => _byId.GetValueOrDefault(keyId);

    public static AuditKeys Create(byte[] secret, params byte[][] previous) =>
        new(AuditKey.From(secret), previous.Select(AuditKey.From), development: false);

    public static AuditKeys Load(IConfiguration configuration, HubPaths paths, bool developmentEnvironment)
    {
        var loaded = Hosting.ConfiguredSecrets.Load(configuration, "Hub:Audit", "the audit trail's entries are authenticated with it",
            "dev-audit-key.txt", paths, developmentEnvironment);
        return new AuditKeys(AuditKey.From(loaded.Current), [.. loaded.Previous.Select(AuditKey.From)], loaded.Development);
    }
}

/// <summary>One audit key and its id: derived from the key, so every node names it alike and no one can misname it.</summary>
public sealed record AuditKey(string Id, byte[] Secret)
{
    public static AuditKey From(byte[] secret) =>
        new(Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes("hub-audit-key-id")))[..16], secret);

    // A record prints its members: never the secret.
    public override string ToString() => $"audit key {Id}";
}
