using System.Collections.Concurrent;

namespace Hub.Server.Identity;

/// <summary>
/// Failed sign-ins counted per client address and per (account, address), instead of locking
/// the account: a stranger guessing from elsewhere slows only himself and never locks the
/// real officer out (Identity's lockout let anyone lock any account with five requests).
/// Memory is bounded: past <see cref="MaxEntries"/> the oldest windows are forgotten.
/// </summary>
public sealed class SignInThrottle(TimeProvider clock)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    public const int PerAccountAndAddress = 5;
    public const int PerAddress = 30;
    private const int MaxEntries = 100_000;
    private readonly ConcurrentDictionary<string, Counter> _failures = new(StringComparer.Ordinal);

    private sealed record Counter(int Count, DateTimeOffset Since);

    public bool IsThrottled(string userName, string address) =>
        Count("a:" + address) >= PerAddress || Count("u:" + address + "|" + userName.ToUpperInvariant()) >= PerAccountAndAddress;

    public void Failed(string userName, string address)
    {
        if (_failures.Count > MaxEntries)
        {
            var now = clock.GetUtcNow();
            foreach (var (key, counter) in _failures)
            {
                if (now - counter.Since > Window || _failures.Count > MaxEntries / 2)
                {
                    _failures.TryRemove(key, out _);
                }
            }
        }
        Add("a:" + address);
        Add("u:" + address + "|" + userName.ToUpperInvariant());
    }

    /// <summary>A success clears that account's count from that address (not the address's).</summary>
    public void Succeeded(string userName, string address) => _failures.TryRemove("u:" + address + "|" + userName.ToUpperInvariant(), out _);

    private int Count(string key) =>
        _failures.TryGetValue(key, out var counter) && clock.GetUtcNow() - counter.Since <= Window ? counter.Count : 0;

    private void Add(string key)
    {
        var now = clock.GetUtcNow();
        _failures.AddOrUpdate(key, _ => new Counter(1, now), (_, c) => now - c.Since > Window ? new Counter(1, now) : c with { Count = c.Count + 1 });
    }
}
