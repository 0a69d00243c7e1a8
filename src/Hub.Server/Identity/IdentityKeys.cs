using System.Security.Cryptography;
using Hub.Server.Data;
using Microsoft.IdentityModel.Tokens;

namespace Hub.Server.Identity;

/// <summary>
/// The keys tokens are signed and encrypted with. In production they come from configuration
/// (every node must share them): <c>Hub:Identity:SigningKey</c> is an RSA private key in PEM,
/// <c>Hub:Identity:EncryptionKey</c> 32 random bytes in base64 — or, for secrets mounted as
/// files, <c>Hub:Identity:SigningKeyFile</c> and <c>Hub:Identity:EncryptionKeyFile</c>. Only
/// the Development environment makes development keys (once, kept in the data folder); in
/// any other environment, whatever the database, the hub refuses to start without keys.
/// </summary>
public sealed record IdentityKeys(RsaSecurityKey SigningKey, SymmetricSecurityKey EncryptionKey, bool Development)
{
    public const string SigningKeyKey = "Hub:Identity:SigningKey";
    public const string EncryptionKeyKey = "Hub:Identity:EncryptionKey";

    public static IdentityKeys Load(IConfiguration configuration, HubPaths paths, bool development)
    {
        var signingPem = configuration[SigningKeyKey] ?? ReadFile(configuration, paths, SigningKeyKey + "File");
        var encryption = configuration[EncryptionKeyKey] ?? ReadFile(configuration, paths, EncryptionKeyKey + "File");
        var made = false;
        if (string.IsNullOrWhiteSpace(signingPem) || string.IsNullOrWhiteSpace(encryption))
        {
            if (!development)
            {
                throw new InvalidOperationException(
                    $"{SigningKeyKey} (RSA private key, PEM) and {EncryptionKeyKey} (32 bytes, base64) must be configured: " +
                    "development keys exist only in the Development environment.");
            }
            made = true;
            signingPem = string.IsNullOrWhiteSpace(signingPem) ? ReadOrCreate(Path.Combine(paths.DataDirectory, "dev-signing-key.pem"), NewRsaPem) : signingPem;
            encryption = string.IsNullOrWhiteSpace(encryption) ? ReadOrCreate(Path.Combine(paths.DataDirectory, "dev-encryption-key.txt"), () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))) : encryption;
        }

        var rsa = RSA.Create();
        rsa.ImportFromPem(signingPem);
        var signingKey = new RsaSecurityKey(rsa) { KeyId = KeyIdOf(rsa) };
        var encryptionBytes = Convert.FromBase64String(encryption.Trim());
        if (encryptionBytes.Length != 32)
        {
            throw new InvalidOperationException($"{EncryptionKeyKey} must be 32 bytes in base64 (got {encryptionBytes.Length}).");
        }
        return new IdentityKeys(signingKey, new SymmetricSecurityKey(encryptionBytes), made);
    }

    private static string? ReadFile(IConfiguration configuration, HubPaths paths, string key)
    {
        var configured = configuration[key];
        if (string.IsNullOrWhiteSpace(configured))
        {
            return null;
        }
        var path = paths.Resolve(configured);
        return File.Exists(path) ? File.ReadAllText(path) : throw new InvalidOperationException($"{key}: no file at {path}");
    }

    public static string NewRsaPem()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    // A stable key id from the public key, so that every node using the same key names it alike.
    internal static string KeyIdOf(RSA rsa) =>
        Convert.ToHexStringLower(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..16];

    /// <summary>A development secret kept in the data folder, made once (also the audit key's, in Development).</summary>
    internal static string ReadOrCreate(string path, Func<string> create)
    {
        if (File.Exists(path))
        {
            return File.ReadAllText(path);
        }
        var value = create();
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temporary, value);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        try
        {
            // Two nodes starting together on one data folder must end up with one key.
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
        }
        return File.ReadAllText(path);
    }
}
