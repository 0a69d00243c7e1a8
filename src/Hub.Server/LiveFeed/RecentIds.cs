namespace Hub.Server.LiveFeed;

/// <summary>
/// Remembers the last N ids seen, so that a redelivered event is pushed to live viewers
/// once. Live delivery is ephemeral, so a bounded in-memory window is the right memory
/// for it; durable side effects use the database inbox instead.
/// </summary>
public sealed class RecentIds(int capacity)
{
    private readonly HashSet<Guid> _set = [];
    private readonly Queue<Guid> _order = new();
    private readonly Lock _lock = new();

    /// <summary>True when the id was not seen before (and is now remembered).</summary>
    public bool TryAdd(Guid id)
    {
        lock (_lock)
        {
            if (!_set.Add(id))
            {
                return false;
            }
            _order.Enqueue(id);
            if (_order.Count > capacity)
            {
                _set.Remove(_order.Dequeue());
            }
            return true;
        }
    }
}
