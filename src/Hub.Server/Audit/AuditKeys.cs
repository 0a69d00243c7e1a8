using System.Security.Cryptography;
using System.Text;
using Hub.Server.Data;
using Hub.Server.Identity;

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
    public const int MinimumKeyBytes = 32;

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
        var configured = configuration[KeyKey] ?? ReadFile(configuration[KeyKey + "File"], KeyKey + "File");
        var development = false;
        if (string.IsNullOrWhiteSpace(configured))
        {
            if (!developmentEnvironment)
            {
                throw new InvalidOperationException(
                    $"{KeyKey} (at least {MinimumKeyBytes} random bytes, base64) or {KeyKey}File must be configured: " +
                    "the audit trail's entries are authenticated with it, and it must not be kept in the database. " +
                    "Only the Development environment makes a key of its own.");
            }
            development = true;
            configured = IdentityKeys.ReadOrCreate(Path.Combine(paths.DataDirectory, "dev-audit-key.txt"),
                () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(MinimumKeyBytes)));
        }
        var previous = configuration.GetSection(PreviousKeysKey).GetChildren().Select(c => c.Value)
            .Concat(configuration.GetSection(PreviousKeyFilesKey).GetChildren().Select(c => ReadFile(c.Value, c.Path)))
            .Where(v => !string.IsNullOrWhiteSpace(v))
            .Select(v => Decode(v!, PreviousKeysKey));
        return new AuditKeys(AuditKey.From(Decode(configured, KeyKey)), [.. previous.Select(AuditKey.From)], development);
    }

    private static byte[] Decode(string base64, string name)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{name}: not base64.");
        }
        return bytes.Length >= MinimumKeyBytes
            ? bytes
            : throw new InvalidOperationException($"{name} must be at least {MinimumKeyBytes} bytes (got {bytes.Length}).");
    }

    private static string? ReadFile(string? path, string name)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }
        return File.Exists(path) ? File.ReadAllText(path) : throw new InvalidOperationException($"{name}: no file at {path}");
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
