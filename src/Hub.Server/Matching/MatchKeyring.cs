using System.Security.Cryptography;
using System.Text;
using Hub.Server.Data;

namespace Hub.Server.Matching;

/// <summary>
/// The keys of the blind index (HMAC-SHA-256). Held outside the database like the audit key
/// (<c>Hub:Matching:Key</c> / <c>KeyFile</c>, retired keys under <c>PreviousKeys</c>): whoever
/// reads the index table learns only which records share a value, never the value — a plain
/// hash of a phone number falls to a dictionary of the region's ~10^10 numbers in minutes.
/// </summary>
public sealed class MatchKeyring
{
    public const string Section = "Hub:Matching";
    public const string KeyKey = Section + ":Key";

    private readonly MatchKey[] _all;

    private MatchKeyring(byte[] current, IEnumerable<byte[]> previous)
    {
        Current = MatchKey.From(current);
        _all = [Current, .. previous.Select(MatchKey.From).Where(k => k.Id != Current.Id).DistinctBy(k => k.Id)];
    }

    /// <summary>The key new index rows are written with.</summary>
    public MatchKey Current { get; }

    /// <summary>Every key lookups use: the current one, then those a rotation has not finished re-keying.</summary>
    public IReadOnlyList<MatchKey> All => _all;

    public static MatchKeyring Create(byte[] current, params byte[][] previous) => new(current, previous);

    public static MatchKeyring Load(IConfiguration configuration, HubPaths paths, bool developmentEnvironment)
    {
        var loaded = Hosting.ConfiguredSecrets.Load(configuration, Section, "the matching index holds only keyed hashes made with it",
            "dev-matching-key.txt", paths, developmentEnvironment);
        return new MatchKeyring(loaded.Current, loaded.Previous);
    }

    /// <summary>The index key of a canonical value under the current key.</summary>
    public byte[] Hash(string canonical) => Current.Hash(canonical);

    /// <summary>The index keys of a canonical value under every known key (what a lookup asks for).</summary>
    public IEnumerable<byte[]> Hashes(string canonical) => _all.Select(k => k.Hash(canonical));
}

/// <summary>One matching key and its id (derived from the key, so every node names it alike).</summary>
public sealed record MatchKey(string Id, byte[] Secret)
{
    public static MatchKey From(byte[] secret) =>
        new(Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes("hub-matching-key-id")))[..16], secret);

    public byte[] Hash(string canonical) => HMACSHA256.HashData(Secret, Encoding.UTF8.GetBytes(canonical));

    // A record prints its members: never the secret.
    public override string ToString() => $"matching key {Id}";
}
