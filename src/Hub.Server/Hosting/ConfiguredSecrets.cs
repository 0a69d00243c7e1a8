using System.Security.Cryptography;
using Hub.Server.Data;
using Hub.Server.Identity;

namespace Hub.Server.Hosting;

/// <summary>
/// A secret the hub must never keep in its database (the audit key, the matching key), read
/// the one way every such key is: <c>{Section}:Key</c> (base64) or <c>{Section}:KeyFile</c>;
/// keys retired by a rotation under <c>{Section}:PreviousKeys:0…</c> or
/// <c>{Section}:PreviousKeyFiles:0…</c>. Only the Development environment makes one of its
/// own (in the data folder); anywhere else the hub refuses to start without it.
/// </summary>
public static class ConfiguredSecrets
{
    public const int MinimumKeyBytes = 32;

    /// <summary>The current secret, the retired ones, and whether the hub made the current one for development.</summary>
    public sealed record Loaded(byte[] Current, IReadOnlyList<byte[]> Previous, bool Development);

    /// <param name="purpose">What the key protects, for the refusal's words.</param>
    /// <param name="developmentFile">The file name in the data folder a development key is kept in.</param>
    public static Loaded Load(IConfiguration configuration, string section, string purpose, string developmentFile, HubPaths paths, bool developmentEnvironment)
    {
        var keyName = section + ":Key";
        var configured = configuration[keyName] ?? ReadFile(configuration[keyName + "File"], keyName + "File");
        var development = false;
        if (string.IsNullOrWhiteSpace(configured))
        {
            if (!developmentEnvironment)
            {
                throw new InvalidOperationException(
                    $"{keyName} (at least {MinimumKeyBytes} random bytes, base64) or {keyName}File must be configured: " +
                    $"{purpose}, and it must not be kept in the database. Only the Development environment makes a key of its own.");
            }
            development = true;
            configured = IdentityKeys.ReadOrCreate(Path.Combine(paths.DataDirectory, developmentFile),
                () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(MinimumKeyBytes)));
        }
        var previousName = section + ":PreviousKeys";
        var previous = configuration.GetSection(previousName).GetChildren().Select(c => c.Value)
            .Concat(configuration.GetSection(section + ":PreviousKeyFiles").GetChildren().Select(c => ReadFile(c.Value, c.Path)))
            .Where(v => !string.IsNullOrWhiteSpace(v))
            .Select(v => Decode(v!, previousName));
        return new Loaded(Decode(configured, keyName), [.. previous], development);
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
