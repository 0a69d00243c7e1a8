using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Hub.Server.Audit;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Data;

/// <summary>
/// This node's writes of alerts, audit entries and inbox records, committed together:
/// whatever queued up while one commit ran goes into the next, in one transaction with one
/// update of the audit chain's head and one flush to disk. A lone write waits for nothing
/// (the queue is empty, it commits at once); under load each commit carries many writes,
/// which is what lets the hub accept far more writes per second than the disk does
/// flushes. Callers wait for their write's commit, so durability is unchanged: nothing is
/// acknowledged before it is on disk.
/// </summary>
public sealed partial class GroupCommit : IAsyncDisposable
{
    /// <summary>The most writes in one transaction: bounds a commit's time and a failed batch's retry.</summary>
    public const int MaxBatch = 256;

    /// <summary>The meter operators watch (dotnet-counters monitor --counters Hub.Server).</summary>
    public const string MeterName = "Hub.Server";

    private readonly Channel<IQueued> _queue = Channel.CreateUnbounded<IQueued>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _startLock = new();
    private readonly IServiceScopeFactory _scopes;
    private readonly AuditChain _chain;
    private readonly ILogger<GroupCommit> _logger;
    private readonly Counter<long> _commits;
    private int _waiting;
    private readonly Counter<long> _writes;
    private readonly Histogram<double> _commitTime;
    private Task? _loop;

    public GroupCommit(IServiceScopeFactory scopes, AuditChain chain, ILogger<GroupCommit> logger, IMeterFactory meters)
    {
        _scopes = scopes;
        _chain = chain;
        _logger = logger;
        var meter = meters.Create(MeterName);
        _commits = meter.CreateCounter<long>("hub.group_commit.commits", description: "Transactions the node's group commit ran");
        _writes = meter.CreateCounter<long>("hub.group_commit.writes", description: "Writes those transactions carried");
        _commitTime = meter.CreateHistogram<double>("hub.group_commit.duration", unit: "ms", description: "Time of one group commit, from its BEGIN to its COMMIT");
        // Counted here: the unbounded single-reader channel does not support Reader.Count (it threw whenever the gauge was read).
        meter.CreateObservableGauge("hub.group_commit.queued", () => Volatile.Read(ref _waiting), description: "Writes waiting for the next commit");
    }

    /// <summary>Queues the write and waits for its commit; its failure is rethrown here, and fails no other write.</summary>
    public Task<T> WriteAsync<T>(GroupWrite<T> write)
    {
        var queued = new Queued<T>(write);
        EnsureRunning();
        Interlocked.Increment(ref _waiting);
        if (!_queue.Writer.TryWrite(queued))
        {
            Interlocked.Decrement(ref _waiting);
            throw new ObjectDisposedException(nameof(GroupCommit), "the node is shutting down");
        }
        return queued.Completion.Task;
    }

