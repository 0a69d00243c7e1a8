using Hub.Contracts.Events;
using Hub.Contracts.V1;
using Hub.Server.Records;
using MassTransit;

namespace Hub.Server.Alerts;

/// <summary>On every node's live-feed queue: hands each posted alert to the shared live push path.</summary>
public sealed class AlertPostedConsumer(LivePushes pushes, AlertFeedKind kind, NodeFeed<FeedItem<AlertEvent>> feed) : IConsumer<AlertPosted>
{
    public async Task Consume(ConsumeContext<AlertPosted> context)
    {
        var posted = context.Message;
        var alert = ProtoJson.Parser.Parse<SeizureAlert>(posted.AlertJson);
        var alertEvent = new AlertEvent { EventId = posted.EventId.ToString(), Sequence = posted.Sequence, Alert = alert };
        await pushes.EnqueueAsync(kind, feed, posted.EventId, alertEvent, posted.AlertJson, context.CancellationToken);
    }
}
