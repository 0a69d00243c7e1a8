using Grpc.Core;
using Hub.Client;
using Hub.Contracts.V1;
using Microsoft.EntityFrameworkCore;
using Hub.Testing;

namespace Hub.Tests.Administration;

/// <summary>
/// Four eyes on accounts (issue 13): one admin asks, another approves; until then the account
/// signs in to nothing and gets no token. Admins asked for are no exception, or one admin
/// could make a puppet second admin and approve through it.
/// </summary>
public sealed class FourEyesTests(HubFactory hub) : IClassFixture<HubFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Password = "Hub-test-password-1";

    private Task<string> SubjectOfAsync(string userName) =>
        hub.WithDbAsync(db => db.Users.Where(u => u.UserName == userName).Select(u => u.Id).SingleAsync(Ct));

    private async Task<bool> SignsInAsync(string userName)
    {
        var failure = await Record.ExceptionAsync(() => HubAuth.AuthorizationCodeAsync(hub, userName, Password));
        return failure is null;
    }

    [Fact]
    public async Task A_person_one_admin_asks_for_signs_in_only_once_another_admin_approves()
    {
        var first = await Approved.AdminAsync(hub, "admin");
        var asked = await first.CreatePersonAsync(new CreatePersonRequest
        {
            UserName = "liaison.kgz.night", DisplayName = "Night duty, KGZ", Country = "KGZ", Password = Password, Roles = { "liaison_officer" },
        }, cancellationToken: Ct);

        Assert.True(asked.AwaitingApproval);
        Assert.True(asked.Disabled);
        Assert.Equal(await SubjectOfAsync("admin"), asked.RequestedBy);
        Assert.False(await SignsInAsync("liaison.kgz.night"));

        var own = await Assert.ThrowsAsync<RpcException>(async () => await first.ApprovePersonAsync(new ApprovePersonRequest { UserName = "liaison.kgz.night" }, cancellationToken: Ct));
        Assert.Equal(StatusCode.PermissionDenied, own.StatusCode);
        Assert.Contains("four eyes", own.Status.Detail, StringComparison.Ordinal);
        Assert.False(await SignsInAsync("liaison.kgz.night"));

        var second = await Approved.AdminAsync(hub, "admin2");
        var waiting = await second.ListAwaitingApprovalAsync(new ListAwaitingApprovalRequest(), cancellationToken: Ct);
        Assert.Contains(waiting.People, p => p.UserName == "liaison.kgz.night" && p.Roles.SequenceEqual(["liaison_officer"]));

        var approved = await second.ApprovePersonAsync(new ApprovePersonRequest { UserName = "liaison.kgz.night" }, cancellationToken: Ct);

        Assert.False(approved.AwaitingApproval);
        Assert.False(approved.Disabled);
        Assert.True(await SignsInAsync("liaison.kgz.night"));
        var admin2 = await SubjectOfAsync("admin2");
        var audited = await hub.WithDbAsync(db => db.AuditTrail.AsNoTracking()
            .Where(e => e.Action == "person.approve" && e.RecordId == asked.Id).Select(e => new { e.Actor, e.Outcome, e.Detail }).ToListAsync(Ct));
        Assert.Contains(audited, e => e.Actor == admin2 && e.Outcome == "allowed" && e.Detail!.Contains("asked for by " + asked.RequestedBy, StringComparison.Ordinal));
        Assert.Contains(audited, e => e.Outcome == "denied");
        Assert.DoesNotContain((await second.ListAwaitingApprovalAsync(new ListAwaitingApprovalRequest(), cancellationToken: Ct)).People, p => p.UserName == "liaison.kgz.night");
    }

    [Fact]
    public async Task An_admin_one_admin_asks_for_awaits_approval_too_and_approves_nothing_meanwhile()
    {
        var first = await Approved.AdminAsync(hub, "admin");
        await first.CreatePersonAsync(new CreatePersonRequest { UserName = "puppet.admin", DisplayName = "Puppet", Country = "CARICC", Password = Password, Roles = { "admin" } }, cancellationToken: Ct);
        await first.CreatePersonAsync(new CreatePersonRequest { UserName = "operator.puppet", DisplayName = "Reader", Country = "CARICC", Password = Password, Roles = { "operator" } }, cancellationToken: Ct);

        // The puppet cannot sign in to approve the reader its maker asked for.
        Assert.False(await SignsInAsync("puppet.admin"));
        Assert.False(await SignsInAsync("operator.puppet"));
    }

    [Fact]
    public async Task An_agency_client_gets_no_token_until_another_admin_approves_it()
    {
        var first = await Approved.AdminAsync(hub, "admin");
        var created = await first.CreateAgencyClientAsync(new CreateAgencyClientRequest { ClientId = "tjk-customs", DisplayName = "Customs Service of Tajikistan", Country = "TJK" }, cancellationToken: Ct);

        Assert.True(created.Client.AwaitingApproval);
        var refused = await Assert.ThrowsAsync<TokenRefusedException>(() => HubAuth.ClientCredentialsAsync(hub, "tjk-customs", created.ClientSecret));
        Assert.Contains("invalid_client", refused.Message, StringComparison.Ordinal);
        var own = await Assert.ThrowsAsync<RpcException>(async () => await first.ApproveAgencyClientAsync(new ApproveAgencyClientRequest { ClientId = "tjk-customs" }, cancellationToken: Ct));
        Assert.Equal(StatusCode.PermissionDenied, own.StatusCode);
        var second = await Approved.AdminAsync(hub, "admin2");
        Assert.Contains((await second.ListAwaitingApprovalAsync(new ListAwaitingApprovalRequest(), cancellationToken: Ct)).Clients, c => c.ClientId == "tjk-customs" && c.Country == "TJK");

        var approved = await second.ApproveAgencyClientAsync(new ApproveAgencyClientRequest { ClientId = "tjk-customs" }, cancellationToken: Ct);

        Assert.False(approved.AwaitingApproval);
        var token = await HubAuth.ClientCredentialsAsync(hub, "tjk-customs", created.ClientSecret);
        var posted = await hub.CreateAlertsClient(token).PostAlertAsync(SampleAlerts.HeroinAtKorday("TJK"), cancellationToken: Ct);
        Assert.Equal("TJK", posted.Alert.Content.ReportingCountry);
    }

    [Fact]
    public async Task Approval_never_enables_a_refused_or_disabled_account()
    {
        var first = await Approved.AdminAsync(hub, "admin");
        var second = await Approved.AdminAsync(hub, "admin2");
        await first.CreatePersonAsync(new CreatePersonRequest { UserName = "refused.officer", DisplayName = "Refused", Country = "UZB", Password = Password, Roles = { "liaison_officer" } }, cancellationToken: Ct);
        await second.DisablePersonAsync(new DisablePersonRequest { UserName = "refused.officer" }, cancellationToken: Ct);
        await Approved.CreatePersonAsync(hub, new CreatePersonRequest { UserName = "left.officer", DisplayName = "Left", Country = "UZB", Password = Password, Roles = { "liaison_officer" } }, Ct);
        await first.DisablePersonAsync(new DisablePersonRequest { UserName = "left.officer" }, cancellationToken: Ct);

        foreach (var name in new[] { "refused.officer", "left.officer", "liaison.kaz" })
        {
            var ex = await Assert.ThrowsAsync<RpcException>(async () => await second.ApprovePersonAsync(new ApprovePersonRequest { UserName = name }, cancellationToken: Ct));
            Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
            Assert.StartsWith("user_name: ", ex.Status.Detail, StringComparison.Ordinal);
        }
        Assert.False(await SignsInAsync("refused.officer"));
        Assert.False(await SignsInAsync("left.officer"));
        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await second.ApproveAgencyClientAsync(new ApproveAgencyClientRequest { ClientId = "nobody-here" }, cancellationToken: Ct));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Only_admins_approve()
    {
        await (await Approved.AdminAsync(hub, "admin")).CreatePersonAsync(new CreatePersonRequest { UserName = "officer.asked", DisplayName = "Asked", Country = "AZE", Password = Password, Roles = { "liaison_officer" } }, cancellationToken: Ct);
        var operatorClient = new Admin.AdminClient(hub.CreateGrpcChannel(await hub.PersonTokenAsync("operator")));

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await operatorClient.ApprovePersonAsync(new ApprovePersonRequest { UserName = "officer.asked" }, cancellationToken: Ct));

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.False(await SignsInAsync("officer.asked"));
    }
}
