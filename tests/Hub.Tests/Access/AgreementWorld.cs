using Hub.Client;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Alerts;
using Hub.Server.Cases;
using Hub.Server.Deliveries;
using Hub.Tests.Cases;
using Hub.Tests.Deliveries;
using Microsoft.EntityFrameworkCore;

namespace Hub.Tests.Access;

/// <summary>A caller of the agreement test: its role and country, and how it signs in.</summary>
internal sealed record AgreementCaller(string Name, string Country, string Role, bool Created = false)
{
    /// <summary>The development password, so that the case and delivery kits sign the created people in like the seeded ones.</summary>
    public const string Password = Hub.Server.Identity.DevelopmentAccounts.Password;

    public bool IsAgency => Role == Roles.AgencySystem;

    /// <summary>The caller as the policy sees it (its subject is never disabled in these tests).</summary>
    public Caller AsCaller() => new("agreement:" + Name, IsAgency ? Name : null, Name, Country, new HashSet<string>(StringComparer.Ordinal) { Role });

    public Task<string> TokenAsync(HubFactory hub) => IsAgency ? hub.AgencyTokenAsync(Country) : hub.PersonTokenAsync(Name);
}

/// <summary>One stored feed event with the access of its record as the record is now.</summary>
internal sealed record FeedRecord(string Kind, string EventId, long Sequence, string Label, RecordAccess Access);

/// <summary>One readable record (for Get/List) with its current access.</summary>
internal sealed record StoredRecord(string Kind, string Id, string? CaseId, string Label, RecordAccess Access);

/// <summary>
/// Builds the records of every kind the agreement test reads, and reads back from the
/// database what each record's access is now, through the features' own AccessOf.
/// </summary>
internal sealed class AgreementWorld(HubFactory hub)
{
    private readonly CaseTestKit _cases = new(hub);
    private readonly DeliveryTestKit _deliveries = new(hub);

    /// <summary>Record id → label, for failure messages.</summary>
    public Dictionary<string, string> Labels { get; } = new(StringComparer.Ordinal);

    public string MainCaseId { get; private set; } = "";

    /// <summary>
    /// Before the live streams open: a case whose participants are invited (AZE), accepted
    /// (KGZ, TUR) and removed (UZB), with messages UZB sent and received before its removal.
    /// </summary>
    public async Task BeforeStreamsAsync(CancellationToken ct)
    {
        var kaz = await _cases.AsAsync("liaison.kaz");
        var open = new OpenCaseRequest { IdempotencyKey = CaseTestKit.Key(), Title = "Heroin via Korday", OwnerCountry = "KAZ", InvitedCountries = { "KGZ", "UZB", "TUR", "AZE" } };
        var main = await kaz.OpenCaseAsync(open, cancellationToken: ct);
        MainCaseId = main.Id;
        Labels[main.Id] = "case C (KAZ; KGZ, TUR accepted; AZE invited; UZB removed)";
        foreach (var person in new[] { "liaison.kgz", "liaison.uzb", "liaison.tur" })
        {
            await (await _cases.AsAsync(person)).AcceptInvitationAsync(new CaseRef { CaseId = main.Id }, cancellationToken: ct);
        }
        await PostAsync("liaison.uzb", "MU sent by UZB", Distribution.Addressed, ["KGZ"], ct);
        await PostAsync("liaison.kaz", "MZ", Distribution.Addressed, ["UZB"], ct);
        await kaz.RemoveParticipantAsync(new RemoveParticipantRequest { CaseId = main.Id, Country = "UZB", Reason = "left the operation" }, cancellationToken: ct);
    }

    /// <summary>While the live streams are open: alerts of every distribution, messages of every distribution, a controlled delivery.</summary>
    public async Task WhileStreamingAsync(CancellationToken ct)
    {
        var agency = await hub.AgencyAlertsClientAsync("KAZ");
        foreach (var distribution in AccessMatrixTests.Distributions)
        {
            var request = SampleAlerts.HeroinAtKorday("KAZ");
            request.Alert.Distribution = distribution;
            if (distribution == Distribution.Addressed)
            {
                request.Alert.AddressedCountries.Add(["KGZ", "TUR"]);
            }
            var posted = await agency.PostAlertAsync(request, cancellationToken: ct);
            Labels[posted.Alert.Id] = $"alert {distribution}" + (distribution == Distribution.Addressed ? " to KGZ, TUR" : "");
        }
        await PostAsync("liaison.kaz", "M1", Distribution.Addressed, ["KGZ"], ct);
        await PostAsync("liaison.kaz", "M2", Distribution.Members, ["TUR"], ct);
        await PostAsync("liaison.kaz", "M3", Distribution.MembersAndObservers, ["KGZ"], ct);
        await PostAsync("liaison.kaz", "M4", Distribution.Addressed, ["TUR"], ct);
        await PostAsync("liaison.kaz", "M5", Distribution.Members, ["KGZ"], ct);
        await PostAsync("liaison.kgz", "M6 sent by KGZ", Distribution.Addressed, ["KAZ"], ct);
        var delivery = await _deliveries.ActiveAsync("TJK", "KGZ", "KAZ", "RUS");
        Labels[delivery.Id] = "delivery D (TJK, KGZ, KAZ, RUS)";
    }

