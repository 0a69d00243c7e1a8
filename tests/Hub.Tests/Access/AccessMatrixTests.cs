using System.Text.Json;
using Grpc.Core;
using Hub.Client;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Tests.Access;

/// <summary>
/// Who sees which alert, on every channel: role × country × distribution × channel. KAZ
/// posts one alert per distribution (ADDRESSED to KGZ and TUR); each caller below must see
/// exactly the alerts its row allows, through gRPC unary calls, a live gRPC stream, the
/// SignalR feed, and the per-country fan-out.
/// </summary>
public sealed class AccessMatrixTests(AccessMatrixTests.Fixture fixture) : IClassFixture<AccessMatrixTests.Fixture>
{
    public static readonly Distribution[] Distributions =
        [Distribution.Originator, Distribution.Addressed, Distribution.Members, Distribution.MembersAndObservers];

    /// <summary>caller → (country, what it may see, in the order of <see cref="Distributions"/>).</summary>
    public static readonly IReadOnlyDictionary<string, (string Country, bool[] Sees)> Matrix = new Dictionary<string, (string, bool[])>
    {
        ["liaison.kaz"] = ("KAZ", [true, true, true, true]),          // originator
        ["liaison.kgz"] = ("KGZ", [false, true, true, true]),         // member, addressed
        ["liaison.uzb"] = ("UZB", [false, false, true, true]),        // member, not addressed
        ["agency-kgz"] = ("KGZ", [false, true, true, true]),          // agency system of an addressee
        ["observer.tur"] = ("TUR", [false, true, false, true]),       // observer, addressed
        ["observer.interpol"] = ("INTERPOL", [false, false, false, true]), // observer organisation, not addressed
        ["operator"] = ("CARICC", [true, true, true, true]),          // the centre
        ["analyst"] = ("CARICC", [true, true, true, true]),
        ["admin"] = ("CARICC", [false, false, false, false]),         // manages accounts, reads no records
    };

