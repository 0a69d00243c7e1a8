using Hub.Contracts.Events;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Data;
using Hub.Server.Messaging;
using Hub.Server.Records;

namespace Hub.Server.Matching;

/// <summary>On every node's live-feed queue: match events to the shared live push path.</summary>
public sealed class MatchEventLiveConsumer(LivePushes pushes, MatchFeedKind kind, NodeFeed<FeedItem<MatchEvent>> feed)
    : LiveFeedConsumer<MatchFeedKind, MatchEventOccurred, MatchEvent>(pushes, kind, feed);

/// <summary>Match events onto the queue of the country each is for.</summary>
public sealed class MatchCountryFanOut(CountryQueues queues, AccessPolicy policy, GroupCommit writes, HubDbContext db, MatchFeedKind kind, TimeProvider clock)
    : CountryFanOutConsumer<MatchFeedKind, MatchEventOccurred, MatchEvent>(queues, policy, writes, db, kind, clock);

public sealed class MatchCountryFanOutDefinition : CountryFanOutDefinition<MatchCountryFanOut>;
