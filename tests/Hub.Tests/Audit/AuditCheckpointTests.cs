using Hub.Client;
using Hub.Contracts.Events;
using Hub.Contracts.V1;
using Hub.Server.Audit;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Tests.Audit;

/// <summary>A hub with its own audit settings, optionally a second node on another's database.</summary>
public sealed class AuditHub(string? dataDirectory = null, string? auditKey = null, string? environment = null, params (string Key, string Value)[] settings)
    : HubFactory(dataDirectory ?? Path.Combine(Path.GetTempPath(), "hub-tests", Guid.NewGuid().ToString("N")))
{
    private readonly string _auditKey = auditKey ?? NewKey();

    public static string NewKey() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public override string AuditKey => _auditKey;

    // A second node must sign tokens and checkpoints alike.
    public AuditHub? First { get; init; }
    public override string SigningKeyPem => First?.SigningKeyPem ?? base.SigningKeyPem;
    public override string EncryptionKey => First?.EncryptionKey ?? base.EncryptionKey;

    protected override IEnumerable<(string Key, string Value)> ExtraSettings => settings;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (environment is not null)
        {
            builder.UseEnvironment(environment);
        }
    }
}

/// <summary>Checkpoints leave the hub (file, broker), periodically from one node, at shutdown; keys rotate; no key, no start.</summary>
public sealed class AuditCheckpointTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_checkpoint_is_published_on_the_broker_and_the_message_verifies_as_a_checkpoint_line()
    {
        using var hub = new OnDemandCheckpointsHub();
        var received = new TaskCompletionSource<AuditCheckpointWritten>(TaskCreationOptions.RunContinuationsAsynchronously);
        // What a member agency's subscriber sees: its own queue bound to the message's exchange.
        var handle = hub.Services.GetRequiredService<IReceiveEndpointConnector>().ConnectReceiveEndpoint("agency-checkpoints-" + Guid.NewGuid().ToString("N"),
            (_, e) => e.Handler<AuditCheckpointWritten>(context =>
            {
                received.TrySetResult(context.Message);
                return Task.CompletedTask;
            }));
        await Eventually.WaitAsync(handle.Ready, "the subscriber's endpoint");
        await (await hub.AgencyAlertsClientAsync("KAZ")).PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct);
        var admin = new Admin.AdminClient(hub.CreateGrpcChannel(await hub.PersonTokenAsync("admin")));

        var written = await admin.WriteAuditCheckpointAsync(new WriteAuditCheckpointRequest(), cancellationToken: Ct);

        var message = (await Eventually.WaitAsync(received.Task, "the checkpoint's message")).Checkpoint;
        Assert.Equal((written.Sequence, written.Mac, written.Signature, written.At), (message.Sequence, message.Mac, message.Signature, message.At));
        Assert.Equal(CheckpointSigning.Schema, message.Schema);
        // The agency's copy, kept as JSON lines, is a checkpoint file audit-verify reads.
        var copy = Path.Combine(hub.DataDirectory, "agency-copy.jsonl");
        await File.WriteAllTextAsync(copy, System.Text.Json.JsonSerializer.Serialize(message, AuditCheckpoints.Json) + "\n", Ct);
        await File.WriteAllTextAsync(hub.Services.GetRequiredService<AuditVerifier>().CheckpointFilePath, "", Ct);
        var result = await hub.VerifyAuditAsync(copy);
        Assert.True(result.Intact, result.Reason);
        Assert.Equal((1, written.Sequence), (result.CheckpointsChecked, result.LastCheckpointSequence));
    }

    [Fact]
    public async Task Two_nodes_on_one_database_write_checkpoints_from_one_of_them_periodically()
    {
        (string, string) often = ("Hub:Audit:CheckpointInterval", "00:00:01");
        using var a = new AuditHub(settings: often);
        var kazakh = await a.AgencyAlertsClientAsync("KAZ");
        using var b = new AuditHub(a.DataDirectory, a.AuditKey, settings: often) { First = a };
        var uzbek = await b.AgencyAlertsClientAsync("UZB");
        var file = a.Services.GetRequiredService<AuditVerifier>().CheckpointFilePath;

        await Eventually.UntilAsync(async () =>
        {
            await kazakh.PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct);
            await uzbek.PostAlertAsync(SampleAlerts.HeroinAtKorday("UZB"), cancellationToken: Ct);
            return (await CheckpointFile.ReadAsync(file, Ct)).Count(l => l.Checkpoint is not null) >= 3;
        }, "three periodic checkpoints", TimeSpan.FromSeconds(30));

        var nodes = (await CheckpointFile.ReadAsync(file, Ct)).Select(l => l.Checkpoint!.Node).Distinct().ToList();
        Assert.Single(nodes);
        var verified = await b.VerifyAuditAsync();
        Assert.True(verified.Intact, verified.Reason);
        Assert.True(verified.CheckpointsChecked >= 3);
    }

    [Fact]
    public async Task A_node_that_stops_writes_a_last_checkpoint_of_what_it_committed()
    {
        var file = Path.Combine(Path.GetTempPath(), "hub-tests", Guid.NewGuid().ToString("N") + "-checkpoints.jsonl");
        long last;
        string signingKeyPem;
        using (var hub = new AuditHub(settings: ("Hub:Audit:CheckpointFile", file)))
        {
            signingKeyPem = hub.SigningKeyPem;
            await (await hub.AgencyAlertsClientAsync("KAZ")).PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct);
            last = await Attacker.LastSequenceAsync(hub);
        }

        var checkpoint = (await CheckpointFile.ReadAsync(file, Ct))[^1].Checkpoint!;
        Assert.True(checkpoint.Sequence >= last, $"the last checkpoint is at {checkpoint.Sequence}, the trail was at {last}");
        using var rsa = System.Security.Cryptography.RSA.Create();
        rsa.ImportFromPem(signingKeyPem);
        using var signing = new CheckpointSigning(new Microsoft.IdentityModel.Tokens.RsaSecurityKey(rsa), []);
        Assert.Equal(CheckpointSignature.Valid, signing.Check(checkpoint));
        File.Delete(file);
    }

    [Fact]
    public async Task After_a_key_rotation_entries_of_the_retired_key_verify_only_while_it_is_configured_as_previous()
    {
        using var before = new AuditHub();
        await (await before.AgencyAlertsClientAsync("KAZ")).PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct);
        var retired = AuditKey.From(Convert.FromBase64String(before.AuditKey)).Id;
        var current = AuditHub.NewKey();

        using var rotated = new AuditHub(before.DataDirectory, current, settings: ("Hub:Audit:PreviousKeys:0", before.AuditKey)) { First = before };
        await (await rotated.AgencyAlertsClientAsync("UZB")).PostAlertAsync(SampleAlerts.HeroinAtKorday("UZB"), cancellationToken: Ct);
        var verified = await rotated.VerifyAuditAsync();
        Assert.True(verified.Intact, verified.Reason);
        Assert.Equal(2, await rotated.WithDbAsync(db => Task.FromResult(db.AuditTrail.Select(e => e.KeyId).Distinct().Count())));

        using var forgetful = new AuditHub(before.DataDirectory, current) { First = before };
        var refused = await forgetful.VerifyAuditAsync();
        Assert.False(refused.Intact);
        Assert.Contains(refused.Problems, p => p.Contains($"authenticated with audit key {retired}, which this hub does not know", StringComparison.Ordinal));
    }

    [Fact]
    public void Outside_Development_the_hub_does_not_start_without_an_audit_key()
    {
        using var hub = new AuditHub(auditKey: "", environment: "Production");

        var refusal = Assert.Throws<InvalidOperationException>(() => hub.Services);

        Assert.Contains(AuditKeys.KeyKey, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_Development_the_hub_makes_an_audit_key_of_its_own_in_the_data_folder()
    {
        using var hub = new AuditHub(auditKey: "", environment: "Development");

        await (await hub.AgencyAlertsClientAsync("KAZ")).PostAlertAsync(SampleAlerts.HeroinAtKorday("KAZ"), cancellationToken: Ct);

        var key = AuditKey.From(Convert.FromBase64String(await File.ReadAllTextAsync(Path.Combine(hub.DataDirectory, "dev-audit-key.txt"), Ct)));
        Assert.Equal(key.Id, hub.Services.GetRequiredService<AuditKeys>().Current.Id);
        Assert.True((await hub.VerifyAuditAsync()).Intact);
    }
}
