using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Hub.Client;
using Hub.Contracts.V1;
using Hub.Tests.Records;
using Microsoft.AspNetCore.SignalR.Client;

namespace Hub.Tests.Matching;

/// <summary>
/// Who hears of a match, on open streams and SignalR: the two owners, each its own side, and
/// the centre; a third country nothing — proved by a later match of its own arriving first.
/// </summary>
public sealed class MatchAudienceTests(HubFactory hub) : IClassFixture<HubFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<SeizureAlert> PostAsync(string country, string phone)
    {
        var request = SampleAlerts.HeroinAtKorday(country);
        request.Alert.Distribution = Distribution.Originator;
        request.Alert.Identifiers.Clear();
        request.Alert.Identifiers.Add(new Identifier { Kind = IdentifierKind.PhoneNumber, Value = phone });
        return (await (await hub.AgencyAlertsClientAsync(country)).PostAlertAsync(request, cancellationToken: Ct)).Alert;
    }

    private static readonly string[] EverySide = ["KGZ:found", "UZB:found", "TJK:found", "AZE:found"];

    private static string NewNumber() => "+99655" + RandomNumberGenerator.GetInt32(1_000_000, 9_999_999);

    [Fact]
    public async Task Only_the_owners_and_the_centre_hear_of_a_match_live()
    {
        var tjk = new Matches.MatchesClient(hub.CreateGrpcChannel(await hub.AgencyTokenAsync("TJK")));
        await using var tjkWatch = new Received<MatchEvent>(tjk.WatchMatches(new WatchMatchesRequest(), cancellationToken: Ct));
        await Eventually.WaitAsync(tjkWatch.Call.ResponseHeadersAsync, "TJK's watch");

        var pushed = new ConcurrentDictionary<string, ConcurrentQueue<string>>();
        var connections = new List<HubConnection>();
        foreach (var person in new[] { "liaison.kgz", "liaison.tjk", "operator" })
        {
            var connection = hub.CreateFeedConnection(await hub.PersonTokenAsync(person));
            var queue = pushed.GetOrAdd(person, _ => new ConcurrentQueue<string>());
            connection.On<JsonElement>("matchEvent", e => queue.Enqueue(e.GetProperty("match").GetProperty("ownerCountry").GetString() + ":" + e.GetProperty("type").GetString()));
            await connection.StartAsync(Ct);
            connections.Add(connection);
        }
        try
        {
            var shared = NewNumber();
            await PostAsync("KGZ", shared);
            await PostAsync("UZB", shared);
            // TJK's own match, after the others: when it arrives, anything meant for TJK before it has too.
            var own = NewNumber();
            var tjkAlert = await PostAsync("TJK", own);
            await PostAsync("AZE", own);

            var first = await tjkWatch.NextAsync("TJK's own match");
            Assert.Equal(tjkAlert.Id, first.Match.Record.RecordId);
            Assert.Equal("AZE", first.Match.AskingCountry);

            await Eventually.UntilAsync(() => Task.FromResult(pushed["liaison.kgz"].Contains("KGZ:found")), "KGZ's officer pushed its side");
            await Eventually.UntilAsync(() => Task.FromResult(pushed["liaison.tjk"].Contains("TJK:found")), "TJK's officer pushed its own match");
            await Eventually.UntilAsync(() => Task.FromResult(EverySide.All(pushed["operator"].Contains)), "the centre pushed every side");
            Assert.DoesNotContain(pushed["liaison.tjk"], e => e.StartsWith("KGZ", StringComparison.Ordinal) || e.StartsWith("UZB", StringComparison.Ordinal));
            Assert.DoesNotContain(pushed["liaison.kgz"], e => !e.StartsWith("KGZ", StringComparison.Ordinal));
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }
}
