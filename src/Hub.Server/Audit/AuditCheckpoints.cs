using System.Text;
using System.Text.Json;
using Hub.Contracts.Events;
using Hub.Server.Data;
using Hub.Server.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Audit;

/// <summary>The <c>Hub:Audit</c> settings besides the keys.</summary>
public sealed class AuditOptions
{
    public const string Section = "Hub:Audit";

    /// <summary>How often the node holding the checkpoint lease writes a checkpoint (when the trail grew).</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The append-only file of checkpoints, one JSON line each; default <c>audit-checkpoints.jsonl</c> in the data folder.</summary>
    public string? CheckpointFile { get; set; }
}

/// <summary>
/// Writes signed checkpoints of the audit trail outside the database: a line appended to the
/// checkpoint file and an <see cref="AuditCheckpointWritten"/> message through the outbox, for
/// member agencies to keep (decisions/0016). The head is read inside a group commit, after the
/// chain's lock, so a checkpoint names exactly what was committed, and its message is
/// committed with that read.
/// </summary>
public sealed class AuditCheckpoints(GroupCommit writes, CheckpointSigning signing, NodeIdentity node, TimeProvider clock, IOptions<AuditOptions> options, HubPaths paths) : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SemaphoreSlim _fileLock = new(1, 1);

    public string FilePath { get; } = Path.GetFullPath(string.IsNullOrWhiteSpace(options.Value.CheckpointFile)
        ? Path.Combine(paths.DataDirectory, "audit-checkpoints.jsonl")
        : options.Value.CheckpointFile);

    /// <summary>
    /// Writes a checkpoint of the trail as committed now; with <paramref name="unlessAt"/>,
    /// none when the trail's last sequence is still that one (nothing new to fix).
    /// </summary>
    public async Task<AuditCheckpoint?> WriteAsync(long? unlessAt, CancellationToken cancellationToken)
    {
        var checkpoint = await writes.WriteAsync(new TakeCheckpoint(signing, node.Name, clock.GetUtcNow().UtcDateTime, unlessAt)).WaitAsync(cancellationToken);
        if (checkpoint is not null)
        {
            await AppendAsync(checkpoint, cancellationToken);
        }
        return checkpoint;
    }

    private async Task AppendAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(checkpoint, Json) + "\n");
        await _fileLock.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            // Append mode: the stream cannot seek back over what is written. FileShare.None takes
            // an exclusive lock, so that two nodes on one shared file never write at one offset.
            await using var file = await CheckpointFile.OpenAsync(() => new FileStream(FilePath, new FileStreamOptions
            {
                Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.None,
            }), cancellationToken);
            await file.WriteAsync(line, cancellationToken);
            file.Flush(flushToDisk: true);
        }
        finally
        {
            _fileLock.Release();
        }
    }

    public void Dispose() => _fileLock.Dispose();

    /// <summary>Reads the head and queues the checkpoint's message, in one group write.</summary>
    private sealed class TakeCheckpoint(CheckpointSigning signing, string node, DateTime nowUtc, long? unlessAt) : GroupWrite<AuditCheckpoint?>
    {
        private AuditCheckpoint? _checkpoint;

        protected internal override void Stage(HubDbContext db)
        {
            var head = db.AuditHeads.AsNoTracking().Single(h => h.Id == 1);
            if (head.LastSequence == unlessAt)
            {
                _checkpoint = null;
                return;
            }
            var keyId = db.AuditTrail.AsNoTracking().Where(e => e.Sequence == head.LastSequence).Select(e => e.KeyId).SingleOrDefault();
            _checkpoint = signing.Sign(head.LastSequence, head.LastHash, keyId, nowUtc, node);
            var message = new AuditCheckpointWritten(Guid.NewGuid(), _checkpoint);
            db.Outbox.Add(OutboxMessageTypes.Create(message.EventId, message, nowUtc));
        }

        protected internal override AuditCheckpoint? Complete(HubDbContext db, List<AuditEvent> audit) => _checkpoint;
    }
}

/// <summary>One line of a checkpoint file as read back: the checkpoint, or why the line is not one.</summary>
public sealed record CheckpointLine(string File, int Number, AuditCheckpoint? Checkpoint, string? Error);

public static class CheckpointFile
{
    /// <summary>Every line of the file (none when it does not exist). A last line without its newline is a write cut short, not a checkpoint.</summary>
    public static async Task<IReadOnlyList<CheckpointLine>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return [];
        }
        string text;
        await using (var file = await OpenAsync(() => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite), cancellationToken))
        using (var reader = new StreamReader(file, Encoding.UTF8))
        {
            text = await reader.ReadToEndAsync(cancellationToken);
        }
        var lines = text.Split('\n');
        var result = new List<CheckpointLine>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }
            if (i == lines.Length - 1)
            {
                result.Add(new CheckpointLine(path, i + 1, null, "incomplete last line (a write cut short)"));
                continue;
            }
            try
            {
                var checkpoint = JsonSerializer.Deserialize<AuditCheckpoint>(line, AuditCheckpoints.Json);
                result.Add(checkpoint is { Mac: not null, At: not null }
                    ? new CheckpointLine(path, i + 1, checkpoint, null)
                    : new CheckpointLine(path, i + 1, null, "not a checkpoint"));
            }
            catch (JsonException)
            {
                result.Add(new CheckpointLine(path, i + 1, null, "not a checkpoint (not JSON of hub.audit-checkpoint.v1)"));
            }
        }
        return result;
    }

    /// <summary>Opens the file, waiting briefly while another node or process holds its lock.</summary>
    internal static async Task<FileStream> OpenAsync(Func<FileStream> open, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return open();
            }
            catch (IOException) when (attempt < 50)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
            }
        }
    }
}