    /// <summary>The last record of each feed, released as widely as its kind allows: whoever may read anything of the kind reads it.</summary>
    public async Task SentinelsAsync(CancellationToken ct)
    {
        var last = SampleAlerts.HeroinAtKorday("KAZ");
        last.Alert.Distribution = Distribution.MembersAndObservers;
        var alert = await (await hub.AgencyAlertsClientAsync("KAZ")).PostAlertAsync(last, cancellationToken: ct);
        Labels[alert.Alert.Id] = "alert S MEMBERS_AND_OBSERVERS";
        var open = new OpenCaseRequest { IdempotencyKey = CaseTestKit.Key(), Title = "Precursors", OwnerCountry = "KAZ", InvitedCountries = { "KGZ", "UZB", "TUR", "INTERPOL" } };
        var sentinel = await (await _cases.AsAsync("liaison.kaz")).OpenCaseAsync(open, cancellationToken: ct);
        Labels[sentinel.Id] = "case S (KAZ; KGZ, UZB, TUR, INTERPOL invited)";
        var delivery = await _deliveries.ActiveAsync("KAZ", "KGZ", "UZB");
        Labels[delivery.Id] = "delivery S (KAZ, KGZ, UZB)";
    }

    private async Task PostAsync(string sender, string label, Distribution distribution, string[] recipients, CancellationToken ct)
    {
        var request = CaseTestKit.Rfi(MainCaseId, recipients);
        request.Distribution = distribution;
        var posted = await (await _cases.AsAsync(sender)).PostMessageAsync(request, cancellationToken: ct);
        Labels[posted.Id] = $"message {label} ({distribution} to {string.Join(',', recipients)})";
    }

    private string Label(string id) => Labels.GetValueOrDefault(id, id);

    /// <summary>Every stored event of the three feeds, each with its record's access now.</summary>
    public Task<List<FeedRecord>> FeedAsync() => hub.WithDbAsync(async db =>
    {
        var cases = await db.Set<CaseRecord>().Include(c => c.Participants).AsNoTracking().ToDictionaryAsync(c => c.Id);
        var messages = await db.Set<CaseMessageRecord>().AsNoTracking().ToDictionaryAsync(m => m.Id);
        var deliveries = await db.Set<DeliveryRecord>().AsNoTracking().ToDictionaryAsync(d => d.Id);
        var feed = new List<FeedRecord>();
        feed.AddRange((await db.Set<AlertRecord>().AsNoTracking().ToListAsync()).Select(a =>
            new FeedRecord(FeedCapture.Alert, a.PostedEventId.ToString(), a.Sequence, Label(a.Id.ToString()), AlertMapping.AccessOf(a))));
        feed.AddRange((await db.Set<CaseEventRecord>().AsNoTracking().ToListAsync()).Select(e =>
        {
            var owner = cases[e.CaseId];
            return e.MessageId is { } m
                ? new FeedRecord(FeedCapture.Case, e.EventId.ToString(), e.Sequence, $"{e.Type} of {Label(m.ToString())}", CaseMapping.AccessOf(messages[m], owner))
                : new FeedRecord(FeedCapture.Case, e.EventId.ToString(), e.Sequence, $"{e.Type} of {Label(e.CaseId.ToString())}", CaseMapping.AccessOf(owner));
        }));
        feed.AddRange((await db.Set<DeliveryEventRecord>().AsNoTracking().ToListAsync()).Select(e =>
            new FeedRecord(FeedCapture.Delivery, e.EventId.ToString(), e.Sequence, $"{e.Type} of {Label(e.DeliveryId.ToString())}",
                DeliveryFeedKind.AccessOf(DeliveryFeedKind.Document(deliveries[e.DeliveryId])))));
        return feed;
    });

    /// <summary>Every labelled record with its access now.</summary>
    public Task<List<StoredRecord>> RecordsAsync() => hub.WithDbAsync(async db =>
    {
        var cases = await db.Set<CaseRecord>().Include(c => c.Participants).AsNoTracking().ToDictionaryAsync(c => c.Id);
        var records = new List<StoredRecord>();
        records.AddRange((await db.Set<AlertRecord>().AsNoTracking().ToListAsync()).Select(a => new StoredRecord(FeedCapture.Alert, a.Id.ToString(), null, Label(a.Id.ToString()), AlertMapping.AccessOf(a))));
        records.AddRange(cases.Values.Select(c => new StoredRecord(FeedCapture.Case, c.Id.ToString(), null, Label(c.Id.ToString()), CaseMapping.AccessOf(c))));
        records.AddRange((await db.Set<CaseMessageRecord>().AsNoTracking().ToListAsync()).Select(m =>
            new StoredRecord("message", m.Id.ToString(), m.CaseId.ToString(), Label(m.Id.ToString()), CaseMapping.AccessOf(m, cases[m.CaseId]))));
        records.AddRange((await db.Set<DeliveryRecord>().AsNoTracking().ToListAsync()).Select(d =>
            new StoredRecord(FeedCapture.Delivery, d.Id.ToString(), null, Label(d.Id.ToString()), DeliveryFeedKind.AccessOf(DeliveryFeedKind.Document(d)))));
        return records.Where(r => Labels.ContainsKey(r.Id)).ToList();
    });
}
