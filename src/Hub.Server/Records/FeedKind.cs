using Google.Protobuf;
using Hub.Server.Access;
using Hub.Server.Data;

namespace Hub.Server.Records;

/// <summary>
/// One event of a feed as it is about to leave the hub: the event, and the access of the
/// record it concerns as that record is now. The policy decides from <see cref="Access"/> at
/// the moment of sending, on every channel.
/// </summary>
/// <param name="Scope">The record the event belongs to (a case's or a delivery's id), for watchers of one record.</param>
public sealed record FeedItem<TEvent>(long Sequence, Guid EventId, TEvent Event, RecordAccess Access, string RecordType, string RecordId, string? Scope)
    : ISightedItem where TEvent : class, IMessage
{
    // One rendering per sight, shared by every stream and push this node sends the item to
    // (a thousand watchers do not parse the record a thousand times). A race renders twice,
    // alike.
    private readonly TEvent?[] _rendered = new TEvent?[Enum.GetValues<Sight>().Length];

    /// <summary>The event as a recipient with <paramref name="sight"/> receives it, rendered once by <paramref name="kind"/>.</summary>
    public TEvent For(IFeedKind<TEvent> kind, Sight sight) => _rendered[(int)sight] ??= kind.Project(this, sight);

    /// <summary>For a release change: the record's access before it, so that those who lost it hear so.</summary>
    public RecordAccess? Prior { get; init; }

    /// <summary>Whether the record is withdrawn now (its content then goes to its originator and the centre only).</summary>
    public bool Withdrawn { get; init; }

    /// <summary>The record as the kind read it for this item, for its projection.</summary>
    public object? State { get; init; }
}

/// <summary>What the policy decides a feed item's <see cref="Sight"/> from.</summary>
public interface ISightedItem
{
    RecordAccess Access { get; }
    RecordAccess? Prior { get; }
    bool Withdrawn { get; }
}

/// <summary>A record as read (not as an event): its access now and whether it is withdrawn.</summary>
public sealed record SightedRecord(RecordAccess Access, bool Withdrawn) : ISightedItem
{
    public RecordAccess? Prior => null;
}

/// <summary>What a watcher asked for: everything after a sequence (up to another), optionally of one record only.</summary>
public sealed record FeedQuery(Caller Caller, long After, long UpTo, string? Scope, int Limit);

/// <summary>
/// What a feature supplies for its feed (alerts, cases, deliveries): how to read its stored
/// events and how to learn the current access of the records they concern. Replay, live
/// pushes, streams, SignalR and the country queues are the shared mechanisms that use it.
/// </summary>
public interface IFeedKind<TEvent> where TEvent : class, IMessage
{
    /// <summary>The feed's name in the audit trail (<c>alert</c> → <c>alert.watch</c>, <c>alert.push</c>).</summary>
    string Name { get; }

    /// <summary>The SignalR method its events are pushed as.</summary>
    string SignalRMethod { get; }

    /// <summary>
    /// Stored events after <see cref="FeedQuery.After"/> up to <see cref="FeedQuery.UpTo"/>, in
    /// sequence order, at most <see cref="FeedQuery.Limit"/>, each with its record's current
    /// access. It may leave out events the caller cannot read (a database filter), never
    /// include more than it read.
    /// </summary>
    Task<IReadOnlyList<FeedItem<TEvent>>> ReadAsync(HubDbContext db, FeedQuery query, CancellationToken ct);

    /// <summary>Live events from the bus, with their records' current access, in the same order.</summary>
    Task<IReadOnlyList<FeedItem<TEvent>>> ResolveAsync(HubDbContext db, IReadOnlyList<TEvent> events, CancellationToken ct);

    /// <summary>
    /// The event as a recipient with <paramref name="sight"/> receives it (never
    /// <see cref="Sight.None"/>): every channel sends what this returns, so a withdrawn
    /// record's content never leaves in a replay, a push or a country queue. Kinds whose
    /// records are never withdrawn nor narrowed send the event as it is.
    /// </summary>
    TEvent Project(FeedItem<TEvent> item, Sight sight) => item.Event;

    /// <summary>What SignalR clients receive for the event as projected (built once per sight, not per connection).</summary>
    object SignalRPayload(FeedItem<TEvent> item, TEvent projected);
}
