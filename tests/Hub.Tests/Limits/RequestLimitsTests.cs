using Hub.Server.Alerts;
using System.Net;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Hub.Client;
using Hub.Contracts.V1;

namespace Hub.Tests.Limits;

/// <summary>A hub whose clients may make two calls, then one a second.</summary>
public sealed class TightlyLimitedHub : HubFactory
{
    protected override IEnumerable<(string Key, string Value)> ExtraSettings =>
        [("Hub:RateLimit:PermitsPerSecond", "1"), ("Hub:RateLimit:Burst", "2")];
}

public sealed class RequestLimitsTests(TightlyLimitedHub hub) : IClassFixture<TightlyLimitedHub>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_client_over_its_rate_gets_RESOURCE_EXHAUSTED_and_others_are_not_affected()
    {
        // Tokens are fetched first: the token endpoint is rate limited per address, not per client.
        var kazakh = hub.CreateAlertsClient(await hub.AgencyTokenAsync("KAZ"));
        var kyrgyz = hub.CreateAlertsClient(await hub.AgencyTokenAsync("KGZ"));

        var outcomes = new List<StatusCode>();
        for (var i = 0; i < 4; i++)
        {
            var ex = await Record.ExceptionAsync(() => kazakh.ListAlertsAsync(new ListAlertsRequest(), cancellationToken: Ct).ResponseAsync);
            outcomes.Add(ex is RpcException rpc ? rpc.StatusCode : StatusCode.OK);
        }

        Assert.Equal(StatusCode.OK, outcomes[0]);
        Assert.Contains(StatusCode.ResourceExhausted, outcomes);
        Assert.Null(await Record.ExceptionAsync(() => kyrgyz.ListAlertsAsync(new ListAlertsRequest(), cancellationToken: Ct).ResponseAsync));
    }

}

/// <summary>Its own hub: anonymous HTTP calls share one bucket per address with the token endpoint.</summary>
public sealed class HttpRateLimitTests(TightlyLimitedHub hub) : IClassFixture<TightlyLimitedHub>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Over_its_rate_an_HTTP_client_gets_429_with_a_problem_document()
    {
        using var http = hub.CreateClient();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 5 && limited is null; i++)
        {
            var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative), Ct);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.True(limited.Headers.RetryAfter is not null);
        limited.Dispose();
    }
}

public sealed class MessageSizeTests(HubFactory hub) : IClassFixture<HubFactory>
{
    [Fact]
    public async Task An_oversized_request_is_refused_and_stores_nothing()
    {
        var client = await hub.AgencyAlertsClientAsync("KAZ");
        var request = SampleAlerts.HeroinAtKorday("KAZ");
        request.Alert.Summary = new string('x', 2 * 1024 * 1024);

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.PostAlertAsync(request, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal(0, await hub.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Set<AlertRecord>())));
    }
}
