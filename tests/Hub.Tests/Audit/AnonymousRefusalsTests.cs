using System.Net;
using Hub.Server.Access;
using Hub.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Tests.Audit;

/// <summary>
/// Anonymous refusals cannot grow the audit trail at will (issue 13): each used to write a row
/// with up to ~7 KB of the attacker's path.
/// </summary>
public sealed class AnonymousRefusalsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task Three_hundred_anonymous_requests_with_long_smuggled_paths_write_two_short_rows()
    {
        using var hub = new HubFactory();
        using var http = hub.CreateClient();
        var smuggled = "/api/v1/alerts/" + string.Concat(Enumerable.Repeat("%E2%80%AE%0Aevil", 500));
        var before = await hub.WithDbAsync(db => db.AuditTrail.CountAsync(Ct));

        for (var i = 0; i < 300; i++)
        {
            using var answer = await http.GetAsync(smuggled + i, Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        }
        await hub.Services.GetRequiredService<AnonymousRefusals>().FlushAsync(hub.Services.GetRequiredService<GroupCommit>(), all: true, Ct);

        var rows = await hub.WithDbAsync(db => db.AuditTrail.AsNoTracking().OrderBy(e => e.Sequence).Skip(before).Where(e => e.Action == "access.unauthenticated").ToListAsync(Ct));
        Assert.Equal(2, rows.Count);
        Assert.True(rows[0].Detail!.StartsWith("GET /api/v1/alerts/\\u202e\\u000aevil", StringComparison.Ordinal), rows[0].Detail);
        Assert.StartsWith("299 further refusals from ", rows[1].Detail, StringComparison.Ordinal);
        Assert.All(rows, r => Assert.True(r.Detail!.Length < 800, $"{r.Detail!.Length} characters"));
        Assert.All(rows, r => Assert.DoesNotContain('\n', r.Detail!));
        Assert.All(rows, r => Assert.DoesNotContain('\u202e', r.Detail!));
    }

    [Fact]
    public void Each_address_gets_a_row_per_window_and_beyond_the_bound_they_share_one()
    {
        var clock = new Clock();
        var refusals = new AnonymousRefusals(clock);

        Assert.NotNull(refusals.Refused("http", "access.unauthenticated", "198.51.100.1", "GET", "/a"));
        Assert.Null(refusals.Refused("http", "access.unauthenticated", "198.51.100.1", "GET", "/b"));
        Assert.NotNull(refusals.Refused("http", "access.unauthenticated", "198.51.100.2", "GET", "/a"));
        Assert.Empty(refusals.Drain());

        clock.Now += AnonymousRefusals.Window;
        var summaries = refusals.Drain();
        Assert.Equal(["1 further refusals from 198.51.100.1 since 2026-12-03T09:00:00Z: GET /b"], summaries.Select(s => s.Detail));
        Assert.NotNull(refusals.Refused("http", "access.unauthenticated", "198.51.100.1", "GET", "/c"));

        for (var i = 0; i < AnonymousRefusals.MaxAddresses + 50; i++)
        {
            refusals.Refused("grpc", "access.unauthenticated", $"10.{i / 65536}.{i / 256 % 256}.{i % 256}", "POST", "/x");
        }
        var all = refusals.Drain(all: true);
        // 198.51.100.1 holds one place: 9,999 addresses get their own, the other 51 share one row and its count.
        Assert.Contains(all, s => s.Detail!.StartsWith("50 further refusals from other addresses", StringComparison.Ordinal));
        Assert.Empty(refusals.Drain(all: true));
    }
}
