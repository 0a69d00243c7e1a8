using System.Threading.Channels;
using Hub.Server.Audit;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Data;

/// <summary>
/// One write that takes its turn in a <see cref="GroupCommit"/>: it adds its rows, and once
/// they are saved (generated keys known) adds what depends on them and names its audit
/// entries. Both steps may run more than once (a batch that fails is retried write by
/// write), so each builds its entities afresh.
/// </summary>
public abstract class GroupWrite<T>
{
    /// <summary>Adds the write's rows to <paramref name="db"/>; no saving.</summary>
    protected internal abstract void Stage(HubDbContext db);

    /// <summary>After the staged rows are saved: adds dependent rows, appends the audit entries, returns the result.</summary>
    protected internal abstract T Complete(HubDbContext db, List<AuditEvent> audit);

    /// <summary>
    /// Where the write's dependent rows go among the batch's, once its own rows are saved
    /// (an alert's sequence): outbox rows then follow the order of what they announce.
    /// </summary>
    protected internal virtual long Order => 0;
}

/// <summary>
/// This node's writes of alerts, audit entries and inbox records, committed together:
/// whatever queued up while one commit ran goes into the next, in one transaction with one
/// update of the audit chain's head and one flush to disk. A lone write waits for nothing
/// (the queue is empty, it commits at once); under load each commit carries many writes,
/// which is what lets the hub accept far more writes per second than the disk does
/// flushes. Callers wait for their write's commit, so durability is unchanged: nothing is
/// acknowledged before it is on disk.
/// </summary>
public sealed partial class GroupCommit(IServiceScopeFactory scopes, AuditChain chain, ILogger<GroupCommit> logger) : IAsyncDisposable
{
    /// <summary>The most writes in one transaction: bounds a commit's time and a failed batch's retry.</summary>
    public const int MaxBatch = 256;

    private readonly Channel<IQueued> _queue = Channel.CreateUnbounded<IQueued>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _startLock = new();
    private Task? _loop;

    /// <summary>How many commits ran and how many writes they carried (for the load tool and tests).</summary>
    public long Commits => Interlocked.Read(ref _commits);
    public long Writes => Interlocked.Read(ref _writes);
    private long _commits;
    private long _writes;

    /// <summary>Queues the write and waits for its commit; its failure is rethrown here, and fails no other write.</summary>
    public Task<T> WriteAsync<T>(GroupWrite<T> write)
    {
        var queued = new Queued<T>(write);
        EnsureRunning();
        if (!_queue.Writer.TryWrite(queued))
        {
            throw new ObjectDisposedException(nameof(GroupCommit), "the node is shutting down");
        }
        return queued.Completion.Task;
    }

    /// <summary>
    /// Records an audit entry for something that writes nothing else (a read, a refusal, a
    /// push) and waits until it is committed. Cancelling stops the wait, not the entry.
    /// </summary>
    public Task AuditAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default) =>
        WriteAsync(new AuditOnly(auditEvent)).WaitAsync(cancellationToken);

    private void EnsureRunning()
    {
        if (_loop is not null)
        {
            return;
        }
        lock (_startLock)
        {
            _loop ??= Task.Run(RunAsync);
        }
    }

    private async Task RunAsync()
    {
        var batch = new List<IQueued>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }
            try
            {
                await CommitAsync(batch);
                foreach (var queued in batch)
                {
                    queued.Succeed();
                }
            }
#pragma warning disable CA1031 // Every failure goes back to the writes' callers; the loop must go on.
            catch (Exception ex) when (batch.Count > 1)
            {
                // One write's failure (a key that another node took meanwhile, a constraint)
                // must not fail the writes that happened to share its transaction.
                LogBatchRetried(ex, batch.Count);
                foreach (var queued in batch)
                {
                    try
                    {
                        await CommitAsync([queued]);
                        queued.Succeed();
                    }
                    catch (Exception single)
                    {
                        queued.Fail(single);
                    }
                }
            }
            catch (Exception ex)
            {
                batch[0].Fail(ex);
            }
#pragma warning restore CA1031
        }
    }

    private async Task CommitAsync(IReadOnlyList<IQueued> batch)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync();
            foreach (var queued in batch)
            {
                queued.Stage(db);
            }
            await db.SaveChangesAsync();
            var audit = new List<AuditEvent>(batch.Count);
            foreach (var queued in batch.OrderBy(q => q.Order))
            {
                queued.Complete(db, audit);
            }
            if (audit.Count > 0)
            {
                await chain.AppendAsync(db, audit, CancellationToken.None);
                await db.SaveChangesAsync();
            }
            await transaction.CommitAsync();
        });
        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _writes, batch.Count);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop;
        }
    }

    private interface IQueued
    {
        long Order { get; }
        void Stage(HubDbContext db);
        void Complete(HubDbContext db, List<AuditEvent> audit);
        void Succeed();
        void Fail(Exception exception);
    }

    private sealed class Queued<T>(GroupWrite<T> write) : IQueued
    {
        private T _result = default!;

        // Continuations run on the caller's side, never on the commit loop.
        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long Order => write.Order;
        public void Stage(HubDbContext db) => write.Stage(db);
        public void Complete(HubDbContext db, List<AuditEvent> audit) => _result = write.Complete(db, audit);
        public void Succeed() => Completion.TrySetResult(_result);
        public void Fail(Exception exception) => Completion.TrySetException(exception);
    }

    private sealed class AuditOnly(AuditEvent auditEvent) : GroupWrite<bool>
    {
        protected internal override void Stage(HubDbContext db)
        {
        }

        protected internal override bool Complete(HubDbContext db, List<AuditEvent> audit)
        {
            audit.Add(auditEvent);
            return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A group commit of {Count} writes failed; committing them one by one")]
    private partial void LogBatchRetried(Exception exception, int count);
}
