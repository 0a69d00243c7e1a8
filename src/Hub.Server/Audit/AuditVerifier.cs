using Hub.Contracts.Events;
using Hub.Server.Data;
using Microsoft.EntityFrameworkCore;
using static Hub.Server.Audit.AuditFindings;

namespace Hub.Server.Audit;

/// <summary>
/// Checks the audit trail against what the database cannot change (decisions/0016): every
/// entry's MAC with the audit keys, every link to the entry before, and the trail against
/// every signed checkpoint kept outside the database — the entry at a checkpoint's sequence
/// has its MAC, and no entry up to the newest checkpoint is missing. It reads on past the
/// first fault and names every one (missing ranges with the checkpoint that proves them).
/// </summary>
public sealed class AuditVerifier(AuditKeys keys, CheckpointSigning signing, AuditCheckpoints checkpoints)
{
    /// <summary>The configured checkpoint file, always read.</summary>
    public string CheckpointFilePath => checkpoints.FilePath;

    /// <param name="moreCheckpointFiles">Copies kept elsewhere (a member agency's messages as JSON lines), read besides the configured file.</param>
    public async Task<AuditVerification> VerifyAsync(HubDbContext db, CancellationToken cancellationToken, IReadOnlyList<string>? moreCheckpointFiles = null)
    {
        var findings = new AuditFindings();
        var files = new[] { CheckpointFilePath }.Concat(moreCheckpointFiles ?? []).Select(Path.GetFullPath).Distinct().ToList();
        var valid = await ReadCheckpointsAsync(files, findings, cancellationToken);
        var atSequence = valid.Where(c => c.Sequence > 0).ToLookup(c => c.Sequence);
        var newest = valid.Count == 0 ? null : valid[^1];

        // The head first, then the entries up to it: entries only ever follow the head's
        // commit, so a commit landing between the two reads adds entries past it (checked
        // next time) rather than looking like a removal. Up to the newest checkpoint too: a
        // head moved back below it hides nothing.
        var head = await db.AuditHeads.AsNoTracking().SingleAsync(h => h.Id == 1, cancellationToken);
        var upTo = Math.Max(head.LastSequence, newest?.Sequence ?? 0);
        var macs = new Dictionary<string, EntryMac>(StringComparer.Ordinal);
        long expected = 1, entriesChecked = 0, lastUnkeyed = 0, coveredUnkeyed = 0;
        string? previous = AuditChain.GenesisHash;
        var sawKeyed = false;
        try
        {
            await foreach (var entry in db.AuditTrail.AsNoTracking().Where(e => e.Sequence <= upTo).OrderBy(e => e.Sequence)
                .AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                if (entry.Sequence != expected)
                {
                    findings.Missing(expected, entry.Sequence - 1);
                    previous = null; // its predecessor is gone: the link cannot be checked
                }
                entriesChecked++;
                expected = entry.Sequence + 1;
                if (entry.KeyId is null)
                {
                    if (sawKeyed)
                    {
                        findings.Entry(entry.Sequence, "carries no MAC although entries before it do (written without the audit key)");
                    }
                    else
                    {
                        lastUnkeyed = entry.Sequence;
                    }
                    if (AuditChain.UnkeyedHash(entry) != entry.Hash)
                    {
                        findings.Entry(entry.Sequence, "content does not match its hash");
                    }
                }
                else
                {
                    sawKeyed = true;
                    var mac = MacFor(macs, entry.KeyId);
                    if (mac is null)
                    {
                        findings.Entry(entry.Sequence, $"authenticated with audit key {entry.KeyId}, which this hub does not know (a retired key belongs in {AuditKeys.PreviousKeysKey})");
                    }
                    else if (mac.Compute(entry) != entry.Hash)
                    {
                        findings.Entry(entry.Sequence, "content does not match its MAC (changed, or rewritten without the audit key)");
                    }
                }
                if (previous is not null && entry.PreviousHash != previous)
                {
                    findings.Entry(entry.Sequence, "does not follow the entry before it (its previous-MAC link is broken)");
                }
                foreach (var checkpoint in atSequence[entry.Sequence])
                {
                    if (checkpoint.Mac != entry.Hash)
                    {
                        findings.Line(entry.Sequence, $"{Entries(entry.Sequence, entry.Sequence)} is not the one the {Describe(checkpoint)} fixed (its MAC differs)", entry.Sequence);
                    }
                    else
                    {
                        coveredUnkeyed = lastUnkeyed;
                    }
                }
                previous = entry.Hash;
            }
        }
        finally
        {
            foreach (var mac in macs.Values)
            {
                mac.Dispose();
            }
        }

        var last = expected - 1;
        if (last < upTo)
        {
            findings.Missing(expected, upTo);
        }
        else if (head.LastSequence != last || head.LastHash != previous)
        {
            findings.Line(last, $"the head row (at {N(head.LastSequence)}) does not match the last entry ({N(last)})", last);
        }
        if (lastUnkeyed > 0 && coveredUnkeyed < lastUnkeyed)
        {
            findings.Line(1, $"{Entries(1, lastUnkeyed)} carry no MAC (written before keyed authentication) and no checkpoint covers them", 1);
        }
        if (newest is null)
        {
            findings.Notes.Add($"no checkpoints in {string.Join(", ", files)}: removing the newest entries (and fixing the head) would go unseen");
        }
        else if (last > newest.Sequence)
        {
            findings.Notes.Add($"{Entries(newest.Sequence + 1, last)} are newer than the last checkpoint ({Describe(newest)}): until the next one, only their MACs protect them, and removing them from the end would go unseen");
        }
        return Result(findings, valid, entriesChecked, newest);
    }

