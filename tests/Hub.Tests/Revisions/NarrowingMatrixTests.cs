using Grpc.Core;
using Hub.Client;
using Hub.Contracts.V1;
using Hub.Tests.Records;

namespace Hub.Tests.Revisions;

/// <summary>
/// An alert to members and observers, narrowed to KGZ and then withdrawn while every kind
/// of reader watches: each reader, live and on a replay from 0, receives exactly what the
/// policy lets it see at each step — the centre and the originator everything, the kept
/// addressee the steps without the withdrawn content, the member and the observer who lost
/// it one withdrawal and nothing after.
/// </summary>
public sealed class NarrowingMatrixTests(HubFactory hub) : IClassFixture<HubFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>What a reader is expected to receive: type, whether content came, the withdrawal's cause.</summary>
    private static readonly Dictionary<string, (string[] Live, string[] Replay)> Expected = new()
    {
        ["operator"] = (["Posted+", "Released+", "Withdrawn+Originator"], ["Posted+Originator", "Released+Originator", "Withdrawn+Originator"]),
        ["liaison.kaz"] = (["Posted+", "Released+", "Withdrawn+Originator"], ["Posted+Originator", "Released+Originator", "Withdrawn+Originator"]),
        ["liaison.kgz"] = (["Posted+", "Released+", "Withdrawn-Originator"], ["Posted-Originator", "Released-Originator", "Withdrawn-Originator"]),
        ["liaison.uzb"] = (["Posted+", "Withdrawn-NoLongerReleased"], ["Withdrawn-NoLongerReleased"]),
        ["observer.tur"] = (["Posted+", "Withdrawn-NoLongerReleased"], ["Withdrawn-NoLongerReleased"]),
    };

    private static string Describe(AlertEvent e) =>
        $"{e.Type}{(e.Alert.Content is null ? "-" : "+")}{e.Alert.Withdrawal?.Cause.ToString() ?? ""}";

    [Fact]
    public async Task Every_reader_gets_what_it_may_at_each_step_live_and_on_replay()
    {
        var readers = new Dictionary<string, (SeizureAlerts.SeizureAlertsClient Client, Received<AlertEvent> Live)>();
        foreach (var person in Expected.Keys)
        {
            var client = hub.CreateAlertsClient(await hub.PersonTokenAsync(person));
            var call = client.WatchAlerts(new WatchAlertsRequest { AfterSequence = -1 }, cancellationToken: Ct);
            await Eventually.WaitAsync(call.ResponseHeadersAsync, $"{person}'s watch to open");
            readers[person] = (client, new Received<AlertEvent>(call));
        }
        var kaz = await hub.AgencyAlertsClientAsync("KAZ");
        var request = SampleAlerts.HeroinAtKorday("KAZ");
        request.Alert.Distribution = Distribution.MembersAndObservers;
        var alert = (await kaz.PostAlertAsync(request, cancellationToken: Ct)).Alert;
        var live = Expected.Keys.ToDictionary(p => p, _ => new List<AlertEvent>());

        async Task StepAsync(int index)
        {
            foreach (var (person, (live1, _)) in Expected)
            {
                while (live[person].Count < live1.Length && live[person].Count <= index)
                {
                    var next = await readers[person].Live.NextAsync($"{person}'s step {index}");
                    if (next.Alert.Id == alert!.Id)
                    {
                        live[person].Add(next);
                    }
                }
            }
        }

        await StepAsync(0);
        await kaz.ChangeAlertReleaseAsync(new ChangeAlertReleaseRequest
        {
            AlertId = alert.Id, ExpectedVersion = 1, Reason = "narrowed", Distribution = Distribution.Addressed, AddressedCountries = { "KGZ" },
        }, cancellationToken: Ct);
        await StepAsync(1);
        await kaz.WithdrawAlertAsync(new WithdrawAlertRequest { AlertId = alert.Id, Reason = "withdrawn" }, cancellationToken: Ct);
        await StepAsync(2);
        var everyone = SampleAlerts.HeroinAtKorday("KAZ");
        everyone.Alert.Distribution = Distribution.MembersAndObservers;
        var marker = (await kaz.PostAlertAsync(everyone, cancellationToken: Ct)).Alert;

        foreach (var (person, (expectedLive, expectedReplay)) in Expected)
        {
            // Nothing more of the alert before the marker: the lost ones hear nothing after the withdrawal.
            while (true)
            {
                var next = await readers[person].Live.NextAsync($"{person}'s marker");
                if (next.Alert.Id == marker.Id)
                {
                    break;
                }
                live[person].Add(next);
            }
            Assert.Equal(expectedLive, live[person].Select(Describe));
            Assert.Equal(expectedReplay, await ReplayAsync(readers[person].Client, alert.Id, marker.Id));
            await readers[person].Live.DisposeAsync();
        }
    }

    private static async Task<List<string>> ReplayAsync(SeizureAlerts.SeizureAlertsClient client, string alertId, string markerId)
    {
        using var call = client.WatchAlerts(new WatchAlertsRequest { AfterSequence = 0 }, cancellationToken: Ct);
        await using var replay = new Received<AlertEvent>(call);
        var seen = new List<string>();
        while (true)
        {
            var next = await replay.NextAsync("the replay to reach the marker");
            if (next.Alert.Id == markerId)
            {
                return seen;
            }
            if (next.Alert.Id == alertId)
            {
                seen.Add(Describe(next));
            }
        }
    }
}
