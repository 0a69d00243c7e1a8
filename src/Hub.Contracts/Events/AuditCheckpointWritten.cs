namespace Hub.Contracts.Events;

// The namespace and name of this record are the wire name of its exchange on RabbitMQ
// (Hub.Contracts.Events:AuditCheckpointWritten): moving or renaming it breaks every subscriber.

/// <summary>
/// Published whenever the hub writes an audit checkpoint (periodically, at shutdown and on
/// demand). Member agencies keep these outside the hub: each one fixes the audit trail up to
/// its sequence, so that an insider who can write the hub's database cannot later remove or
/// rewrite those entries without the hub's verification (<c>Hub.Server audit-verify
/// --checkpoints FILE</c>) naming it. Keep <see cref="Checkpoint"/> as one JSON line per
/// message (proto-free, camelCase, exactly as received): a file of such lines is what
/// <c>audit-verify</c> reads.
/// </summary>
/// <param name="EventId">Unique per checkpoint; de-duplicate on it (delivery is at least once).</param>
/// <param name="Checkpoint">The signed checkpoint, the same object as a line of the hub's checkpoint file.</param>
public sealed record AuditCheckpointWritten(Guid EventId, AuditCheckpoint Checkpoint);

/// <summary>
/// One signed checkpoint of the audit trail (schema <c>hub.audit-checkpoint.v1</c>). The
/// signature is RS256 (RSASSA-PKCS1-v1_5 with SHA-256) by the hub's token signing key — the
/// key published at <c>/.well-known/jwks</c> under <see cref="SigningKeyId"/> (<c>kid</c>) —
/// over the UTF-8 text of these lines joined by <c>\n</c>, with no final newline:
/// <c>hub.audit-checkpoint.v1</c>, <see cref="Sequence"/>, <see cref="Entries"/> (decimal),
/// <see cref="Mac"/>, <see cref="KeyId"/> (empty when null), <see cref="At"/>,
/// <see cref="Node"/>, <see cref="SigningKeyId"/>. Anyone holding the public key can check
/// it; only the hub can make one.
/// </summary>
/// <param name="Schema">Always <c>hub.audit-checkpoint.v1</c> for this shape.</param>
/// <param name="Sequence">The last audit entry the checkpoint covers (0: the trail was empty).</param>
/// <param name="Entries">How many entries the trail held up to it: entries 1 … Sequence, with no gaps.</param>
/// <param name="Mac">That entry's MAC (hex): it authenticates every entry before it through the chain.</param>
/// <param name="KeyId">Which audit key made that MAC (null for an entry from before keyed authentication).</param>
/// <param name="At">When the checkpoint was taken, UTC, ISO 8601 (e.g. <c>2026-12-03T09:00:00.0000000Z</c>), kept as text so that the signed bytes are exactly these.</param>
/// <param name="Node">The hub node that wrote it.</param>
/// <param name="SigningKeyId">The <c>kid</c> of the RSA key that signed it.</param>
/// <param name="Signature">The signature, base64.</param>
public sealed record AuditCheckpoint(
    string Schema,
    long Sequence,
    long Entries,
    string Mac,
    string? KeyId,
    string At,
    string Node,
    string SigningKeyId,
    string Signature);
