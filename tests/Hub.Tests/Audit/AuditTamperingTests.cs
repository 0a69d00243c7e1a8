using System.Globalization;
using Hub.Client;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Tests.Audit;

/// <summary>
/// What an insider with write access to the database did to the old trail, each verified
/// "intact" then (issue 13): now each is named. Every test has its own hub: it tampers.
/// </summary>
public sealed class AuditTamperingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly Caller Tajik = new("agency-tjk", "agency-tjk", null, "TJK", new HashSet<string>());
    private static readonly Caller Centre = new("operator", null, "operator", "CARICC", new HashSet<string> { Roles.Operator });

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Signed(string at) =>
        DateTimeOffset.Parse(at, CultureInfo.InvariantCulture).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads by the centre and, among them, refusals of one client (the entries an insider wants gone).</summary>
    private static IEnumerable<AuditEvent> Traffic(int count, string tag) => Enumerable.Range(0, count).Select(i => i % 3 == 1
        ? new AuditEvent(Tajik, Channels.Grpc, "alert.read", AuditOutcomes.Denied, "alert", $"{tag}-{i}", "not released to TJK")
        : new AuditEvent(Centre, Channels.Grpc, "alert.read", AuditOutcomes.Allowed, "alert", $"{tag}-{i}"));

    [Fact]
    public async Task Deleting_the_last_ten_entries_and_fixing_the_head_is_named_against_the_checkpoint()
    {
        using var hub = new OnDemandCheckpointsHub();
        var kazakh = await hub.AgencyAlertsClientAsync("KAZ");
        for (var i = 0; i < 12; i++)
        {
            await kazakh.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct);
        }
        var admin = new Admin.AdminClient(hub.CreateGrpcChannel(await hub.PersonTokenAsync("admin")));
        var checkpoint = await admin.WriteAuditCheckpointAsync(new WriteAuditCheckpointRequest(), cancellationToken: Ct);
        var at = checkpoint.Sequence;

        await Attacker.TruncateAsync(hub, keep: at - 10);

        var missing = $"entries {N(at - 9)}–{N(at)} missing (checkpoint at {N(at)} signed {Signed(checkpoint.At)})";
        // The command first: the call below is audited, and the hub goes on from the fixed head.
        using var output = new StringWriter();
        var exit = await AuditCommands.RunAsync(hub.Services, ["audit-verify"], output, output);
        Assert.Equal(1, exit);
        Assert.Contains("audit trail NOT intact", output.ToString(), StringComparison.Ordinal);
        Assert.Contains($"  - {missing}", output.ToString(), StringComparison.Ordinal);

        var result = await admin.VerifyAuditTrailAsync(new VerifyAuditTrailRequest(), cancellationToken: Ct);
        Assert.False(result.Intact);
        Assert.Equal([missing], result.Problems);
        Assert.Equal(at - 9, result.FirstBrokenSequence);
        Assert.Equal(at - 10, result.EntriesChecked);
    }

    [Fact]
    public async Task Erasing_one_clients_refusals_and_rehashing_the_chain_without_the_key_fails_the_MACs()
    {
        using var hub = new OnDemandCheckpointsHub();
        await hub.RecordAsync(Traffic(60, "before"));
        await hub.CheckpointAsync();
        await hub.RecordAsync(Traffic(9, "after"));
        var firstRefusal = await hub.WithDbAsync(db => db.AuditTrail.Where(e => e.ClientId == "agency-tjk").MinAsync(e => e.Sequence));

        var left = await Attacker.RewriteAsync(hub, e => e.ClientId == "agency-tjk" && e.Outcome == AuditOutcomes.Denied);

        var result = await hub.VerifyAuditAsync();
        Assert.False(result.Intact);
        Assert.Equal(firstRefusal, result.FirstBrokenSequence);
        // The entries before the first erased one are untouched: their MACs hold.
        Assert.Contains($"entries {N(firstRefusal)}–{N(left)}: content does not match its MAC (changed, or rewritten without the audit key)", result.Problems);
    }

    [Fact]
    public async Task A_chain_passed_off_as_written_before_keys_is_refused_even_without_a_checkpoint()
    {
        using var hub = new OnDemandCheckpointsHub();
        await hub.RecordAsync(Traffic(30, "t"));

        var left = await Attacker.RewriteAsync(hub, e => e.ClientId == "agency-tjk", asUnkeyed: true);

        var result = await hub.VerifyAuditAsync();
        Assert.False(result.Intact);
        Assert.Contains($"entries 1–{N(left)} carry no MAC (written before keyed authentication) and no checkpoint covers them", result.Problems);
    }

    [Fact]
    public async Task Entries_removed_from_the_middle_and_the_rest_renumbered_and_rehashed_are_named()
    {
        using var hub = new OnDemandCheckpointsHub();
        await hub.RecordAsync(Traffic(40, "t"));
        var checkpoint = await hub.CheckpointAsync();
        var total = checkpoint.Sequence;

        var left = await Attacker.RewriteAsync(hub, e => e.Sequence is >= 10 and <= 14);

        var result = await hub.VerifyAuditAsync();
        Assert.False(result.Intact);
        Assert.Equal(total - 5, left);
        Assert.Contains($"entries 10–{N(left)}: content does not match its MAC (changed, or rewritten without the audit key)", result.Problems);
        Assert.Contains($"entries {N(left + 1)}–{N(total)} missing (checkpoint at {N(total)} signed {Signed(checkpoint.At)})", result.Problems);
    }

    [Fact]
    public async Task Entries_removed_from_the_middle_and_left_as_they_are_are_named()
    {
        using var hub = new OnDemandCheckpointsHub();
        await hub.RecordAsync(Traffic(40, "t"));
        var checkpoint = await hub.CheckpointAsync();

        await Attacker.DeleteAsync(hub, 10, 14);

        var result = await hub.VerifyAuditAsync();
        Assert.False(result.Intact);
        Assert.Equal([$"entries 10–14 missing (checkpoint at {N(checkpoint.Sequence)} signed {Signed(checkpoint.At)})"], result.Problems);
    }

    [Fact]
    public async Task A_changed_checkpoint_line_and_one_signed_with_another_key_are_reported()
    {
        using var hub = new OnDemandCheckpointsHub();
        await hub.RecordAsync(Traffic(20, "t"));
        var first = await hub.CheckpointAsync();
        await hub.RecordAsync(Traffic(5, "u"));
        await hub.CheckpointAsync();
        var file = hub.Services.GetRequiredService<AuditVerifier>().CheckpointFilePath;
        var lines = await File.ReadAllLinesAsync(file, Ct);

        // Someone with the file moves the first checkpoint back, to make room for a removal…
        lines[0] = lines[0].Replace($"\"sequence\":{first.Sequence},", $"\"sequence\":{first.Sequence - 5},", StringComparison.Ordinal);
        // …and adds one of their own, signed with a key of their own.
        using var ownKey = System.Security.Cryptography.RSA.Create(2048);
        using var forger = new CheckpointSigning(new Microsoft.IdentityModel.Tokens.RsaSecurityKey(ownKey) { KeyId = "forger" }, []);
        var forged = forger.Sign(3, new string('0', 64), null, DateTime.UtcNow, "hub-1");
        await File.WriteAllLinesAsync(file, [.. lines, System.Text.Json.JsonSerializer.Serialize(forged, AuditCheckpoints.Json)], Ct);

        var result = await hub.VerifyAuditAsync();
        Assert.False(result.Intact);
        Assert.Contains($"{file} line 1: the signature of the checkpoint at {N(first.Sequence - 5)} signed {Signed(first.At)} does not hold: the line was altered, or not written by this hub", result.Problems);
        Assert.Contains(result.Problems, p => p.StartsWith($"{file} line 3: checkpoint at 3 signed", StringComparison.Ordinal) && p.Contains("with key forger, which this hub does not know", StringComparison.Ordinal));
        Assert.Equal(1, result.CheckpointsChecked);
    }

    [Fact]
    public async Task An_untouched_trail_verifies_intact_against_its_checkpoints_and_says_what_is_newer_than_the_last()
    {
        using var hub = new OnDemandCheckpointsHub();
        await hub.RecordAsync(Traffic(20, "t"));
        await hub.CheckpointAsync();
        await hub.RecordAsync(Traffic(10, "u"));
        var last = await hub.CheckpointAsync();
        await hub.RecordAsync(Traffic(3, "v"));
        var newest = await Attacker.LastSequenceAsync(hub);

        var result = await hub.VerifyAuditAsync();

        Assert.True(result.Intact, string.Join("\n", result.Problems));
        Assert.Empty(result.Problems);
        Assert.Null(result.FirstBrokenSequence);
        Assert.Equal(newest, result.EntriesChecked);
        Assert.True(result.CheckpointsChecked >= 2);
        Assert.Equal(last.Sequence, result.LastCheckpointSequence);
        Assert.Contains(result.Notes, n => n.StartsWith($"entries {N(last.Sequence + 1)}–{N(newest)} are newer than the last checkpoint", StringComparison.Ordinal));
        using var output = new StringWriter();
        Assert.Equal(0, await AuditCommands.RunAsync(hub.Services, ["audit-verify"], output, output));
        Assert.StartsWith($"audit trail intact: {N(newest)} entries, every MAC and link holds", output.ToString(), StringComparison.Ordinal);
    }
}
