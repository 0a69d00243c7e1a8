using System.Globalization;
using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Load.Data;
using Hub.Load.Infra;
using Hub.Load.Load;

namespace Hub.Load.Scenarios;

/// <summary>
/// The match scenario's requests: real alerts posted through the hub (the hits), and the
/// sequence of checks — one identifier each, every <see cref="HitEvery"/>th a real alert's
/// phone, the rest no-hits — the same for the hub and the bare lookup.
/// </summary>
internal sealed class MatchChecks(IReadOnlyList<string> hitPhones)
{
    /// <summary>One check in a hundred asks for a number a real alert holds (INTERPOL's SLTD hits ~0.008 %; a hub of leads more).</summary>
    public const int HitEvery = 100;

    /// <summary>The owners of the real alerts: every member state but the checker's (agency-kaz), so each hit is another country's record.</summary>
    private static readonly string[] Posters = ["KGZ", "TJK", "UZB", "RUS", "AZE", "TKM"];

    private long _hits;
    private long _answers;
    private Latency _hitLatency = new();
    private Latency _noHitLatency = new();

    public long Hits => Interlocked.Read(ref _hits);
    public long Answers => Interlocked.Read(ref _answers);

    /// <summary>Latency (from the due time) of the checks that hit, and of those that did not: the 1 % of hits is the tail p99 looks at.</summary>
    public LatencySummary HitLatency => _hitLatency.Summary();
    public LatencySummary NoHitLatency => _noHitLatency.Summary();

    public void ResetCounts()
    {
        Interlocked.Exchange(ref _hits, 0);
        Interlocked.Exchange(ref _answers, 0);
        _hitLatency = new Latency();
        _noHitLatency = new Latency();
    }

    public CheckRequest Request(long i) => new()
    {
        Identifiers = { i % HitEvery == 0 ? MatchSeeder.Phone(hitPhones[(int)(i / HitEvery % hitPhones.Count)]) : MatchSeeder.NoHit(i) },
        Purpose = "load test: case 15/" + (i % 1000).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Check request <c>i</c> on <paramref name="client"/>, counting the answers that hit.</summary>
    public Drive.Call On(Matches.MatchesClient client) => async (i, due, ct) =>
    {
        var response = await client.CheckAsync(Request(i), cancellationToken: ct);
        var answered = System.Diagnostics.Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _answers);
        if (response.Results.Count == 1 && response.Results[0].Hit)
        {
            Interlocked.Increment(ref _hits);
            _hitLatency.Record(due, answered);
        }
        else
        {
            _noHitLatency.Record(due, answered);
        }
    };

    /// <summary>
    /// Posts <paramref name="count"/> alerts (the README's sample, its plate replaced by one
    /// phone number: +996 77x or +7 747, ranges the seeder never writes) by six countries'
    /// agency systems, half released to the members, half kept to their originator.
    /// </summary>
    public static async Task<List<string>> PostRealAlertsAsync(ServerNode hub, int count)
    {
        var rng = new Random(151);
        var phones = new List<string>(count);
        var clients = new List<(string Country, Grpc.Net.Client.GrpcChannel Channel)>();
        try
        {
            foreach (var country in Posters)
            {
                clients.Add((country, hub.Channel(await Tokens.AgencyAsync(hub.Web, country))));
            }
            for (var i = 0; i < count; i++)
            {
                var (country, channel) = clients[i % clients.Count];
                var phone = i % 2 == 0
                    ? "+99677" + rng.Next(0, 10_000_000).ToString("D7", CultureInfo.InvariantCulture)
                    : "+7747" + rng.Next(0, 10_000_000).ToString("D7", CultureInfo.InvariantCulture);
                var post = SampleFeed.Post(country);
                post.Alert.Identifiers.Clear();
                post.Alert.Identifiers.Add(MatchSeeder.Phone(phone));
                post.Alert.Distribution = i % 4 < 2 ? Distribution.Members : Distribution.Originator;
                await new SeizureAlerts.SeizureAlertsClient(channel).PostAlertAsync(post);
                phones.Add(phone);
            }
        }
        finally
        {
            foreach (var (_, channel) in clients)
            {
                channel.Dispose();
            }
        }
        return phones;
    }

    /// <summary>Before measuring: seeded numbers and a real alert's phone hit, and the no-hit values are valid numbers (looked up, not refused as junk).</summary>
    public async Task VerifyAsync(Matches.MatchesClient hub, Matches.MatchesClient bare, IEnumerable<string> seededPhones)
    {
        foreach (var phone in seededPhones)
        {
            var request = new CheckRequest { Identifiers = { MatchSeeder.Phone(phone) }, Purpose = "load test: the seeded index" };
            var answer = (await hub.CheckAsync(request)).Results[0];
            var baseline = (await bare.CheckAsync(request)).Results[0];
            if (!answer.Hit || answer.RecordCount != baseline.RecordCount)
            {
                throw new RpcException(new Status(StatusCode.DataLoss, $"seeded {phone}: hub hit={answer.Hit} count={answer.RecordCount} '{answer.NotMatchedReason}', bare count={baseline.RecordCount}"));
            }
        }
        for (long i = 0; i < 3 * HitEvery; i++)
        {
            var request = Request(i);
            var answer = (await hub.CheckAsync(request)).Results[0];
            var baseline = (await bare.CheckAsync(request)).Results[0];
            var hit = i % HitEvery == 0;
            if (answer.NotMatchedReason.Length > 0 || answer.Hit != hit || baseline.Hit != hit || baseline.RecordCount != answer.RecordCount)
            {
                throw new RpcException(new Status(StatusCode.DataLoss,
                    $"check {i} ({request.Identifiers[0].Value}): hub hit={answer.Hit} count={answer.RecordCount} '{answer.NotMatchedReason}', bare hit={baseline.Hit} count={baseline.RecordCount}, expected hit={hit}"));
            }
        }
    }
}
