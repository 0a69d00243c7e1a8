using Hub.Contracts.Events;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Data;
using Hub.Server.Messaging;
using Hub.Server.Records;

namespace Hub.Server.Alerts;

/// <summary>On every node's live-feed queue: posted alerts to the shared live push path.</summary>
public sealed class AlertPostedConsumer(LivePushes pushes, AlertFeedKind kind, NodeFeed<FeedItem<AlertEvent>> feed)
    : LiveFeedConsumer<AlertFeedKind, AlertPosted, AlertEvent>(pushes, kind, feed);

/// <summary>On every node's live-feed queue: corrections, release changes and withdrawals to the same path.</summary>
public sealed class AlertChangedConsumer(LivePushes pushes, AlertFeedKind kind, NodeFeed<FeedItem<AlertEvent>> feed)
    : LiveFeedConsumer<AlertFeedKind, AlertChanged, AlertEvent>(pushes, kind, feed);

/// <summary>Posted alerts onto the queues of the countries entitled to them.</summary>
public sealed class AlertCountryFanOut(CountryQueues queues, AccessPolicy policy, GroupCommit writes, HubDbContext db, AlertFeedKind kind, TimeProvider clock)
    : CountryFanOutConsumer<AlertFeedKind, AlertPosted, AlertEvent>(queues, policy, writes, db, kind, clock);

public sealed class AlertCountryFanOutDefinition : CountryFanOutDefinition<AlertCountryFanOut>;

/// <summary>Alert changes onto the queues of the countries that may see them now, or could before a release change.</summary>
public sealed class AlertChangedCountryFanOut(CountryQueues queues, AccessPolicy policy, GroupCommit writes, HubDbContext db, AlertFeedKind kind, TimeProvider clock)
    : CountryFanOutConsumer<AlertFeedKind, AlertChanged, AlertEvent>(queues, policy, writes, db, kind, clock);

public sealed class AlertChangedCountryFanOutDefinition : CountryFanOutDefinition<AlertChangedCountryFanOut>;
