using Grpc.Core;
using Hub.Client;
using Hub.Contracts.V1;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Hub.Tests.Access;

/// <summary>
/// Who manages accounts reads no records: an admin once made himself an admin+operator
/// account and read everything through it. Refused at creation, and — for a role given
/// behind the hub's back in the database — by the access policy.
/// </summary>
public sealed class SeparationOfDutiesTests(HubFactory hub) : IClassFixture<HubFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("operator")]
    [InlineData("analyst")]
    public async Task An_account_both_admin_and_a_record_reader_is_refused(string reader)
    {
        var admin = new Admin.AdminClient(hub.CreateGrpcChannel(await hub.PersonTokenAsync("admin")));
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await admin.CreatePersonAsync(new CreatePersonRequest
        {
            UserName = "both." + reader, DisplayName = "Both", Country = "CARICC", Password = "Hub-test-password-1", Roles = { "admin", reader },
        }, cancellationToken: Ct));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.StartsWith("roles: ", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await hub.WithDbAsync(db => db.Users.CountAsync(u => u.UserName == "both." + reader, Ct)));
    }

    [Fact]
    public async Task An_admin_given_a_reading_role_in_the_database_reads_nothing_and_administers_nothing()
    {
        var posted = await (await hub.AgencyAlertsClientAsync("KAZ")).PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct);
        // A second admin, so that the development admin the other tests use stays as it is.
        await Administration.Approved.CreatePersonAsync(hub, new CreatePersonRequest
        {
            UserName = "admin.insider", DisplayName = "Insider", Country = "CARICC", Password = "Hub-test-password-1", Roles = { "admin" },
        }, Ct);
        await hub.WithDbAsync(async db =>
        {
            var user = await db.Users.SingleAsync(u => u.UserName == "admin.insider", Ct);
            var role = await db.Roles.SingleAsync(r => r.Name == "operator", Ct);
            db.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = role.Id });
            return await db.SaveChangesAsync(Ct);
        });
        var token = await HubAuth.AuthorizationCodeAsync(hub, "admin.insider", "Hub-test-password-1");

        var read = await Assert.ThrowsAsync<RpcException>(async () => await hub.CreateAlertsClient(token).GetAlertAsync(new GetAlertRequest { Id = posted.Alert.Id }, cancellationToken: Ct));
        Assert.Equal(StatusCode.NotFound, read.StatusCode);
        var administer = await Assert.ThrowsAsync<RpcException>(async () => await new Admin.AdminClient(hub.CreateGrpcChannel(token))
            .ListCountriesAsync(new ListCountriesRequest(), cancellationToken: Ct));
        Assert.Equal(StatusCode.PermissionDenied, administer.StatusCode);
    }
}
