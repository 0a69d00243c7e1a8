using Grpc.Core;
using Hub.Client;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Alerts;
using Hub.Server.Cases;
using Hub.Server.Deliveries;
using Hub.Tests.Cases;
using Hub.Tests.Deliveries;
using Hub.Tests.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Tests.Access;

/// <summary>
/// For records of every kind and callers of every role and country status, the policy's
/// in-memory rule, its database filters and what the channels deliver (reads, replayed
/// streams) agree. The records' access is read back from the database, as the hub does.
/// </summary>
public sealed class PolicyAgreementTests : IAsyncLifetime
{
    private readonly HubFactory _hub = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>person → (country, roles); TKM is made an applicant, UZB is removed from the case.</summary>
    private static readonly (string Person, string Country, string Role)[] Callers =
    [
        ("liaison.kaz", "KAZ", Roles.LiaisonOfficer), ("liaison.kgz", "KGZ", Roles.LiaisonOfficer), ("liaison.uzb", "UZB", Roles.LiaisonOfficer),
        ("liaison.tjk", "TJK", Roles.LiaisonOfficer), ("liaison.tkm", "TKM", Roles.LiaisonOfficer), ("observer.tur", "TUR", Roles.Observer),
        ("operator", "CARICC", Roles.Operator), ("analyst", "CARICC", Roles.Analyst), ("admin", "CARICC", Roles.Admin),
    ];

    private readonly List<SeizureAlert> _alerts = [];
    private Case _case = null!;
    private CaseMessage _message = null!;
    private ControlledDelivery _delivery = null!;

    public async ValueTask InitializeAsync()
    {
        var kaz = await _hub.AgencyAlertsClientAsync("KAZ");
        foreach (var distribution in new[] { Distribution.Originator, Distribution.Addressed, Distribution.Members, Distribution.MembersAndObservers })
        {
            var request = SampleAlerts.HeroinAtKorday("KAZ");
            request.IdempotencyKey = "agree-" + Guid.NewGuid().ToString("N")[..20];
            request.Alert.Distribution = distribution;
            if (distribution == Distribution.Addressed)
            {
                request.Alert.AddressedCountries.Add(["KGZ", "TUR"]);
            }
            _alerts.Add((await kaz.PostAlertAsync(request, cancellationToken: Ct)).Alert);
        }
        var cases = new CaseTestKit(_hub);
        var owner = await cases.AsAsync("liaison.kaz");
        _case = await cases.OpenAcceptedAsync("KAZ", "KGZ", "UZB");
        await owner.InviteAsync(new InviteRequest { CaseId = _case.Id, Countries = { "TUR" } }, cancellationToken: Ct);
        var rfi = CaseTestKit.Rfi(_case.Id, "KGZ", "UZB");
        rfi.Distribution = Distribution.MembersAndObservers;
        _message = await owner.PostMessageAsync(rfi, cancellationToken: Ct);
        await owner.RemoveParticipantAsync(new RemoveParticipantRequest { CaseId = _case.Id, Country = "UZB", Reason = "no longer concerned" }, cancellationToken: Ct);
        _delivery = await (await new DeliveryTestKit(_hub).AsAsync("TJK")).ProposeAsync(DeliveryTestKit.Route("TJK", "KGZ"), cancellationToken: Ct);
        var admin = new Admin.AdminClient(_hub.CreateGrpcChannel(await _hub.PersonTokenAsync("admin")));
        // Tokens first: an applicant's people still sign in, and must then see nothing.
        foreach (var (person, _, _) in Callers)
        {
            await _hub.PersonTokenAsync(person);
        }
        await admin.SetCountryStatusAsync(new SetCountryStatusRequest { Code = "TKM", Status = ParticipantStatus.Applicant }, cancellationToken: Ct);
    }

