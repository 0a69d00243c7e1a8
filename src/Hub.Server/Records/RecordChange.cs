using Google.Protobuf;
using Hub.Server.Access;
using Hub.Server.Data;

namespace Hub.Server.Records;

/// <summary>
/// One mutating call of one record kind, as its feature supplies it to the
/// <see cref="RecordPipeline"/>: only what is the feature's own — how the change is applied
/// and the events it raises. The pipeline owns the rest: the idempotency key and its
/// concurrent-retry race, the feed sequence, the outbox rows, the audit entries, the
/// transaction (the group commit), the stored answer a retry gets, and the refusals' status.
/// </summary>
/// <typeparam name="TResponse">The call's response; a retry with the same key gets these very bytes.</typeparam>
public abstract class RecordChange<TResponse> where TResponse : class, IMessage<TResponse>, new()
{
    /// <summary>The audit action, e.g. <c>case.invite</c>.</summary>
    public abstract string Action { get; }

    /// <summary>The kind of record, as the audit trail names it (<c>alert</c>, <c>case</c>, …).</summary>
    public abstract string RecordType { get; }

    /// <summary>
    /// Whether <see cref="Apply"/> can refuse after reading the current state (most can; a
    /// posted alert, checked before, cannot): such a change is checked for having changed
    /// nothing before it refused.
    /// </summary>
    public virtual bool MayRefuse => true;

    /// <summary>
    /// Whether the answer kept for retries holds a secret (a new client's): it is then stored
    /// encrypted with the node's data-protection keys, which the database does not hold.
    /// </summary>
    public virtual bool ProtectsStoredResponse => false;

    /// <summary>
    /// The client's idempotency key and the request it came with, or null for a call without
    /// one. Keys are scoped per action and per acting country: two countries may pick the same.
    /// </summary>
    public virtual IdempotencyClaim? Idempotency => null;

    /// <summary>
    /// Runs on the group commit's thread inside the transaction (synchronous database calls):
    /// loads what it needs, refuses with a <see cref="ErrorHandling.HubException"/> before it
    /// changes anything, then changes tracked rows, raises its feed events and names its
    /// audit entries through <paramref name="context"/>. Returns how to build the response
    /// once the rows are saved (feed sequences and generated keys known). May run more than
    /// once (a failed batch is retried write by write): it builds its rows afresh each time.
    /// </summary>
    public abstract Func<TResponse> Apply(RecordContext context);

    /// <summary>What a retry answers, from the response stored with the key (e.g. marked as a duplicate).</summary>
    public virtual TResponse AsRetry(TResponse stored) => stored;

    /// <summary>
    /// The answer to a key stored before keys kept their answers (alerts only), built from the
    /// record; null where there is none.
    /// </summary>
    public virtual TResponse? StoredBefore(HubDbContext db, string recordId) => null;
}

/// <summary>A write's idempotency key: the scope it is unique in, the key, and what was asked under it.</summary>
public sealed record IdempotencyClaim(string Scope, string Key, IMessage Request)
{
    /// <summary>Keys as clients may send them: printable ASCII, 8 to 64 characters.</summary>
    public const int MinLength = 8;
    public const int MaxLength = 64;
}

/// <summary>What a change sees and does while it is applied.</summary>
public sealed class RecordContext
{
    private readonly List<RaisedEvent> _events = [];
    private readonly List<Audit.AuditEvent> _audit = [];

    private readonly Matching.MatchIndex _matching;

    internal RecordContext(HubDbContext db, AccessPolicy policy, Matching.MatchIndex matching, Caller caller, string channel, DateTime nowUtc)
    {
        Db = db;
        Policy = policy;
        _matching = matching;
        Caller = caller;
        Channel = channel;
        NowUtc = nowUtc;
    }

    public HubDbContext Db { get; }

    /// <summary>The one access policy, for the decisions a change makes on the state it reads.</summary>
    public AccessPolicy Policy { get; }
    public Caller Caller { get; }
    public string Channel { get; }
    public DateTime NowUtc { get; }

    /// <summary>The record the change created or changed, remembered with its idempotency key.</summary>
    public string? RecordId { get; set; }

    /// <summary>The blind index, for matching's own changes (checks, decisions).</summary>
    public Matching.MatchIndex Matching => _matching;

    /// <summary>
    /// Indexes what the record carries that can be matched (replacing what it held), in this
    /// commit: every kind calls it when a record is stored or corrected. Values other
    /// countries' records hold raise <c>match.found</c> for both owners.
    /// </summary>
    /// <param name="fresh">The record is new: it holds no index rows yet (saves a query per write).</param>
    public void Index(string recordType, string recordId, string owner, RecordAccess access, Matching.MatchParts parts, bool fresh = false) =>
        _matching.Index(this, recordType, recordId, owner, access, parts, fresh);

    /// <summary>Takes a withdrawn or purged record out of the blind index, in this commit.</summary>
    public void Unindex(string recordType, string recordId) => _matching.Unindex(this, recordType, recordId);

    internal IReadOnlyList<RaisedEvent> Events => _events;
    internal IReadOnlyList<Audit.AuditEvent> AuditEvents => _audit;

    /// <summary>
    /// Adds a feed row (its sequence assigned by the commit, in commit order) and, once the
    /// row is saved, the bus message that announces it, built by <paramref name="announce"/>
    /// and put in the outbox in the same transaction.
    /// </summary>
    public void Raise<TRow>(TRow row, Func<TRow, object> announce) where TRow : class, IFeedRow
    {
        Db.Add(row);
        _events.Add(new RaisedEvent(row, () => announce(row)));
    }

    /// <summary>Names an audit entry of the change (the pipeline adds the change's own action for its record).</summary>
    public void Audit(string action, string recordType, string? recordId, string? detail) =>
        _audit.Add(new Audit.AuditEvent(Caller, Channel, action, Hub.Server.Audit.AuditOutcomes.Allowed, recordType, recordId, detail));

    internal sealed record RaisedEvent(IFeedRow Row, Func<object> Announce);
}

/// <summary>A change the hub makes itself (a timer's escalation): its answer says whether it changed anything.</summary>
public abstract class SystemChange : RecordChange<Google.Protobuf.WellKnownTypes.BoolValue>;
