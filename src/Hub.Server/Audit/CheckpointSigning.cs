using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hub.Contracts.Events;
using Hub.Server.Identity;
using Microsoft.IdentityModel.Tokens;

namespace Hub.Server.Audit;

/// <summary>
/// Signs audit checkpoints with the hub's token signing key — the key member agencies already
/// fetch from <c>/.well-known/jwks</c>, so they can check a checkpoint without anything new —
/// and checks them with it and with the public keys of signing keys retired by a rotation
/// (<c>Hub:Audit:PreviousSigningPublicKeys:0…</c>, PEM). The signed text is domain-separated
/// (it starts with the schema name and cannot be read as a token), see <see cref="AuditCheckpoint"/>.
/// </summary>
public sealed class CheckpointSigning : IDisposable
{
    public const string Schema = "hub.audit-checkpoint.v1";
    public const string PreviousPublicKeysKey = "Hub:Audit:PreviousSigningPublicKeys";

    private readonly RSA _signer;
    private readonly string _signerId;
    private readonly Dictionary<string, RSA> _verifiers = new(StringComparer.Ordinal);
    private readonly List<RSA> _owned = [];

    public CheckpointSigning(RsaSecurityKey signingKey, IEnumerable<string> previousPublicKeysPem)
    {
        _signer = signingKey.Rsa ?? throw new InvalidOperationException("The token signing key must be an RSA key with its private part.");
        _signerId = signingKey.KeyId ?? IdentityKeys.KeyIdOf(_signer);
        _verifiers[_signerId] = _signer;
        foreach (var pem in previousPublicKeysPem.Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            var rsa = RSA.Create();
            _owned.Add(rsa);
            rsa.ImportFromPem(pem);
            _verifiers.TryAdd(IdentityKeys.KeyIdOf(rsa), rsa);
        }
    }

    public static CheckpointSigning From(IConfiguration configuration, IdentityKeys keys) =>
        new(keys.SigningKey, configuration.GetSection(PreviousPublicKeysKey).GetChildren().Select(c => c.Value ?? ""));

    /// <summary>The kid checkpoints are signed with now.</summary>
    public string SigningKeyId => _signerId;

    public AuditCheckpoint Sign(long sequence, string mac, string? keyId, DateTime atUtc, string node)
    {
        var unsigned = new AuditCheckpoint(Schema, sequence, sequence, mac, keyId,
            atUtc.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture), node, _signerId, "");
        var signature = _signer.SignData(SignedText(unsigned), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return unsigned with { Signature = Convert.ToBase64String(signature) };
    }

    /// <summary>Whether the checkpoint is one this hub signed, unchanged.</summary>
    public CheckpointSignature Check(AuditCheckpoint checkpoint)
    {
        if (!_verifiers.TryGetValue(checkpoint.SigningKeyId ?? "", out var rsa))
        {
            return CheckpointSignature.UnknownKey;
        }
        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(checkpoint.Signature ?? "");
        }
        catch (FormatException)
        {
            return CheckpointSignature.Invalid;
        }
        return checkpoint.Schema == Schema && rsa.VerifyData(SignedText(checkpoint), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            ? CheckpointSignature.Valid
            : CheckpointSignature.Invalid;
    }

    private static byte[] SignedText(AuditCheckpoint c) => Encoding.UTF8.GetBytes(string.Join('\n',
        Schema,
        c.Sequence.ToString(CultureInfo.InvariantCulture),
        c.Entries.ToString(CultureInfo.InvariantCulture),
        c.Mac,
        c.KeyId ?? "",
        c.At,
        c.Node,
        c.SigningKeyId));

    public void Dispose()
    {
        foreach (var rsa in _owned)
        {
            rsa.Dispose();
        }
    }
}

public enum CheckpointSignature
{
    Valid,
    Invalid,
    UnknownKey,
}
