using Hub.Contracts.V1;
using Hub.Server.Access;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Tests.Access;

public sealed partial class AccessAgreementTests
{
    /// <summary>
    /// One hub for the class: makes the callers, builds the records while every caller's
    /// live streams and SignalR feed are open, then replays every feed from 0 for every caller.
    /// </summary>
    public sealed class Fixture : IAsyncLifetime
    {
        /// <summary>Every role × country status; TKM is kept for the status-change test.</summary>
        internal static readonly AgreementCaller[] Callers =
        [
            new("liaison.kaz", "KAZ", Roles.LiaisonOfficer),
            new("liaison.kgz", "KGZ", Roles.LiaisonOfficer),
            new("liaison.uzb", "UZB", Roles.LiaisonOfficer),
            new("agency-kgz", "KGZ", Roles.AgencySystem),
            new("agency-uzb", "UZB", Roles.AgencySystem),
            new("observer.kgz", "KGZ", Roles.Observer, Created: true),
            new("liaison.tur", "TUR", Roles.LiaisonOfficer, Created: true),
            new("observer.tur", "TUR", Roles.Observer),
            new("observer.interpol", "INTERPOL", Roles.Observer, Created: true),
            new("liaison.pol", "POL", Roles.LiaisonOfficer, Created: true),
            new("observer.pol", "POL", Roles.Observer, Created: true),
            new("operator", CentreCountry.Code, Roles.Operator),
            new("analyst", CentreCountry.Code, Roles.Analyst),
            new("admin", CentreCountry.Code, Roles.Admin),
        ];

        public HubFactory Hub { get; } = new();
        internal AgreementWorld World { get; }
        internal Dictionary<string, string> Tokens { get; } = new(StringComparer.Ordinal);
        internal Dictionary<string, FeedCapture> Live { get; } = new(StringComparer.Ordinal);
        internal Dictionary<string, FeedCapture> Replayed { get; } = new(StringComparer.Ordinal);
        private List<FeedRecord> _feed = [];
        private Dictionary<string, long> _liveAfter = [];

        public Fixture() => World = new AgreementWorld(Hub);

        /// <summary>The events each capture was open for: those after the live start for live captures, all for replays.</summary>
        internal IEnumerable<FeedRecord> EventsIn(IReadOnlyDictionary<string, FeedCapture> captures) =>
            ReferenceEquals(captures, Live) ? _feed.Where(e => e.Sequence > _liveAfter[e.Kind]) : _feed;

        public async ValueTask InitializeAsync()
        {
            var ct = TestContext.Current.CancellationToken;
            await CreatePeopleAsync(ct);
            foreach (var caller in Callers)
            {
                Tokens[caller.Name] = await caller.TokenAsync(Hub);
            }
            await World.BeforeStreamsAsync(ct);
            _liveAfter = (await World.FeedAsync()).GroupBy(e => e.Kind).ToDictionary(g => g.Key, g => g.Max(e => e.Sequence));
            foreach (var kind in FeedCapture.Kinds)
            {
                _liveAfter.TryAdd(kind, 0);
            }
            foreach (var caller in Callers)
            {
                Live[caller.Name] = await FeedCapture.OpenAsync(Hub, caller.Name, Tokens[caller.Name], after: -1, signalR: true);
            }
            // A connection joins its feed group after the handshake; it is registered once joined.
            var connections = Hub.Services.GetRequiredService<Hub.Server.LiveFeed.FeedConnections>();
            await Eventually.UntilAsync(() => Task.FromResult(connections.Count >= Callers.Length), "every SignalR connection to join its group");

            await World.WhileStreamingAsync(ct);
            await World.SentinelsAsync(ct);
            _feed = await World.FeedAsync();
            await SettleAsync(Live, [FeedCapture.Stream, FeedCapture.SignalR], _feed.Where(e => e.Sequence > _liveAfter[e.Kind]).ToList());
            foreach (var capture in Live.Values)
            {
                await capture.DisposeAsync();
            }

            foreach (var caller in Callers)
            {
                Replayed[caller.Name] = await FeedCapture.OpenAsync(Hub, caller.Name, Tokens[caller.Name], after: 0, signalR: false);
            }
            await SettleAsync(Replayed, [FeedCapture.Stream], _feed);
            foreach (var capture in Replayed.Values)
            {
                await capture.DisposeAsync();
            }
        }

        /// <summary>
        /// Waits (bounded) until every channel has what it should end with: the centre's has
        /// the last event of each feed, every other caller's the last event the rule lets it
        /// read. Events go out in sequence order, so once the last is there the earlier ones
        /// have been decided. A caller that may read nothing of a feed (admin, applicants,
        /// observers for deliveries) has no event of its own to wait for: its channels are
        /// served from the same node feed in the same order as the centre's, and are closed
        /// only once the centre has the feed's last event.
        /// </summary>
        private async Task SettleAsync(Dictionary<string, FeedCapture> captures, string[] channels, List<FeedRecord> events)
        {
            var policy = Hub.Services.GetRequiredService<AccessPolicy>();
            foreach (var caller in Callers.OrderBy(c => c.Country == CentreCountry.Code && c.Role != Roles.Admin ? 0 : 1))
            {
                foreach (var kind in FeedCapture.Kinds)
                {
                    var last = events.Where(e => e.Kind == kind && policy.CanRead(caller.AsCaller(), e.Access)).MaxBy(e => e.Sequence);
                    foreach (var channel in last is null ? [] : channels)
                    {
                        await Eventually.UntilAsync(() => Task.FromResult(captures[caller.Name].Has(channel, kind, last!.EventId)),
                            $"{caller.Name}'s {channel} to deliver {kind} #{last!.Sequence} ({last.Label})");
                    }
                }
            }
        }

        private async Task CreatePeopleAsync(CancellationToken ct)
        {
            foreach (var person in Callers.Where(c => c.Created))
            {
                await Administration.Approved.CreatePersonAsync(Hub, new CreatePersonRequest
                {
                    UserName = person.Name, Password = AgreementCaller.Password, DisplayName = person.Name, Country = person.Country, Roles = { person.Role },
                }, ct);
            }
        }

        public async ValueTask DisposeAsync() => await Hub.DisposeAsync();
    }
}
