using Hub.Client;
using Hub.Contracts.V1;

namespace Hub.SystemTests;

/// <summary>
/// Continuous matching and a release on real infrastructure: KGZ and UZB post alerts holding
/// one phone number, each kept to itself; UZB's offline queue receives its side of the match
/// (its own record, never KGZ's); KGZ releases, and UZB's queue receives the release and the
/// alert now addressed to it.
/// </summary>
public sealed class MatchScenarioTests(Broker broker)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static PostAlertRequest Alert(string country, string phone)
    {
        var request = SampleAlerts.HeroinAtKorday(country);
        request.Alert.Distribution = Distribution.Originator;
        request.Alert.Identifiers.Clear();
        request.Alert.Identifiers.Add(new Identifier { Kind = IdentifierKind.PhoneNumber, Value = phone });
        return request;
    }

    [Fact]
    public async Task A_match_and_its_release_reach_the_countries_queues_with_only_what_each_may_know()
    {
        await using var node = await HubProcess.StartAsync(broker.HubUri);
        await broker.PurgeAsync("hub.country.UZB", "hub.country.KGZ");
        var phone = "+99655" + System.Security.Cryptography.RandomNumberGenerator.GetInt32(1_000_000, 9_999_999);
        var kgzAlert = (await node.CreateAlertsClient(await node.AgencyTokenAsync("KGZ")).PostAlertAsync(Alert("KGZ", phone), cancellationToken: Ct)).Alert;
        var uzbAlert = (await node.CreateAlertsClient(await node.AgencyTokenAsync("UZB")).PostAlertAsync(Alert("UZB", phone), cancellationToken: Ct)).Alert;

        // Each country's own alert comes first on its queue, then its side of the match.
        var uzbQueued = await AgencyInbox.TakeAsync(broker, "UZB", 2, Wait, new HashSet<string> { uzbAlert.Id });
        Assert.Equal(["alert.posted", "match.found"], uzbQueued.Select(r => r.Type));
        var found = uzbQueued[1];
        Assert.Contains("\"askingCountry\":\"KGZ\"", found.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(kgzAlert.Id, found.Body, StringComparison.Ordinal);
        var kgzQueued = await AgencyInbox.TakeAsync(broker, "KGZ", 2, Wait, new HashSet<string> { kgzAlert.Id });
        Assert.Equal(["alert.posted", "match.found"], kgzQueued.Select(r => r.Type));
        var kgzSide = kgzQueued[1];
        Assert.DoesNotContain(uzbAlert.Id, kgzSide.Body, StringComparison.Ordinal);

        var kgzMatches = new Matches.MatchesClient(node.CreateChannel(await node.AgencyTokenAsync("KGZ")));
        var pending = (await kgzMatches.ListMatchesAsync(new ListMatchesRequest { PendingOnly = true }, cancellationToken: Ct)).Matches
            .Single(m => m.Record.RecordId == kgzAlert.Id);
        await kgzMatches.DecideReleaseAsync(new DecideReleaseRequest { MatchId = pending.MatchId, Release = true, Reason = "same courier" }, cancellationToken: Ct);

        var released = (await AgencyInbox.TakeAsync(broker, "UZB", 2, Wait, new HashSet<string> { kgzAlert.Id })).OrderBy(r => r.Type, StringComparer.Ordinal).ToList();
        Assert.Equal(["alert.released", "match.released"], released.Select(r => r.Type));
        Assert.Equal("DISTRIBUTION_ADDRESSED", released[0].Distribution);
    }
}
