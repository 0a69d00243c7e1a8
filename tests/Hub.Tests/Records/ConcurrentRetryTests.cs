using Google.Protobuf;
using Hub.Client;
using Hub.Contracts.V1;
using Hub.Tests.Cases;
using Hub.Tests.Deliveries;
using Microsoft.EntityFrameworkCore;

namespace Hub.Tests.Records;

/// <summary>
/// Every write RPC of cases, deliveries and admin, called by several clients at once with one
/// idempotency key: one change is made (one audit entry of its action), and every caller gets
/// the same answer, byte for byte.
/// </summary>
public sealed class ConcurrentRetryTests(HubFactory hub) : IClassFixture<HubFactory>
{
    private const int Callers = 6;
    private readonly CaseTestKit _cases = new(hub);
    private readonly DeliveryTestKit _deliveries = new(hub);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> WriteRpcs() =>
    [
        "Cases.OpenCase", "Cases.Invite", "Cases.AcceptInvitation", "Cases.CloseCase", "Cases.RemoveParticipant", "Cases.PostMessage",
        "Cases.MarkRead", "Cases.Acknowledge", "Cases.Forward", "Cases.DecideForward",
        "Deliveries.Propose", "Deliveries.Respond", "Deliveries.Start", "Deliveries.ReportPosition", "Deliveries.OfferHandover",
        "Deliveries.TakeOver", "Deliveries.Complete", "Deliveries.Abort",
        "Admin.CreatePerson", "Admin.DisablePerson", "Admin.CreateAgencyClient", "Admin.DisableAgencyClient", "Admin.SetCountryStatus",
        "Admin.ApprovePerson", "Admin.ApproveAgencyClient",
    ];

