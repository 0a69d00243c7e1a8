using Grpc.Core;
using Hub.Client;
using Hub.Contracts.V1;
using Hub.Server.Matching;
using Hub.Tests.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hub.Tests.Matching;

/// <summary>
/// Rotating the matching key: the old key stays known for lookups while the re-key pass
/// reads each record again and rewrites its rows under the new key; checks hit throughout.
/// </summary>
public sealed class MatchKeyRotationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<CheckResult> CheckAsync(HubFactory hub, string phone) =>
        (await new Matches.MatchesClient(hub.CreateGrpcChannel(await hub.AgencyTokenAsync("KAZ"))).CheckAsync(new CheckRequest
        {
            Identifiers = { new Identifier { Kind = IdentifierKind.PhoneNumber, Value = phone } },
            Purpose = "rotation",
        }, cancellationToken: Ct)).Results.Single();

    [Fact]
    public async Task Checks_hit_before_during_and_after_a_rotation_and_every_row_ends_under_the_new_key()
    {
        var (oldKey, newKey) = (AuditHub.NewKey(), AuditHub.NewKey());
        var auditKey = AuditHub.NewKey();
        using var before = new AuditHub(auditKey: auditKey, settings: [("Hub:Matching:Key", oldKey)]);
        const string phone = "+996555987654";
        var request = SampleAlerts.HeroinAtKorday("KGZ");
        request.Alert.Distribution = Distribution.Originator;
        request.Alert.Identifiers.Clear();
        request.Alert.Identifiers.Add(new Identifier { Kind = IdentifierKind.PhoneNumber, Value = phone });
        await (await before.AgencyAlertsClientAsync("KGZ")).PostAlertAsync(request, cancellationToken: Ct);
        Assert.True((await CheckAsync(before, phone)).Hit);

        // Restarted with the new key current and the old one retired.
        using var rotated = new AuditHub(before.DataDirectory, auditKey, settings: [("Hub:Matching:Key", newKey), ("Hub:Matching:PreviousKeys:0", oldKey)]) { First = before };
        Assert.True((await CheckAsync(rotated, phone)).Hit);

        var pass = rotated.Services.GetServices<IHostedService>().OfType<MatchRekeyPass>().Single();
        while (await pass.RekeyAsync(Ct) > 0)
        {
        }
        var current = rotated.Services.GetRequiredService<MatchKeyring>().Current.Id;
        var keyIds = await rotated.WithDbAsync(db => db.Set<MatchKeyRow>().Select(r => r.KeyId).Distinct().ToListAsync(Ct));
        Assert.Equal([current], keyIds);
        Assert.True((await CheckAsync(rotated, phone)).Hit);

        // The old key can now go: a hub knowing only the new one still finds the record.
        using var after = new AuditHub(before.DataDirectory, auditKey, settings: [("Hub:Matching:Key", newKey)]) { First = before };
        var hit = await CheckAsync(after, phone);
        Assert.True(hit.Hit);
        Assert.Equal(["KGZ"], hit.OwnerCountries);
        var refused = await Assert.ThrowsAsync<RpcException>(() => new Matches.MatchesClient(after.CreateGrpcChannel(null))
            .CheckAsync(new CheckRequest { Purpose = "x", Identifiers = { new Identifier { Kind = IdentifierKind.PhoneNumber, Value = phone } } }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }
}
