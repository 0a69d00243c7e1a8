using Microsoft.AspNetCore.SignalR;

namespace Hub.Server.LiveFeed;

/// <summary>
/// The live feed for people, at <c>/hubs/feed</c>. The server pushes; clients call nothing
/// to receive. Events: <c>alertPosted</c> with <see cref="FeedAlertMessage"/>.
/// </summary>
public sealed class FeedHub : Microsoft.AspNetCore.SignalR.Hub
{
    public const string Path = "/hubs/feed";
    public const string AlertPostedMethod = "alertPosted";
}
