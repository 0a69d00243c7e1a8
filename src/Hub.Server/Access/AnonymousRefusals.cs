using System.Globalization;
using System.Text;
using Hub.Server.Audit;
using Hub.Server.Data;

namespace Hub.Server.Access;

/// <summary>
/// Refusals of callers without a valid token, audited in bounded rows (issue 13): each
/// request used to write a row carrying up to ~7 KB of the attacker's path, so anyone on the
/// network could grow the trail and load the group commit at will. Now the first refusal of
/// an address in a window is written at once (its path cut and escaped), the rest are counted
/// and written as one row per address when the window closes. Identified callers' refusals
/// are still written one by one: they are accountable, and each is evidence. Throttled
/// sign-ins come here too (failed ones are bounded by the throttle itself).
/// </summary>
public sealed class AnonymousRefusals(TimeProvider time)
{
    /// <summary>How long refusals of one address are counted before their summary is written.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Addresses counted at once; beyond them, refusals are counted under one bucket.</summary>
    public const int MaxAddresses = 10_000;

    /// <summary>Characters of a refused request's method and path kept in its row.</summary>
    public const int PathLimit = 160;

    /// <summary>Distinct paths a summary names, so that it says what was tried.</summary>
    public const int SamplePaths = 3;

    private const string OtherAddresses = "other addresses";
    private readonly Dictionary<(string Action, string Address), Tally> _tallies = [];
    private readonly Lock _lock = new();

    private sealed class Tally(string action, string channel, DateTime since)
    {
        public string Action { get; } = action;
        public string Channel { get; } = channel;
        public DateTime Since { get; } = since;
        public long Further { get; set; }
        public List<string> Samples { get; } = [];
    }

    /// <summary>The row to write now for a refusal, or null when it is only counted (per action and address).</summary>
    public AuditEvent? Refused(string channel, string action, string? address, string method, string path, string? recordType = null)
    {
        var from = address ?? "unknown";
        var now = time.GetUtcNow().UtcDateTime;
        lock (_lock)
        {
            var key = _tallies.ContainsKey((action, from)) || _tallies.Count < MaxAddresses ? (action, from) : (action, OtherAddresses);
            if (_tallies.TryGetValue(key, out var tally))
            {
                tally.Further++;
                if (tally.Samples.Count < SamplePaths)
                {
                    var sample = Printable(method + " " + path);
                    if (!tally.Samples.Contains(sample))
                    {
                        tally.Samples.Add(sample);
                    }
                }
                return null;
            }
            _tallies[key] = new Tally(action, channel, now);
        }
        return new AuditEvent(Caller.Anonymous, channel, action, AuditOutcomes.Denied, recordType, Detail: $"{Printable(method + " " + path)} from {from}");
    }

    /// <summary>Summary rows of the windows closed by now (all of them with <paramref name="all"/>), forgetting them.</summary>
    public IReadOnlyList<AuditEvent> Drain(bool all = false)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var rows = new List<AuditEvent>();
        lock (_lock)
        {
            foreach (var (key, tally) in _tallies.Where(t => all || now - t.Value.Since >= Window).ToList())
            {
                _tallies.Remove(key);
                var address = key.Address;
                if (tally.Further > 0)
                {
                    rows.Add(new AuditEvent(Caller.Anonymous, tally.Channel, tally.Action, AuditOutcomes.Denied,
                        Detail: string.Create(CultureInfo.InvariantCulture, $"{tally.Further:N0} further refusals from {address} since {tally.Since:yyyy-MM-dd'T'HH:mm:ss'Z'}: {string.Join("; ", tally.Samples)}")));
                }
            }
        }
        return rows;
    }

    /// <summary>Writes the summaries of the closed windows (all of them with <paramref name="all"/>).</summary>
    public async Task FlushAsync(GroupCommit writes, bool all, CancellationToken cancellationToken)
    {
        var rows = Drain(all);
        if (rows.Count > 0)
        {
            await writes.AuditAsync([.. rows], cancellationToken);
        }
    }

    /// <summary>The path as an auditor can read it: cut, and every control or non-ASCII character escaped.</summary>
    internal static string Printable(string text)
    {
        var kept = new StringBuilder(PathLimit + 8);
        foreach (var c in text)
        {
            if (kept.Length >= PathLimit)
            {
                return kept.Append('…').ToString();
            }
            kept.Append(c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:x4}");
        }
        return kept.ToString();
    }
}

/// <summary>Writes <see cref="AnonymousRefusals"/>' summaries as their windows close, and the rest at shutdown.</summary>
public sealed partial class AnonymousRefusalsFlusher(AnonymousRefusals refusals, GroupCommit writes, ILogger<AnonymousRefusalsFlusher> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(AnonymousRefusals.Window / 4);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await refusals.FlushAsync(writes, all: false, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
                {
                    // Counted rows stay lost for this window; the next ones are written again.
                    Log.FlushFailed(log, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await refusals.FlushAsync(writes, all: true, cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.FlushFailed(log, e);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the summary of anonymous refusals")]
        public static partial void FlushFailed(ILogger logger, Exception exception);
    }
}
