namespace Hub.Server.Records;

/// <summary>
/// A row of a feed (alerts, case events, delivery events): its position, given by the
/// database in commit order, is what watchers resume after.
/// </summary>
public interface IFeedRow
{
    long Sequence { get; }
    Guid EventId { get; }
}

/// <summary>
/// The stored shape every event feed but the alerts' shares (the alert row is its own
/// event): the event as sent, proto3 JSON, with the record it concerns. Who may receive it
/// is decided when it is sent, from the record's current state, never stored here.
/// </summary>
public abstract class FeedEventRow : IFeedRow
{
    public long Sequence { get; set; }
    public Guid EventId { get; set; }
    public required string Type { get; set; }
    public string PayloadJson { get; set; } = "";
    public DateTime AtUtc { get; set; }
}
