using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Hub.Client;
using Hub.Contracts.V1;
using Hub.Server.Matching;
using Hub.Tests.Records;
using Microsoft.EntityFrameworkCore;

namespace Hub.Tests.Matching;

/// <summary>
/// Hit/no-hit checks and continuous matching as countries see them: what a hit reveals to a
/// country that may not read the record (hit, count, owners, a reference — the record stays
/// NOT_FOUND), the owner told live, a release that makes it readable, and an index table
/// that holds nothing readable.
/// </summary>
public sealed class MatchingTests(HubFactory hub) : IClassFixture<HubFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<Matches.MatchesClient> MatchesAsync(string country) => new(hub.CreateGrpcChannel(await hub.AgencyTokenAsync(country)));

    /// <summary>A Kyrgyz mobile number no other test uses (the hub is shared by the class).</summary>
    private static string NewKyrgyzNumber() => "555" + RandomNumberGenerator.GetInt32(100_000, 999_999);

    private async Task<SeizureAlert> PostAsync(string country, Distribution distribution, Action<SeizureAlertContent> fill)
    {
        var request = SampleAlerts.HeroinAtKorday(country);
        request.Alert.Distribution = distribution;
        request.Alert.AddressedCountries.Clear();
        // The sample's own plate is in every test's alerts: left out, each test matches only what it adds.
        request.Alert.Identifiers.Clear();
        fill(request.Alert);
        return (await (await hub.AgencyAlertsClientAsync(country)).PostAlertAsync(request, cancellationToken: Ct)).Alert;
    }

    /// <summary>The next event about <paramref name="recordId"/> (other tests' events may come in between).</summary>
    private static async Task<MatchEvent> NextAboutAsync(Received<MatchEvent> received, string recordId, string what)
    {
        while (true)
        {
            var next = await received.NextAsync(what);
            if (next.Match.Record?.RecordId == recordId)
            {
                return next;
            }
        }
    }

    private static CheckRequest Phone(string value) => new()
    {
        Identifiers = { new Identifier { Kind = IdentifierKind.PhoneNumber, Value = value } },
        Purpose = "case KZ-2026-114",
    };

    private static CheckRequest Name(string name) => new() { Persons = { new PersonOfInterest { Name = name } }, Purpose = "case KZ-2026-115" };

    [Fact]
    public async Task A_national_number_posted_by_KGZ_matches_its_international_form_and_reveals_only_hit_count_owner_and_reference()
    {
        var national = NewKyrgyzNumber();
        var alert = await PostAsync("KGZ", Distribution.Originator, a => a.Identifiers.Add(new Identifier { Kind = IdentifierKind.PhoneNumber, Value = "0" + national[..3] + " " + national[3..] }));
        var kgzMatches = await MatchesAsync("KGZ");
        await using var kgzWatch = new Received<MatchEvent>(kgzMatches.WatchMatches(new WatchMatchesRequest(), cancellationToken: Ct));
        await Eventually.WaitAsync(kgzWatch.Call.ResponseHeadersAsync, "KGZ's match watch to open");

        var kaz = await MatchesAsync("KAZ");
        var result = (await kaz.CheckAsync(Phone($"+996 {national[..3]} {national[3..6]} {national[6..]}"), cancellationToken: Ct)).Results.Single();
        Assert.True(result.Hit);
        Assert.Equal(1, result.RecordCount);
        Assert.Equal(["KGZ"], result.OwnerCountries);
        var hit = Assert.Single(result.Hits);
        Assert.Equal(MatchState.Pending, hit.State);
        Assert.Null(hit.Record);
        Assert.True(Guid.TryParse(hit.MatchId, out _));

        // The record stays NOT_FOUND to KAZ, exactly as for an id that does not exist.
        var kazAlerts = await hub.AgencyAlertsClientAsync("KAZ");
        var hidden = await Assert.ThrowsAsync<RpcException>(() => kazAlerts.GetAlertAsync(new GetAlertRequest { Id = alert.Id }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, hidden.StatusCode);

        // The owner is told live who checked, with its own record and the purpose.
        var told = await NextAboutAsync(kgzWatch, alert.Id, "KGZ told of KAZ's check");
        Assert.Equal(MatchEventTypes.Checked, told.Type);
        Assert.Equal(hit.MatchId, told.Match.MatchId);
        Assert.Equal("KAZ", told.Match.AskingCountry);
        Assert.Equal(alert.Id, told.Match.Record.RecordId);
        Assert.Equal("case KZ-2026-114", told.Match.Purpose);

        // The owner releases: KAZ reads the alert, hears so, and the alert names KAZ as addressee.
        var decided = await kgzMatches.DecideReleaseAsync(new DecideReleaseRequest { MatchId = hit.MatchId, Release = true, Reason = "joint investigation" }, cancellationToken: Ct);
        Assert.Equal(MatchState.Released, decided.State);
        var read = await kazAlerts.GetAlertAsync(new GetAlertRequest { Id = alert.Id }, cancellationToken: Ct);
        Assert.Equal(Distribution.Addressed, read.Content.Distribution);
        Assert.Equal(["KAZ"], read.Content.AddressedCountries);
        Assert.Equal(2, read.Version);
        var listed = (await kaz.ListMatchesAsync(new ListMatchesRequest(), cancellationToken: Ct)).Matches.Single(m => m.MatchId == hit.MatchId);
        Assert.Equal(MatchState.Released, listed.State);
        Assert.Equal(alert.Id, listed.Record.RecordId);

        // Decided once: a second decision is refused, another country's is NOT_FOUND.
        var again = await Assert.ThrowsAsync<RpcException>(() => kgzMatches.DecideReleaseAsync(new DecideReleaseRequest { MatchId = hit.MatchId, Release = false, Reason = "no" }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
        var notOwner = await Assert.ThrowsAsync<RpcException>(() => kaz.DecideReleaseAsync(new DecideReleaseRequest { MatchId = hit.MatchId, Release = true, Reason = "mine" }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, notOwner.StatusCode);
    }

    [Fact]
    public async Task A_plate_typed_with_Cyrillic_look_alikes_matches_its_Latin_form()
    {
        var digits = RandomNumberGenerator.GetInt32(100, 999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        // А В Е К М Н О Р С Т Х, every look-alike, in Cyrillic.
        await PostAsync("KGZ", Distribution.Members, a => a.Identifiers.Add(new Identifier { Kind = IdentifierKind.VehiclePlate, Value = $"АВЕ-КМН {digits} ОРС ТХ" }));
        var result = (await (await MatchesAsync("UZB")).CheckAsync(new CheckRequest
        {
            Identifiers = { new Identifier { Kind = IdentifierKind.VehiclePlate, Value = $"abe kmh {digits} opc tx" } },
            Purpose = "border check",
        }, cancellationToken: Ct)).Results.Single();
        Assert.True(result.Hit);
        // UZB, a member, may read a MEMBERS alert: it gets the record at once.
        Assert.Equal(MatchState.Readable, result.Hits.Single().State);
        Assert.NotNull(result.Hits.Single().Record);
    }

    [Fact]
    public async Task A_name_in_Cyrillic_with_patronymic_matches_its_Latin_spellings_but_not_another_surname()
    {
        var alert = await PostAsync("KAZ", Distribution.Originator, a => a.Persons.Add(new PersonOfInterest { Name = "Назарбаев Нурсултан Абишевич", DateOfBirth = "1940-07-06" }));
        var kgz = await MatchesAsync("KGZ");
        foreach (var spelling in new[] { "NAZARBAYEV NURSULTAN", "Nursultan Nazarbaev" })
        {
            var result = (await kgz.CheckAsync(Name(spelling), cancellationToken: Ct)).Results.Single();
            Assert.True(result.Hit, spelling);
            Assert.Contains(result.Hits, h => h.OwnerCountry == "KAZ" && h.Record is null);
        }
        var other = (await kgz.CheckAsync(Name("NAZAROV NURSULTAN"), cancellationToken: Ct)).Results.Single();
        Assert.DoesNotContain(other.Hits, h => h.OwnerCountry == "KAZ");

        // The centre may read both sides: it gets the fine comparison with its explanation.
        var centre = new Matches.MatchesClient(hub.CreateGrpcChannel(await hub.PersonTokenAsync("operator")));
        var explained = (await centre.CheckAsync(Name("NAZARBAYEV NURSULTAN"), cancellationToken: Ct)).Results.Single()
            .Hits.Single(h => h.Record?.RecordId == alert.Id);
        var compared = explained.Names.First();
        Assert.True(compared.Same);
        Assert.NotEmpty(compared.Explanation);
    }

    [Fact]
    public async Task Records_written_by_two_countries_match_continuously_and_each_owner_hears_only_its_side()
    {
        var national = NewKyrgyzNumber();
        var e164 = "+996" + national;
        var kgzMatches = await MatchesAsync("KGZ");
        var uzbMatches = await MatchesAsync("UZB");
        await using var kgzWatch = new Received<MatchEvent>(kgzMatches.WatchMatches(new WatchMatchesRequest(), cancellationToken: Ct));
        await using var uzbWatch = new Received<MatchEvent>(uzbMatches.WatchMatches(new WatchMatchesRequest(), cancellationToken: Ct));
        await Eventually.WaitAsync(kgzWatch.Call.ResponseHeadersAsync, "KGZ's watch");
        await Eventually.WaitAsync(uzbWatch.Call.ResponseHeadersAsync, "UZB's watch");

        var kgzAlert = await PostAsync("KGZ", Distribution.Originator, a => a.Identifiers.Add(new Identifier { Kind = IdentifierKind.PhoneNumber, Value = e164 }));
        var uzbAlert = await PostAsync("UZB", Distribution.Originator, a => a.Identifiers.Add(new Identifier { Kind = IdentifierKind.PhoneNumber, Value = e164 }));

        var kgzFound = await NextAboutAsync(kgzWatch, kgzAlert.Id, "KGZ hears of the match");
        var uzbFound = await NextAboutAsync(uzbWatch, uzbAlert.Id, "UZB hears of the match");
        Assert.Equal(MatchEventTypes.Found, kgzFound.Type);
        Assert.Equal(kgzAlert.Id, kgzFound.Match.Record.RecordId);
        Assert.Equal("UZB", kgzFound.Match.AskingCountry);
        Assert.Null(kgzFound.Match.AskingRecord); // KGZ may not read UZB's alert
        Assert.Equal(uzbAlert.Id, uzbFound.Match.Record.RecordId);
        Assert.Null(uzbFound.Match.AskingRecord);
        Assert.NotEqual(kgzFound.Match.MatchId, uzbFound.Match.MatchId);
        Assert.Equal(MatchKeyKind.PhoneNumber, kgzFound.Match.KeyKind);

        // A replay from 0 gives each side its own events only.
        await using var replay = new Received<MatchEvent>(uzbMatches.WatchMatches(new WatchMatchesRequest { AfterSequence = kgzFound.Sequence - 1 }, cancellationToken: Ct));
        var replayed = await NextAboutAsync(replay, uzbAlert.Id, "UZB's replay");
        Assert.Equal(uzbFound.EventId, replayed.EventId);

        // Withdrawn, a record matches nothing any more.
        await (await hub.AgencyAlertsClientAsync("KGZ")).WithdrawAlertAsync(new WithdrawAlertRequest { AlertId = kgzAlert.Id, Reason = "posted in error" }, cancellationToken: Ct);
        var after = (await (await MatchesAsync("KAZ")).CheckAsync(Phone(e164), cancellationToken: Ct)).Results.Single();
        Assert.Equal(["UZB"], after.OwnerCountries);
    }

    [Fact]
    public async Task The_index_holds_keyed_hashes_only()
    {
        var national = NewKyrgyzNumber();
        var e164 = "+996" + national;
        var alert = await PostAsync("KGZ", Distribution.Originator, a =>
        {
            a.Identifiers.Add(new Identifier { Kind = IdentifierKind.PhoneNumber, Value = e164 });
            a.Persons.Add(new PersonOfInterest { Name = "Токтогулов Нурлан" });
        });
        await (await MatchesAsync("KAZ")).CheckAsync(Phone(e164), cancellationToken: Ct);
        var rows = await hub.WithDbAsync(db => db.Set<MatchKeyRow>().AsNoTracking().Where(r => r.RecordId == alert.Id).ToListAsync(Ct));
        Assert.Equal(2, rows.Count); // one phone, one name key: {string.Join(",", rows.Select(r => r.Kind))}
        var plainHash = SHA256.HashData(Encoding.UTF8.GetBytes(e164));
        foreach (var row in rows)
        {
            Assert.Equal(32, row.Hash.Length);
            Assert.NotEqual(plainHash, row.Hash); // not an unkeyed hash: a dictionary of numbers finds nothing
            var text = string.Join("|", row.KeyId, row.Kind, row.RecordType, row.RecordId, row.OwnerCountry, Encoding.UTF8.GetString(row.Hash));
            Assert.DoesNotContain(national, text, StringComparison.Ordinal);
            Assert.DoesNotContain("okto", text, StringComparison.OrdinalIgnoreCase);
        }
        // Nor do the matches, their events or the audit trail keep the value asked.
        var leaks = await hub.WithDbAsync(async db =>
            await db.Set<MatchEventRow>().CountAsync(e => e.PayloadJson.Contains(national), Ct)
            + await db.Set<MatchRecord>().CountAsync(m => m.Purpose.Contains(national), Ct)
            + await db.AuditTrail.CountAsync(a => a.Detail != null && a.Detail.Contains(national), Ct));
        Assert.Equal(0, leaks);
    }

    [Fact]
    public async Task Bad_checks_name_their_fields_and_junk_is_not_matched()
    {
        var kaz = await MatchesAsync("KAZ");
        var empty = await Assert.ThrowsAsync<RpcException>(() => kaz.CheckAsync(new CheckRequest { Purpose = "x" }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);
        var bad = await Assert.ThrowsAsync<RpcException>(() => kaz.CheckAsync(new CheckRequest
        {
            Persons = { new PersonOfInterest { Name = "Ivanov Ivan", DateOfBirth = "06/07/1940" } },
        }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        Assert.Contains("persons[0].date_of_birth", bad.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("purpose", bad.Status.Detail, StringComparison.Ordinal);

        var junk = (await kaz.CheckAsync(new CheckRequest
        {
            Identifiers = { new Identifier { Kind = IdentifierKind.PhoneNumber, Value = "000" }, new Identifier { Kind = IdentifierKind.VehiclePlate, Value = "AAAA" } },
            Purpose = "junk",
        }, cancellationToken: Ct)).Results;
        Assert.All(junk, r => Assert.False(r.Hit));
        Assert.All(junk, r => Assert.NotEmpty(r.NotMatchedReason));
        Assert.Equal(["identifiers[0]", "identifiers[1]"], junk.Select(r => r.Item));
    }
}
