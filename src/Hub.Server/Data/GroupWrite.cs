using Hub.Server.Audit;

namespace Hub.Server.Data;

/// <summary>
/// One write that takes its turn in a <see cref="GroupCommit"/>: it adds its rows, and once
/// they are saved (generated keys known) adds what depends on them and names its audit
/// entries. Both steps may run more than once (a batch that fails is retried write by
/// write), so each builds its entities afresh.
/// </summary>
public abstract class GroupWrite<T>
{
    /// <summary>
    /// Adds the write's rows to <paramref name="db"/> (saved by the commit), or runs its
    /// set-based statements directly: it runs inside the batch's transaction, on the commit's
    /// own thread, so it calls the database synchronously.
    /// </summary>
    protected internal abstract void Stage(HubDbContext db);

    /// <summary>After the staged rows are saved: adds dependent rows, appends the audit entries, returns the result.</summary>
    protected internal abstract T Complete(HubDbContext db, List<AuditEvent> audit);

    /// <summary>
    /// The idempotency key the write takes, if any. The keys of a whole batch are looked up
    /// in one query inside its transaction; a write whose key is already taken (by an earlier
    /// commit or earlier in the same batch) is not staged and fails with
    /// <see cref="IdempotencyKeyTakenException"/>, so its caller answers as a retry.
    /// </summary>
    protected internal virtual (string Scope, string Key)? IdempotencyKey => null;

    /// <summary>
    /// Where the write's dependent rows go among the batch's, once its own rows are saved
    /// (an alert's sequence): outbox rows then follow the order of what they announce.
    /// </summary>
    protected internal virtual long Order => 0;

    /// <summary>
    /// Whether <see cref="Stage"/> may refuse with a <see cref="ErrorHandling.HubException"/>
    /// after reading the current state; such a write is checked for having changed nothing
    /// before it refused.
    /// </summary>
    protected internal virtual bool MayRefuse => false;
}

/// <summary>A group write's idempotency key was taken before it: the caller answers as a retry.</summary>
public sealed class IdempotencyKeyTakenException(string scope, string key)
    : Exception($"idempotency key '{key}' in scope '{scope}' is already taken")
{
    public string Scope { get; } = scope;
    public string Key { get; } = key;
}