    public async ValueTask DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task The_rule_the_database_filters_and_the_channels_agree_for_every_kind_role_and_status()
    {
        var policy = _hub.Services.GetRequiredService<AccessPolicy>();
        var disagreements = new List<string>();
        foreach (var (person, country, role) in Callers)
        {
            var caller = new Caller(person, null, person, country, new HashSet<string> { role });
            var channel = _hub.CreateGrpcChannel(await _hub.PersonTokenAsync(person));
            var alerts = new SeizureAlerts.SeizureAlertsClient(channel);

            var readable = await _hub.WithDbAsync(db => db.Set<AlertRecord>().AsNoTracking().Where(policy.Readable<AlertRecord>(caller)).Select(a => a.Id).ToListAsync(Ct));
            var expected = new List<string>();
            foreach (var alert in _alerts)
            {
                var stored = await _hub.WithDbAsync(db => db.Set<AlertRecord>().AsNoTracking().SingleAsync(a => a.Id == Guid.Parse(alert.Id), Ct));
                var rule = policy.CanRead(caller, AlertMapping.AccessOf(stored));
                var read = await Reads(() => alerts.GetAlertAsync(new GetAlertRequest { Id = alert.Id }, cancellationToken: Ct).ResponseAsync);
                Check(disagreements, person, $"alert {alert.Content.Distribution}", rule, ("database filter", readable.Contains(Guid.Parse(alert.Id))), ("GetAlert", read));
                if (rule)
                {
                    expected.Add(alert.Id);
                }
            }
            var replayed = await ReplayAsync(alerts, _alerts[0].Sequence - 1, expected.Count);
            if (!replayed.SequenceEqual(expected))
            {
                disagreements.Add($"{person}: WatchAlerts replayed [{string.Join(',', replayed)}], the rule allows [{string.Join(',', expected)}]");
            }

            var cases = new Contracts.V1.Cases.CasesClient(channel);
            var caseRecord = await _hub.WithDbAsync(db => db.Set<CaseRecord>().Include(c => c.Participants).AsNoTracking().SingleAsync(c => c.Id == Guid.Parse(_case.Id), Ct));
            var messageRecord = await _hub.WithDbAsync(db => db.Set<CaseMessageRecord>().AsNoTracking().SingleAsync(m => m.Id == Guid.Parse(_message.Id), Ct));
            Check(disagreements, person, "case", policy.CanRead(caller, CaseMapping.AccessOf(caseRecord)),
                ("GetCase", await Reads(() => cases.GetCaseAsync(new CaseRef { CaseId = _case.Id }, cancellationToken: Ct).ResponseAsync)),
                ("ListCases", (await Listed(() => cases.ListCasesAsync(new ListCasesRequest(), cancellationToken: Ct).ResponseAsync))?.Cases.Any(c => c.Id == _case.Id) ?? false));
            Check(disagreements, person, "case message", policy.CanRead(caller, CaseMapping.AccessOf(messageRecord, caseRecord)),
                ("GetMessage", await Reads(() => cases.GetMessageAsync(new MessageRef { MessageId = _message.Id }, cancellationToken: Ct).ResponseAsync)));

            var deliveries = new ControlledDeliveries.ControlledDeliveriesClient(channel);
            var deliveryRecord = await _hub.WithDbAsync(db => db.Set<DeliveryRecord>().AsNoTracking().SingleAsync(d => d.Id == Guid.Parse(_delivery.Id), Ct));
            var listedInDatabase = await _hub.WithDbAsync(db => db.Set<DeliveryRecord>().AsNoTracking().Where(policy.Listed<DeliveryRecord>(caller)).AnyAsync(d => d.Id == deliveryRecord.Id, Ct));
            var deliveryRule = policy.CanRead(caller, DeliveryFeedKind.AccessOf(DeliveryFeedKind.Document(deliveryRecord)));
            if (deliveryRule && !listedInDatabase)
            {
                disagreements.Add($"{person}: the delivery filter leaves out an operation the rule allows");
            }
            Check(disagreements, person, "delivery", deliveryRule,
                ("Get", await Reads(() => deliveries.GetAsync(new DeliveryRef { DeliveryId = _delivery.Id }, cancellationToken: Ct).ResponseAsync)));
        }
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));

        // The table above is not vacuous: each kind is readable by someone and refused to someone.
        var sees = Callers.Select(c => (c.Person, Caller: new Caller(c.Person, null, c.Person, c.Country, new HashSet<string> { c.Role }))).ToList();
        var caseAccess = CaseMapping.AccessOf(await _hub.WithDbAsync(db => db.Set<CaseRecord>().Include(c => c.Participants).AsNoTracking().SingleAsync(c => c.Id == Guid.Parse(_case.Id), Ct)));
        Assert.Equal(["liaison.kaz", "liaison.kgz", "observer.tur", "operator", "analyst"], sees.Where(s => policy.CanRead(s.Caller, caseAccess)).Select(s => s.Person));
    }

    private static void Check(List<string> disagreements, string person, string what, bool rule, params (string Channel, bool Delivered)[] channels)
    {
        foreach (var (name, delivered) in channels.Where(c => c.Delivered != rule))
        {
            disagreements.Add($"{person}: {what}: the rule says {(rule ? "readable" : "not readable")}, {name} {(delivered ? "delivered it" : "did not")}");
        }
    }

    private static async Task<bool> Reads<T>(Func<Task<T>> call)
    {
        try
        {
            await call();
            return true;
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.NotFound or StatusCode.PermissionDenied)
        {
            return false;
        }
    }

    private static async Task<T?> Listed<T>(Func<Task<T>> call) where T : class
    {
        try
        {
            return await call();
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.PermissionDenied)
        {
            return null;
        }
    }

    /// <summary>
    /// What a replay delivers, as many as the rule allows (in order); one it should not have
    /// sent would take the place of one it should, and the lists would differ.
    /// </summary>
    private static async Task<List<string>> ReplayAsync(SeizureAlerts.SeizureAlertsClient client, long after, int count)
    {
        await using var stream = new Received<AlertEvent>(client.WatchAlerts(new WatchAlertsRequest { AfterSequence = after }, cancellationToken: Ct));
        var ids = new List<string>();
        while (ids.Count < count)
        {
            ids.Add((await stream.NextAsync($"replayed alert {ids.Count + 1} of {count}")).Alert.Id);
        }
        return ids;
    }
}