    /// <summary>
    /// Records an audit entry for something that writes nothing else (a read, a refusal, a
    /// push) and waits until it is committed. Cancelling stops the wait, not the entry.
    /// </summary>
    public Task AuditAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default) =>
        AuditAsync([auditEvent], cancellationToken);

    /// <summary>Several audit entries, consecutive in the chain, committed together.</summary>
    public Task AuditAsync(IReadOnlyList<AuditEvent> auditEvents, CancellationToken cancellationToken = default) =>
        WriteAsync(new AuditOnly(auditEvents)).WaitAsync(cancellationToken);

    private void EnsureRunning()
    {
        if (_loop is not null)
        {
            return;
        }
        lock (_startLock)
        {
            // A thread of its own, with synchronous database calls: on the thread pool every
            // await of a commit queued behind the requests' work items, and commits took
            // several times longer under load than their own work (SQLite's calls are
            // synchronous underneath anyway).
            _loop ??= Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    private void Run()
    {
        Thread.CurrentThread.Name = "group commit";
        var batch = new List<IQueued>(MaxBatch);
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
                Interlocked.Decrement(ref _waiting);
            }
            try
            {
                Commit(batch);
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
                        Commit([queued]);
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

    private void Commit(IReadOnlyList<IQueued> batch)
    {
        var started = Stopwatch.GetTimestamp();
        using var scope = _scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var strategy = db.Database.CreateExecutionStrategy();
        strategy.Execute(() =>
        {
            db.ChangeTracker.Clear();
            // No savepoint around each SaveChanges (EF's default inside a transaction): a
            // failure rolls the whole transaction back and the batch is retried write by
            // write, so they were never rolled back to, only two more statements per save.
            db.Database.AutoSavepointsEnabled = false;
            try
            {
                CommitOnce(db, batch);
            }
            finally
            {
                // The context goes back to the pool: other users keep EF's default.
                db.Database.AutoSavepointsEnabled = true;
            }
        });
        _commits.Add(1);
        _writes.Add(batch.Count);
        _commitTime.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private void CommitOnce(HubDbContext db, IReadOnlyList<IQueued> batch)
    {
        using var transaction = db.Database.BeginTransaction();
        var head = AuditChain.Lock(db);
        var taken = TakenKeys(db, batch);
        var staged = new List<IQueued>(batch.Count);
        foreach (var queued in batch)
        {
            queued.Refusal = null;
            queued.KeyTaken = queued.IdempotencyKey is { } key && !taken.Add(key);
            if (!queued.KeyTaken && StageOrRefuse(db, queued, batch.Count))
            {
                staged.Add(queued);
            }
        }
        db.SaveChanges();
        var audit = new List<AuditEvent>(batch.Count);
        foreach (var queued in staged.OrderBy(q => q.Order))
        {
            queued.Complete(db, audit);
        }
        if (audit.Count > 0)
        {
            _chain.Append(db, head, audit);
        }
        db.SaveChanges();
        transaction.Commit();
    }

    /// <summary>
    /// Stages one write; a write that refuses (a <see cref="ErrorHandling.HubException"/>,
    /// thrown before it changed anything) fails alone and the batch goes on. One that changed
    /// tracked rows before refusing fails the batch, which is then retried write by write,
    /// where its rollback discards them.
    /// </summary>
    private static bool StageOrRefuse(HubDbContext db, IQueued queued, int batchSize)
    {
        var changedBefore = queued.MayRefuse ? Changed(db) : 0;
        try
        {
            queued.Stage(db);
            return true;
        }
        catch (ErrorHandling.HubException refusal) when (batchSize == 1 || Changed(db) == changedBefore)
        {
            queued.Refusal = refusal;
            return false;
        }
    }

    private static int Changed(HubDbContext db) => db.ChangeTracker.Entries().Count(e => e.State != EntityState.Unchanged);

    /// <summary>The batch's idempotency keys that are already stored.</summary>
    private static HashSet<(string Scope, string Key)> TakenKeys(HubDbContext db, IReadOnlyList<IQueued> batch)
    {
        var claimed = batch.Where(q => q.IdempotencyKey is not null).Select(q => q.IdempotencyKey!.Value).ToList();
        if (claimed.Count == 0)
        {
            return [];
        }
        // Both columns: the primary key is (Scope, Key), and a lookup by the key alone would
        // scan the whole index on every commit.
        var scopes = claimed.Select(c => c.Scope).Distinct().ToList();
        var keys = claimed.Select(c => c.Key).Distinct().ToList();
        var stored = db.IdempotencyKeys.AsNoTracking()
            .Where(k => scopes.Contains(k.Scope) && keys.Contains(k.Key))
            .Select(k => new { k.Scope, k.Key })
            .ToList();
        return [.. stored.Select(k => (k.Scope, k.Key))];
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
        (string Scope, string Key)? IdempotencyKey { get; }
        bool KeyTaken { get; set; }
        bool MayRefuse { get; }
        ErrorHandling.HubException? Refusal { get; set; }
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

        public (string Scope, string Key)? IdempotencyKey => write.IdempotencyKey;
        public bool KeyTaken { get; set; }
        public bool MayRefuse => write.MayRefuse;
        public ErrorHandling.HubException? Refusal { get; set; }
        public long Order => write.Order;
        public void Stage(HubDbContext db) => write.Stage(db);
        public void Complete(HubDbContext db, List<AuditEvent> audit) => _result = write.Complete(db, audit);

        public void Succeed()
        {
            if (Refusal is not null)
            {
                Completion.TrySetException(Refusal);
            }
            else if (KeyTaken)
            {
                Completion.TrySetException(new IdempotencyKeyTakenException(IdempotencyKey!.Value.Scope, IdempotencyKey.Value.Key));
            }
            else
            {
                Completion.TrySetResult(_result);
            }
        }

        public void Fail(Exception exception) => Completion.TrySetException(exception);
    }

    private sealed class AuditOnly(IReadOnlyList<AuditEvent> auditEvents) : GroupWrite<bool>
    {
        protected internal override void Stage(HubDbContext db)
        {
        }

        protected internal override bool Complete(HubDbContext db, List<AuditEvent> audit)
        {
            audit.AddRange(auditEvents);
            return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A group commit of {Count} writes failed; committing them one by one")]
    private partial void LogBatchRetried(Exception exception, int count);
}