    private EntryMac? MacFor(Dictionary<string, EntryMac> macs, string keyId)
    {
        if (!macs.TryGetValue(keyId, out var mac) && keys.SecretOf(keyId) is { } secret)
        {
            macs[keyId] = mac = new EntryMac(new AuditKey(keyId, secret));
        }
        return mac;
    }

    /// <summary>The checkpoints whose signature holds, by sequence; every other line is a finding or a note.</summary>
    private async Task<List<AuditCheckpoint>> ReadCheckpointsAsync(IEnumerable<string> files, AuditFindings findings, CancellationToken cancellationToken)
    {
        var valid = new List<AuditCheckpoint>();
        foreach (var file in files)
        {
            foreach (var line in await CheckpointFile.ReadAsync(file, cancellationToken))
            {
                var where = $"{file} line {N(line.Number)}";
                if (line.Checkpoint is not { } checkpoint)
                {
                    if (line.Error!.StartsWith("incomplete", StringComparison.Ordinal))
                    {
                        findings.Notes.Add($"{where}: {line.Error}");
                    }
                    else
                    {
                        findings.Line(0, $"{where}: {line.Error}");
                    }
                    continue;
                }
                switch (signing.Check(checkpoint))
                {
                    case CheckpointSignature.Valid:
                        valid.Add(checkpoint);
                        break;
                    case CheckpointSignature.UnknownKey:
                        findings.Line(0, $"{where}: {Describe(checkpoint)} with key {checkpoint.SigningKeyId}, which this hub does not know (a retired signing key's public key belongs in {CheckpointSigning.PreviousPublicKeysKey})");
                        break;
                    default:
                        findings.Line(0, $"{where}: the signature of the {Describe(checkpoint)} does not hold: the line was altered, or not written by this hub");
                        break;
                }
            }
        }
        return [.. valid.OrderBy(c => c.Sequence)];
    }

    private static AuditVerification Result(AuditFindings findings, List<AuditCheckpoint> valid, long entriesChecked, AuditCheckpoint? newest)
    {
        var problems = findings.Problems(valid);
        var reason = problems.Count == 0
            ? $"intact: {N(entriesChecked)} entries, every MAC and link holds" +
              (newest is null ? ", no checkpoint to check against" : $", {N(valid.Count)} checkpoints hold (the last: {Describe(newest)})")
            : $"NOT intact ({N(problems.Count)} problems): {problems[0]}";
        return new AuditVerification(problems.Count == 0, entriesChecked, findings.FirstBrokenSequence, reason, problems, findings.Notes, valid.Count, newest?.Sequence);
    }
}

/// <summary>The result of checking the trail.</summary>
/// <param name="Intact">True when every entry, link and checkpoint holds.</param>
/// <param name="EntriesChecked">How many entries were read and checked.</param>
/// <param name="FirstBrokenSequence">The lowest sequence something is wrong with, if any.</param>
/// <param name="Reason">One line: intact, or how many problems and the first.</param>
/// <param name="Problems">Every problem, in sequence order (consecutive entries with one fault as one range).</param>
/// <param name="Notes">What is not a fault but limits what was proved (no checkpoints yet, the tail since the last one).</param>
/// <param name="CheckpointsChecked">Checkpoints whose signature holds.</param>
/// <param name="LastCheckpointSequence">The newest checkpoint's sequence, if any.</param>
public sealed record AuditVerification(
    bool Intact,
    long EntriesChecked,
    long? FirstBrokenSequence,
    string Reason,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> Notes,
    int CheckpointsChecked,
    long? LastCheckpointSequence);
