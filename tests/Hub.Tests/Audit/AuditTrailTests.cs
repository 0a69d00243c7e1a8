using System.Net.Http.Headers;
using System.Net.Http.Json;
using Grpc.Core;
using Hub.Client;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Audit;
using Hub.Server.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;

namespace Hub.Tests.Audit;

public sealed class AuditTrailTests(HubFactory hub) : IClassFixture<HubFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_post_is_recorded_with_who_what_and_through_which_channel_in_its_transaction()
    {
        var posted = await (await hub.AgencyAlertsClientAsync("KAZ")).PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct);

        var entry = await hub.WithDbAsync(db => db.AuditTrail.AsNoTracking().SingleAsync(e => e.Action == "alert.post" && e.RecordId == posted.Alert.Id));

        Assert.Equal("agency-kaz", entry.Actor);
        Assert.Equal("KAZ", entry.ActorCountry);
        Assert.Equal("agency-kaz", entry.ClientId);
        Assert.Equal("grpc", entry.Channel);
        Assert.Equal(AuditOutcomes.Allowed, entry.Outcome);
        Assert.Contains("DISTRIBUTION_MEMBERS", entry.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reads_and_refusals_are_recorded()
    {
        var posted = await (await hub.AgencyAlertsClientAsync("KAZ")).PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct);
        var observer = hub.CreateAlertsClient(await hub.PersonTokenAsync("observer.tur"));
        var operatorClient = await hub.OperatorAlertsClientAsync();

        await Assert.ThrowsAsync<RpcException>(() => observer.GetAlertAsync(new GetAlertRequest { Id = posted.Alert.Id }, cancellationToken: Ct).ResponseAsync);
        await operatorClient.GetAlertAsync(new GetAlertRequest { Id = posted.Alert.Id }, cancellationToken: Ct);
        // Anonymous refusals of one address are written once per window, then counted: close
        // the window the class's earlier tests opened, so that this one is written in full.
        await hub.Services.GetRequiredService<AnonymousRefusals>().FlushAsync(hub.Services.GetRequiredService<GroupCommit>(), all: true, Ct);
        await Assert.ThrowsAsync<RpcException>(() => hub.CreateAlertsClient(null).ListAlertsAsync(new ListAlertsRequest(), cancellationToken: Ct).ResponseAsync);

        var reads = await hub.WithDbAsync(db => db.AuditTrail.AsNoTracking().Where(e => e.RecordId == posted.Alert.Id && e.Action == "alert.read").ToListAsync());
        Assert.Contains(reads, e => e.ActorCountry == "TUR" && e.Outcome == AuditOutcomes.Denied);
        Assert.Contains(reads, e => e.ActorCountry == "CARICC" && e.Outcome == AuditOutcomes.Allowed);
        Assert.True(await hub.WithDbAsync(db => db.AuditTrail.AnyAsync(e => e.Action == "access.unauthenticated" && e.Detail!.Contains("ListAlerts"))));
    }

    [Fact]
    public async Task The_chain_holds_and_a_tampered_entry_is_named()
    {
        // Its own hub: the other tests of this class need an intact chain.
        using var hub = new HubFactory();
        var kazakh = await hub.AgencyAlertsClientAsync("KAZ");
        for (var i = 0; i < 3; i++)
        {
            await kazakh.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct);
        }
        var admin = new Admin.AdminClient(hub.CreateGrpcChannel(await hub.PersonTokenAsync("admin")));
        var before = await admin.VerifyAuditTrailAsync(new VerifyAuditTrailRequest(), cancellationToken: Ct);
        Assert.True(before.Intact, before.Reason);
        var victim = await hub.WithDbAsync(db => db.AuditTrail.Where(e => e.Action == "alert.post").OrderBy(e => e.Sequence).Select(e => e.Sequence).FirstAsync());

        // Someone with database access softens what was recorded.
        await hub.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE AuditTrail SET Detail = 'nothing to see' WHERE Sequence = {victim}"));

        var after = await admin.VerifyAuditTrailAsync(new VerifyAuditTrailRequest(), cancellationToken: Ct);
        Assert.False(after.Intact);
        Assert.Equal(victim, after.FirstBrokenSequence);
        Assert.Contains($"entry {victim}: content does not match its MAC (changed, or rewritten without the audit key)", after.Problems);

        using var http = hub.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/audit/verify");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await hub.PersonTokenAsync("admin"));
        using var response = await http.SendAsync(request, Ct);
        var body = await response.Content.ReadFromJsonAsync<AuditVerification>(Ct);
        Assert.Equal(victim, body!.FirstBrokenSequence);
    }

    [Fact]
    public async Task A_removed_entry_is_named()
    {
        using var isolated = new HubFactory();
        var kazakh = await isolated.AgencyAlertsClientAsync("KAZ");
        for (var i = 0; i < 3; i++)
        {
            await kazakh.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct);
        }
        var missing = await isolated.WithDbAsync(db => db.AuditTrail.Where(e => e.Action == "alert.post").OrderByDescending(e => e.Sequence).Select(e => e.Sequence).FirstAsync());

        await isolated.WithDbAsync(db => db.Database.ExecuteSqlAsync($"DELETE FROM AuditTrail WHERE Sequence = {missing}"));

        var result = await isolated.VerifyAuditAsync();
        Assert.False(result.Intact);
        Assert.Equal(missing, result.FirstBrokenSequence);
    }

    [Fact]
    public async Task Only_admins_verify()
    {
        var analyst = new Admin.AdminClient(hub.CreateGrpcChannel(await hub.PersonTokenAsync("analyst")));

        var ex = await Assert.ThrowsAsync<RpcException>(() => analyst.VerifyAuditTrailAsync(new VerifyAuditTrailRequest(), cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        using var http = hub.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/audit/verify");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await hub.PersonTokenAsync("analyst"));
        using var response = await http.SendAsync(request, Ct);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
