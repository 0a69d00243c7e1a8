using System.Collections.Concurrent;
using Hub.Server.Access;
using Hub.Server.Audit;
using Hub.Server.Data;

namespace Hub.Server.LiveFeed;

/// <summary>
/// The live feed for people, at <c>/hubs/feed</c>. Clients call nothing to receive; the
/// server pushes <c>alertPosted</c> (<see cref="Alerts.FeedAlertMessage"/>) to the groups
/// the access policy entitles: the centre's staff, and each country's readers.
/// </summary>
public sealed class FeedHub(AccessPolicy policy, GroupCommit writes, FeedConnections connections, Records.StreamSlots slots) : Microsoft.AspNetCore.SignalR.Hub
{
    public const string Path = "/hubs/feed";
    public const string AlertPostedMethod = "alertPosted";
    public const string CaseEventMethod = "caseEvent";
    public const string DeliveryEventMethod = "deliveryEvent";
    public const string MatchEventMethod = "matchEvent";
    public const string CentreGroup = FeedGroups.Centre;
    private const string SlotKey = "hub.connection-slot";

    public static string CountryGroup(string country) => FeedGroups.Country(country);

    public override async Task OnConnectedAsync()
    {
        var caller = Caller.From(Context.User);
        IDisposable slot;
        try
        {
            slot = slots.AcquireConnection(caller);
        }
        catch (ErrorHandling.HubException refused)
        {
            await writes.AuditAsync(new AuditEvent(caller, Channels.SignalR, "feed.connect", AuditOutcomes.Denied, Detail: refused.Message), Context.ConnectionAborted);
            throw new Microsoft.AspNetCore.SignalR.HubException(refused.Message);
        }
        try
        {
            var group = policy.FeedGroupOf(caller);
            if (group is not null)
            {
                await Groups.AddToGroupAsync(Context.ConnectionId, group);
            }
            connections.Add(Context, caller);
            await writes.AuditAsync(new AuditEvent(caller, Channels.SignalR, "feed.connect", AuditOutcomes.Allowed, Detail: group ?? "no feed group"), Context.ConnectionAborted);
            await base.OnConnectedAsync();
        }
        catch
        {
            // A connection that fails to open gets no OnDisconnectedAsync: its slot goes back here.
            slot.Dispose();
            throw;
        }
        // Released when the connection closes, however it closes.
        Context.Items[SlotKey] = slot;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(Context.ConnectionId);
        (Context.Items[SlotKey] as IDisposable)?.Dispose();
        return base.OnDisconnectedAsync(exception);
    }
}

/// <summary>
/// This node's open feed connections, so that one whose account gets disabled is cut off
/// rather than left receiving.
/// </summary>
public sealed class FeedConnections
{
    private readonly ConcurrentDictionary<string, (Microsoft.AspNetCore.SignalR.HubCallerContext Context, Caller Caller)> _open = new();

    public int Count => _open.Count;

    internal void Add(Microsoft.AspNetCore.SignalR.HubCallerContext context, Caller caller) => _open[context.ConnectionId] = (context, caller);

    internal void Remove(string connectionId) => _open.TryRemove(connectionId, out _);

    /// <summary>Aborts the connections of callers the policy no longer accepts; returns how many.</summary>
    public int DisconnectInactive(AccessPolicy policy)
    {
        var cut = 0;
        foreach (var (id, (context, caller)) in _open)
        {
            if (!policy.IsActive(caller))
            {
                context.Abort();
                _open.TryRemove(id, out _);
                cut++;
            }
        }
        return cut;
    }
}

/// <summary>Sweeps the feed for disabled accounts as often as the access directory refreshes.</summary>
public sealed class FeedConnectionSweeper(FeedConnections connections, AccessPolicy policy, AccessDirectory directory, TimeProvider clock) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await directory.RefreshAsync(stoppingToken);
            connections.DisconnectInactive(policy);
        }
    }
}