    [Theory]
    [MemberData(nameof(WriteRpcs))]
    public async Task Concurrent_retries_with_one_key_make_one_change_and_get_one_answer(string rpc)
    {
        var key = "retry-" + Guid.NewGuid().ToString("N")[..24];
        var (action, call) = await PrepareAsync(rpc, key);
        // Nullable: xunit orders the rows by an id that depends on where the build lives, so the
        // first row may find an empty trail (PrepareAsync of a create writes nothing).
        var before = await hub.WithDbAsync(db => db.AuditTrail.MaxAsync(e => (long?)e.Sequence, Ct)) ?? 0;

        var answers = await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(call, Ct)));

        var bytes = answers.Select(a => Convert.ToBase64String(a.ToByteArray())).Distinct().ToList();
        Assert.Single(bytes);
        var made = await hub.WithDbAsync(db => db.AuditTrail.AsNoTracking().CountAsync(e => e.Sequence > before && e.Action == action && e.Outcome == "allowed", Ct));
        Assert.Equal(1, made);
        var retries = await hub.WithDbAsync(db => db.AuditTrail.AsNoTracking().CountAsync(e => e.Sequence > before && e.Action.EndsWith("-retry"), Ct));
        Assert.Equal(Callers - 1, retries);
    }

    private async Task<(string Action, Func<Task<IMessage>> Call)> PrepareAsync(string rpc, string key)
    {
        var kaz = await _cases.AsAsync("liaison.kaz");
        var kgz = await _cases.AsAsync("liaison.kgz");
        var admin = new Admin.AdminClient(hub.CreateGrpcChannel(await hub.PersonTokenAsync("admin")));
        switch (rpc)
        {
            case "Cases.OpenCase":
                var open = new OpenCaseRequest { IdempotencyKey = key, Title = "Precursors via Khorgos", OwnerCountry = "KAZ", InvitedCountries = { "KGZ" } };
                return ("case.open", async () => await kaz.OpenCaseAsync(open, cancellationToken: Ct));
            case "Cases.Invite":
            {
                var c = await _cases.OpenAcceptedAsync("KAZ");
                return ("case.invite", async () => await kaz.InviteAsync(new InviteRequest { CaseId = c.Id, Countries = { "TJK" }, IdempotencyKey = key }, cancellationToken: Ct));
            }
            case "Cases.AcceptInvitation":
            {
                var c = await kaz.OpenCaseAsync(new OpenCaseRequest { IdempotencyKey = CaseTestKit.Key(), Title = "Invitation", OwnerCountry = "KAZ", InvitedCountries = { "KGZ" } }, cancellationToken: Ct);
                return ("case.accept", async () => await kgz.AcceptInvitationAsync(new CaseRef { CaseId = c.Id, IdempotencyKey = key }, cancellationToken: Ct));
            }
            case "Cases.CloseCase":
            {
                var c = await _cases.OpenAcceptedAsync("KAZ", "KGZ");
                return ("case.close", async () => await kaz.CloseCaseAsync(new CaseRef { CaseId = c.Id, IdempotencyKey = key }, cancellationToken: Ct));
            }
            case "Cases.RemoveParticipant":
            {
                var c = await _cases.OpenAcceptedAsync("KAZ", "KGZ");
                return ("case.remove-participant", async () => await kaz.RemoveParticipantAsync(new RemoveParticipantRequest { CaseId = c.Id, Country = "KGZ", Reason = "closed nationally", IdempotencyKey = key }, cancellationToken: Ct));
            }
            case "Cases.PostMessage":
            {
                var c = await _cases.OpenAcceptedAsync("KAZ", "KGZ");
                var post = CaseTestKit.Rfi(c.Id, "KGZ");
                post.IdempotencyKey = key;
                return ("message.post", async () => await kaz.PostMessageAsync(post, cancellationToken: Ct));
            }
            case "Cases.MarkRead" or "Cases.Acknowledge":
            {
                var c = await _cases.OpenAcceptedAsync("KAZ", "KGZ");
                var m = await kaz.PostMessageAsync(CaseTestKit.Rfi(c.Id, "KGZ"), cancellationToken: Ct);
                var reference = new MessageRef { MessageId = m.Id, IdempotencyKey = key };
                return rpc == "Cases.MarkRead"
                    ? ("message.mark-read", async () => await kgz.MarkReadAsync(reference, cancellationToken: Ct))
                    : ("message.acknowledge", async () => await kgz.AcknowledgeAsync(reference, cancellationToken: Ct));
            }
            case "Cases.Forward" or "Cases.DecideForward":
            {
                var c = await _cases.OpenAcceptedAsync("KAZ", "KGZ");
                var m = await kaz.PostMessageAsync(CaseTestKit.Rfi(c.Id, "KGZ"), cancellationToken: Ct);
                var forward = new ForwardRequest { MessageId = m.Id, Countries = { "TJK" }, Reason = "the truck is Tajik", IdempotencyKey = rpc == "Cases.Forward" ? key : "" };
                if (rpc == "Cases.Forward")
                {
                    return ("message.forward-requested", async () => await kgz.ForwardAsync(forward, cancellationToken: Ct));
                }
                var pending = await kgz.ForwardAsync(forward, cancellationToken: Ct);
                return ("message.forward-decided", async () => await kaz.DecideForwardAsync(new DecideForwardRequest { ForwardId = pending.ForwardId, Approve = true, IdempotencyKey = key }, cancellationToken: Ct));
            }
            case "Deliveries.Propose":
            {
                var propose = DeliveryTestKit.Route("TJK", "KGZ", "KAZ");
                propose.IdempotencyKey = key;
                var tjk = await _deliveries.AsAsync("TJK");
                return ("delivery.propose", async () => await tjk.ProposeAsync(propose, cancellationToken: Ct));
            }
            case "Deliveries.Respond":
            {
                var d = await (await _deliveries.AsAsync("TJK")).ProposeAsync(DeliveryTestKit.Route("TJK", "KGZ", "KAZ"), cancellationToken: Ct);
                var k = await _deliveries.AsAsync("KGZ");
                return ("delivery.respond", async () => await k.RespondAsync(new RespondRequest { DeliveryId = d.Id, Accept = true, IdempotencyKey = key }, cancellationToken: Ct));
            }
            case "Deliveries.Start":
            {
                var tjk = await _deliveries.AsAsync("TJK");
                var d = await tjk.ProposeAsync(DeliveryTestKit.Route("TJK", "KGZ"), cancellationToken: Ct);
                await (await _deliveries.AsAsync("KGZ")).RespondAsync(new RespondRequest { DeliveryId = d.Id, Accept = true }, cancellationToken: Ct);
                return ("delivery.start", async () => await tjk.StartAsync(new DeliveryRef { DeliveryId = d.Id, IdempotencyKey = key }, cancellationToken: Ct));
            }
            case "Deliveries.ReportPosition" or "Deliveries.OfferHandover" or "Deliveries.Abort":
            {
                var d = await _deliveries.ActiveAsync("TJK", "KGZ");
                var tjk = await _deliveries.AsAsync("TJK");
                return rpc switch
                {
                    "Deliveries.ReportPosition" => ("delivery.position", async () => await tjk.ReportPositionAsync(
                        new ReportPositionRequest { DeliveryId = d.Id, Kind = "checkpoint", Text = "Passed Dushanbe", IdempotencyKey = key }, cancellationToken: Ct)),
                    "Deliveries.OfferHandover" => ("delivery.offer-handover", async () => await tjk.OfferHandoverAsync(new DeliveryRef { DeliveryId = d.Id, IdempotencyKey = key }, cancellationToken: Ct)),
                    _ => ("delivery.abort", async () => await tjk.AbortAsync(new AbortDeliveryRequest { DeliveryId = d.Id, Reason = "compromised", IdempotencyKey = key }, cancellationToken: Ct)),
                };
            }
            case "Deliveries.TakeOver" or "Deliveries.Complete":
            {
                var d = await _deliveries.ActiveAsync("TJK", "KGZ");
                await (await _deliveries.AsAsync("TJK")).OfferHandoverAsync(new DeliveryRef { DeliveryId = d.Id }, cancellationToken: Ct);
                var k = await _deliveries.AsAsync("KGZ");
                if (rpc == "Deliveries.TakeOver")
                {
                    return ("delivery.take-over", async () => await k.TakeOverAsync(new DeliveryRef { DeliveryId = d.Id, IdempotencyKey = key }, cancellationToken: Ct));
                }
                await k.TakeOverAsync(new DeliveryRef { DeliveryId = d.Id }, cancellationToken: Ct);
                var seizure = await (await hub.AgencyAlertsClientAsync("KGZ")).PostAlertAsync(SampleAlerts.HeroinAtKorday("KGZ"), cancellationToken: Ct);
                return ("delivery.complete", async () => await k.CompleteAsync(new CompleteDeliveryRequest { DeliveryId = d.Id, SeizureAlertId = seizure.Alert.Id, IdempotencyKey = key }, cancellationToken: Ct));
            }
            case "Admin.CreatePerson":
            {
                var name = "officer." + Guid.NewGuid().ToString("N")[..8];
                var create = new CreatePersonRequest { UserName = name, DisplayName = "Duty officer", Country = "KGZ", Password = "Hub-test-password-1", Roles = { "liaison_officer" }, IdempotencyKey = key };
                return ("person.create", async () => await admin.CreatePersonAsync(create, cancellationToken: Ct));
            }
            case "Admin.DisablePerson":
            {
                var name = "officer." + Guid.NewGuid().ToString("N")[..8];
                await admin.CreatePersonAsync(new CreatePersonRequest { UserName = name, DisplayName = "Duty officer", Country = "KGZ", Password = "Hub-test-password-1", Roles = { "liaison_officer" } }, cancellationToken: Ct);
                return ("person.disable", async () => await admin.DisablePersonAsync(new DisablePersonRequest { UserName = name, IdempotencyKey = key }, cancellationToken: Ct));
            }
            case "Admin.CreateAgencyClient":
            {
                var create = new CreateAgencyClientRequest { ClientId = "agency-kgz-" + Guid.NewGuid().ToString("N")[..8], DisplayName = "Customs", Country = "KGZ", IdempotencyKey = key };
                return ("client.create", async () => await admin.CreateAgencyClientAsync(create, cancellationToken: Ct));
            }
            case "Admin.DisableAgencyClient":
            {
                var id = "agency-kgz-" + Guid.NewGuid().ToString("N")[..8];
                await admin.CreateAgencyClientAsync(new CreateAgencyClientRequest { ClientId = id, DisplayName = "Customs", Country = "KGZ" }, cancellationToken: Ct);
                return ("client.disable", async () => await admin.DisableAgencyClientAsync(new DisableAgencyClientRequest { ClientId = id, IdempotencyKey = key }, cancellationToken: Ct));
            }
            case "Admin.ApprovePerson":
            {
                var name = "officer." + Guid.NewGuid().ToString("N")[..8];
                await admin.CreatePersonAsync(new CreatePersonRequest { UserName = name, DisplayName = "Duty officer", Country = "KGZ", Password = "Hub-test-password-1", Roles = { "liaison_officer" } }, cancellationToken: Ct);
                var second = await Administration.Approved.AdminAsync(hub, "admin2");
                return ("person.approve", async () => await second.ApprovePersonAsync(new ApprovePersonRequest { UserName = name, IdempotencyKey = key }, cancellationToken: Ct));
            }
            case "Admin.ApproveAgencyClient":
            {
                var id = "agency-kgz-" + Guid.NewGuid().ToString("N")[..8];
                await admin.CreateAgencyClientAsync(new CreateAgencyClientRequest { ClientId = id, DisplayName = "Customs", Country = "KGZ" }, cancellationToken: Ct);
                var second = await Administration.Approved.AdminAsync(hub, "admin2");
                return ("client.approve", async () => await second.ApproveAgencyClientAsync(new ApproveAgencyClientRequest { ClientId = id, IdempotencyKey = key }, cancellationToken: Ct));
            }
            case "Admin.SetCountryStatus":
                return ("directory.set-status", async () => await admin.SetCountryStatusAsync(
                    new SetCountryStatusRequest { Code = "POL", Status = ParticipantStatus.Observer, Note = "observer since " + key, IdempotencyKey = key }, cancellationToken: Ct));
            default:
                throw new ArgumentOutOfRangeException(nameof(rpc), rpc, "no such write RPC");
        }
    }
}