    public static TheoryData<string, Distribution, bool> Cells()
    {
        var data = new TheoryData<string, Distribution, bool>();
        foreach (var (caller, row) in Matrix)
        {
            for (var i = 0; i < Distributions.Length; i++)
            {
                data.Add(caller, Distributions[i], row.Sees[i]);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Grpc_unary_GetAlert_and_ListAlerts(string caller, Distribution distribution, bool sees)
    {
        var client = fixture.Hub.CreateAlertsClient(await fixture.TokenAsync(caller));
        var alert = fixture.Posted[distribution];

        var get = await Record.ExceptionAsync(() => client.GetAlertAsync(new GetAlertRequest { Id = alert.Id }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);
        var list = await client.ListAlertsAsync(new ListAlertsRequest { PageSize = 200 }, cancellationToken: TestContext.Current.CancellationToken);

        if (sees)
        {
            Assert.Null(get);
        }
        else
        {
            Assert.Equal(StatusCode.NotFound, Assert.IsType<RpcException>(get).StatusCode);
        }
        Assert.Equal(sees, list.Alerts.Any(a => a.Id == alert.Id));
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void Grpc_stream_WatchAlerts_live(string caller, Distribution distribution, bool sees) =>
        Assert.Equal(sees, fixture.Streamed[caller].Contains(fixture.Posted[distribution].Id));

    [Theory]
    [MemberData(nameof(Cells))]
    public void Grpc_stream_WatchAlerts_replay(string caller, Distribution distribution, bool sees) =>
        Assert.Equal(sees, fixture.Replayed[caller].Contains(fixture.Posted[distribution].Id));

    [Theory]
    [MemberData(nameof(Cells))]
    public void SignalR_push(string caller, Distribution distribution, bool sees) =>
        Assert.Equal(sees, fixture.Pushed[caller].Contains(fixture.Posted[distribution].Id));

    [Theory]
    [MemberData(nameof(Cells))]
    public void Per_country_fan_out(string caller, Distribution distribution, bool sees)
    {
        var (country, _) = Matrix[caller];
        if (country == CentreCountry.Code)
        {
            // The centre reads through its own channels; the fan-out is for countries' systems.
            Assert.DoesNotContain(CentreCountry.Code, fixture.FanOut[distribution]);
            return;
        }
        Assert.Equal(sees, fixture.FanOut[distribution].Contains(country));
    }

    /// <summary>
    /// Opens every caller's stream and feed, posts the four alerts and a last one for
    /// everybody, and waits (bounded) until each reader has the last one.
    /// </summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public HubFactory Hub { get; } = new();
        public Dictionary<Distribution, SeizureAlert> Posted { get; } = [];
        public Dictionary<string, HashSet<string>> Streamed { get; } = [];
        public Dictionary<string, HashSet<string>> Replayed { get; } = [];
        public Dictionary<string, HashSet<string>> Pushed { get; } = [];
        public Dictionary<Distribution, IReadOnlyList<string>> FanOut { get; } = [];
        private readonly Dictionary<string, string> _tokens = [];

        public Task<string> TokenAsync(string caller) => Task.FromResult(_tokens[caller]);

        public async ValueTask InitializeAsync()
        {
            var ct = TestContext.Current.CancellationToken;
            await Administration.Approved.CreatePersonAsync(Hub, new CreatePersonRequest
            {
                UserName = "observer.interpol", Password = "Interpol-observer-1", DisplayName = "INTERPOL liaison", Country = "INTERPOL", Roles = { Roles.Observer },
            }, ct);
            foreach (var caller in Matrix.Keys)
            {
                _tokens[caller] = caller.StartsWith("agency-", StringComparison.Ordinal)
                    ? await Hub.AgencyTokenAsync(Matrix[caller].Country)
                    : caller == "observer.interpol"
                        ? await HubAuth.AuthorizationCodeAsync(Hub, caller, "Interpol-observer-1")
                        : await Hub.PersonTokenAsync(caller);
            }

            var streams = new Dictionary<string, AsyncServerStreamingCall<AlertEvent>>();
            var feeds = new List<HubConnection>();
            var lastSeen = new Dictionary<string, TaskCompletionSource>();
            var everybody = new SeizureAlert();
            foreach (var caller in Matrix.Keys)
            {
                Streamed[caller] = [];
                Pushed[caller] = [];
                lastSeen[caller + "/stream"] = new(TaskCreationOptions.RunContinuationsAsynchronously);
                lastSeen[caller + "/feed"] = new(TaskCreationOptions.RunContinuationsAsynchronously);
                streams[caller] = Hub.CreateAlertsClient(_tokens[caller]).WatchAlerts(new WatchAlertsRequest { AfterSequence = -1 }, cancellationToken: ct);
                var feed = Hub.CreateFeedConnection(_tokens[caller]);
                var pushed = Pushed[caller];
                var done = lastSeen[caller + "/feed"];
                feed.On<JsonElement>("alertPosted", m =>
                {
                    var id = m.GetProperty("alert").GetProperty("id").GetString()!;
                    lock (pushed)
                    {
                        pushed.Add(id);
                    }
                    if (id == everybody.Id)
                    {
                        done.TrySetResult();
                    }
                });
                await feed.StartAsync(ct);
                feeds.Add(feed);
            }
            var feedHub = Hub.Services.GetRequiredService<Hub.Server.Records.NodeFeed<Hub.Server.Records.FeedItem<AlertEvent>>>();
            await Eventually.UntilAsync(() => Task.FromResult(feedHub.WatcherCount >= Matrix.Count), "every watcher to subscribe");

            var kazakh = await Hub.AgencyAlertsClientAsync("KAZ");
            foreach (var distribution in Distributions)
            {
                var request = SampleAlerts.HeroinAtKorday("KAZ");
                request.Alert.Distribution = distribution;
                if (distribution == Distribution.Addressed)
                {
                    request.Alert.AddressedCountries.Add("KGZ");
                    request.Alert.AddressedCountries.Add("TUR");
                }
                request.Alert.HandlingCode = HandlingCode.H2;
                Posted[distribution] = (await kazakh.PostAlertAsync(request, cancellationToken: ct)).Alert;
                FanOut[distribution] = Hub.Services.GetRequiredService<AccessPolicy>().EntitledCountries(global::Hub.Server.Alerts.AlertMapping.AccessOf(Posted[distribution]));
            }
            var last = SampleAlerts.HeroinAtKorday("KAZ");
            last.Alert.Distribution = Distribution.MembersAndObservers;
            everybody.MergeFrom((await kazakh.PostAlertAsync(last, cancellationToken: ct)).Alert);

            foreach (var (caller, call) in streams)
            {
                if (caller == "admin")
                {
                    continue;
                }
                while (await call.ResponseStream.MoveNext(ct).WaitAsync(Eventually.DefaultTimeout, ct))
                {
                    var id = call.ResponseStream.Current.Alert.Id;
                    Streamed[caller].Add(id);
                    if (id == everybody.Id)
                    {
                        break;
                    }
                }
            }
            foreach (var caller in Matrix.Keys.Where(c => c != "admin"))
            {
                await lastSeen[caller + "/feed"].Task.WaitAsync(Eventually.DefaultTimeout, ct);
            }
            // The admin is pushed nothing: by the time every reader has the last alert, the
            // admin's feed and stream would have had the earlier ones.
            Assert.Empty(Pushed["admin"]);
            Streamed["admin"] = [];
            streams["admin"].Dispose();

            foreach (var caller in Matrix.Keys)
            {
                Replayed[caller] = await ReplayAsync(caller, everybody, ct);
            }
            foreach (var call in streams.Values)
            {
                call.Dispose();
            }
            foreach (var feed in feeds)
            {
                await feed.DisposeAsync();
            }
        }

        private async Task<HashSet<string>> ReplayAsync(string caller, SeizureAlert everybody, CancellationToken ct)
        {
            // A replay ends at the last alert for readers; the admin's (empty) replay is checked
            // through ListAlerts, which runs the same query.
            var ids = new HashSet<string>();
            if (caller == "admin")
            {
                var list = await Hub.CreateAlertsClient(_tokens[caller]).ListAlertsAsync(new ListAlertsRequest(), cancellationToken: ct);
                ids.UnionWith(list.Alerts.Select(a => a.Id));
                return ids;
            }
            using var call = Hub.CreateAlertsClient(_tokens[caller]).WatchAlerts(new WatchAlertsRequest { AfterSequence = 0 }, cancellationToken: ct);
            while (await call.ResponseStream.MoveNext(ct).WaitAsync(Eventually.DefaultTimeout, ct))
            {
                ids.Add(call.ResponseStream.Current.Alert.Id);
                if (call.ResponseStream.Current.Alert.Id == everybody.Id)
                {
                    break;
                }
            }
            return ids;
        }

        public async ValueTask DisposeAsync() => await Hub.DisposeAsync();
    }
}
