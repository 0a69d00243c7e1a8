using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Hub.Client;
using Hub.Contracts.V1;

namespace Hub.Tests.Alerts;

public sealed class ListAlertsTests(HubFactory hub) : IClassFixture<HubFactory>, IAsyncLifetime
{
    private SeizureAlerts.SeizureAlertsClient _client = null!;
    private static readonly DateTimeOffset Base = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);

    // 7 alerts: KAZ heroin on days 0..2, KGZ hashish on days 3..4, UZB opium on day 5, KAZ
    // hashish + heroin on day 6.
    public async ValueTask InitializeAsync()
    {
        _client = await hub.OperatorAlertsClientAsync();
        if ((await _client.ListAlertsAsync(new ListAlertsRequest())).Alerts.Count > 0)
        {
            return;
        }
        await Post("KAZ", 0, Substance.Heroin);
        await Post("KAZ", 1, Substance.Heroin);
        await Post("KAZ", 2, Substance.Heroin);
        await Post("KGZ", 3, Substance.Hashish);
        await Post("KGZ", 4, Substance.Hashish);
        await Post("UZB", 5, Substance.Opium);
        await Post("KAZ", 6, Substance.Hashish, Substance.Heroin);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task Post(string country, int day, params Substance[] substances)
    {
        var request = SampleAlerts.HeroinAtKorday(country);
        request.Alert.SeizedAt = Timestamp.FromDateTimeOffset(Base.AddDays(day));
        request.Alert.Items.Clear();
        foreach (var substance in substances)
        {
            request.Alert.Items.Add(new SeizedItem { Substance = substance, Quantity = 1, Unit = QuantityUnit.Kg });
        }
        await (await hub.AgencyAlertsClientAsync(country)).PostAlertAsync(request);
    }

    private async Task<List<SeizureAlert>> ListAll(ListAlertsRequest request)
    {
        var all = new List<SeizureAlert>();
        while (true)
        {
            var page = await _client.ListAlertsAsync(request, cancellationToken: TestContext.Current.CancellationToken);
            all.AddRange(page.Alerts);
            if (page.NextPageToken.Length == 0)
            {
                return all;
            }
            request = request.Clone();
            request.PageToken = page.NextPageToken;
        }
    }

    [Fact]
    public async Task Lists_newest_first()
    {
        var alerts = await ListAll(new ListAlertsRequest());

        Assert.Equal(7, alerts.Count);
        Assert.Equal(alerts.Select(a => a.Sequence).OrderDescending(), alerts.Select(a => a.Sequence));
    }

    [Fact]
    public async Task Pages_cover_everything_once()
    {
        var paged = await ListAll(new ListAlertsRequest { PageSize = 2 });
        var whole = await ListAll(new ListAlertsRequest());

        Assert.Equal(whole.Select(a => a.Id), paged.Select(a => a.Id));
        var firstPage = await _client.ListAlertsAsync(new ListAlertsRequest { PageSize = 2 }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(2, firstPage.Alerts.Count);
        Assert.NotEmpty(firstPage.NextPageToken);
    }

    [Fact]
    public async Task Filters_by_reporting_country()
    {
        var alerts = await ListAll(new ListAlertsRequest { ReportingCountry = "KGZ", PageSize = 1 });

        Assert.Equal(2, alerts.Count);
        Assert.All(alerts, a => Assert.Equal("KGZ", a.Content.ReportingCountry));
    }

    [Fact]
    public async Task Filters_by_substance_in_any_item()
    {
        var alerts = await ListAll(new ListAlertsRequest { Substance = Substance.Hashish });

        Assert.Equal(3, alerts.Count);
        Assert.All(alerts, a => Assert.Contains(a.Content.Items, i => i.Substance == Substance.Hashish));
    }

    [Fact]
    public async Task Filters_by_time_range_from_inclusive_to_exclusive()
    {
        var alerts = await ListAll(new ListAlertsRequest
        {
            SeizedFrom = Timestamp.FromDateTimeOffset(Base.AddDays(2)),
            SeizedTo = Timestamp.FromDateTimeOffset(Base.AddDays(5)),
        });

        Assert.Equal([Base.AddDays(4), Base.AddDays(3), Base.AddDays(2)], alerts.Select(a => a.Content.SeizedAt.ToDateTimeOffset()));
    }

    [Fact]
    public async Task Combines_filters()
    {
        var alerts = await ListAll(new ListAlertsRequest { ReportingCountry = "KAZ", Substance = Substance.Hashish });

        var only = Assert.Single(alerts);
        Assert.Equal(Base.AddDays(6), only.Content.SeizedAt.ToDateTimeOffset());
    }

    [Fact]
    public async Task Refuses_a_page_token_used_with_other_filters()
    {
        var page = await _client.ListAlertsAsync(new ListAlertsRequest { PageSize = 1 }, cancellationToken: TestContext.Current.CancellationToken);

        var ex = await Assert.ThrowsAsync<RpcException>(() => _client.ListAlertsAsync(
            new ListAlertsRequest { PageSize = 1, PageToken = page.NextPageToken, ReportingCountry = "KAZ" },
            cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.StartsWith("page_token: ", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("garbage!!")]
    [InlineData("MTIzNA")]
    public async Task Refuses_a_forged_page_token(string token)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _client.ListAlertsAsync(
            new ListAlertsRequest { PageToken = token }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.StartsWith("page_token: ", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1, "page_size")]
    [InlineData(201, "page_size")]
    public async Task Refuses_a_bad_page_size(int size, string field)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _client.ListAlertsAsync(
            new ListAlertsRequest { PageSize = size }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.StartsWith(field + ": ", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_an_empty_time_range()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _client.ListAlertsAsync(new ListAlertsRequest
        {
            SeizedFrom = Timestamp.FromDateTimeOffset(Base.AddDays(3)),
            SeizedTo = Timestamp.FromDateTimeOffset(Base.AddDays(3)),
        }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.StartsWith("seized_to: ", ex.Status.Detail, StringComparison.Ordinal);
    }
}
