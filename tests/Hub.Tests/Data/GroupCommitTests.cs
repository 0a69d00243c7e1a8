using System.Text.Json;
using Hub.Client;
using Hub.Contracts.Events;
using Hub.Server.Access;
using Hub.Server.Audit;
using Hub.Server.Data;
using Hub.Server.Idempotency;
using Hub.Server.Messaging;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Tests.Data;

/// <summary>
/// The node's group commit: writes that queue up while one commit runs share the next
/// transaction (one audit-head update, one flush), and a write that fails fails alone.
/// </summary>
public sealed class GroupCommitTests(HubFactory hub) : IClassFixture<HubFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Writes_queued_while_a_commit_runs_share_the_next_transaction()
    {
        var writes = hub.Services.GetRequiredService<GroupCommit>();
        using var gate = new Gate();
        var held = writes.WriteAsync(gate);
        await Eventually.WaitAsync(gate.Entered.Task, "the first commit to start");

        var tag = Guid.NewGuid().ToString("N");
        var queued = Enumerable.Range(0, 10).Select(i => writes.WriteAsync(new Marked(tag, i))).ToList();
        gate.Release();
        await Eventually.WaitAsync(Task.WhenAll(queued.Append(held)).ContinueWith(_ => true, TaskScheduler.Default), "the queued writes");

        var entries = await hub.WithDbAsync(db => db.AuditTrail.AsNoTracking().Where(e => e.RecordId == tag).OrderBy(e => e.Sequence).ToListAsync());
        Assert.Equal(10, entries.Count);
        // One append per transaction: the ten entries share its time and follow each other.
        Assert.Single(entries.Select(e => e.AtUtc).Distinct());
        Assert.Equal(Enumerable.Range(0, 10).Select(i => entries[0].Sequence + i), entries.Select(e => e.Sequence));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"write {i}"), entries.Select(e => e.Detail));
        Assert.True((await hub.VerifyAuditAsync()).Intact);
    }

    [Fact]
    public async Task A_write_that_fails_fails_alone_and_the_others_of_its_batch_commit()
    {
        var writes = hub.Services.GetRequiredService<GroupCommit>();
        var key = "taken-" + Guid.NewGuid().ToString("N");
        var tag = Guid.NewGuid().ToString("N");
        await writes.WriteAsync(new Keyed(key, tag, "first holder"));

        using var gate = new Gate();
        var held = writes.WriteAsync(gate);
        await Eventually.WaitAsync(gate.Entered.Task, "the first commit to start");
        var before = new Marked(tag, 1);
        var clash = new Keyed(key, tag, "second holder");
        var after = new Marked(tag, 2);
        var beforeTask = writes.WriteAsync(before);
        var clashTask = writes.WriteAsync(clash);
        var afterTask = writes.WriteAsync(after);
        gate.Release();

        await held;
        await beforeTask;
        await afterTask;
        await Assert.ThrowsAsync<DbUpdateException>(() => clashTask);
        var details = await hub.WithDbAsync(db => db.AuditTrail.AsNoTracking().Where(e => e.RecordId == tag).OrderBy(e => e.Sequence).Select(e => e.Detail).ToListAsync());
        Assert.Equal(["first holder", "write 1", "write 2"], details);
        Assert.Equal(tag, await hub.WithDbAsync(db => db.IdempotencyKeys.AsNoTracking().Where(k => k.Key == key).Select(k => k.RecordId).SingleAsync()));
        Assert.True((await hub.VerifyAuditAsync()).Intact);
    }

    [Fact]
    public async Task A_key_taken_earlier_in_the_same_batch_is_answered_as_a_retry_without_breaking_the_batch()
    {
        var writes = hub.Services.GetRequiredService<GroupCommit>();
        var key = "claimed-" + Guid.NewGuid().ToString("N");
        var tag = Guid.NewGuid().ToString("N");
        using var gate = new Gate();
        var held = writes.WriteAsync(gate);
        await Eventually.WaitAsync(gate.Entered.Task, "the first commit to start");
        var first = writes.WriteAsync(new Keyed(key, tag, "first", declared: true));
        var second = writes.WriteAsync(new Keyed(key, tag, "second", declared: true));
        var other = writes.WriteAsync(new Marked(tag, 3));
        gate.Release();

        await held;
        await first;
        await other;
        var refused = await Assert.ThrowsAsync<IdempotencyKeyTakenException>(() => second);
        Assert.Equal(key, refused.Key);
        var entries = await hub.WithDbAsync(db => db.AuditTrail.AsNoTracking().Where(e => e.RecordId == tag).OrderBy(e => e.Sequence).ToListAsync());
        Assert.Equal(["first", "write 3"], entries.Select(e => e.Detail));
        // Both in one transaction: the batch was not split up.
        Assert.Single(entries.Select(e => e.AtUtc).Distinct());
    }

    [Fact]
    public async Task Concurrent_posts_are_stored_and_announced_in_sequence_order()
    {
        var client = await hub.AgencyAlertsClientAsync("UZB");
        var responses = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ =>
            client.PostAlertAsync(SampleAlerts.HeroinAtKorday("UZB"), cancellationToken: Ct).ResponseAsync));

        var sequences = responses.Select(r => r.Alert.Sequence).ToHashSet();
        Assert.Equal(64, sequences.Count);
        var announced = await hub.WithDbAsync(db => db.Outbox.AsNoTracking().Where(m => m.MessageType == "alert-posted.v1").OrderBy(m => m.Id).Select(m => m.Payload).ToListAsync());
        var order = announced.Select(p => JsonSerializer.Deserialize<AlertPosted>(p, OutboxMessageTypes.Json)!.Sequence).Where(sequences.Contains).ToList();
        Assert.Equal(sequences.Order(), order);
        var posts = await hub.WithDbAsync(db => db.AuditTrail.AsNoTracking().CountAsync(e => e.Action == "alert.post" && e.ActorCountry == "UZB"));
        Assert.Equal(64, posts);
        var verified = await hub.VerifyAuditAsync();
        Assert.True(verified.Intact, verified.Reason);
    }

    [Fact]
    public async Task A_push_is_in_the_audit_trail_before_it_reaches_the_screen()
    {
        await using var connection = hub.CreateFeedConnection(await hub.PersonTokenAsync("operator"));
        var recordedOnArrival = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var wanted = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<JsonElement>("alertPosted", async message =>
        {
            var id = message.GetProperty("alert").GetProperty("id").GetString()!;
            if (id != await wanted.Task)
            {
                return;
            }
            recordedOnArrival.TrySetResult(await hub.WithDbAsync(db => db.AuditTrail.AsNoTracking().AnyAsync(e => e.Action == "alert.push" && e.RecordId == id)));
        });
        await connection.StartAsync(Ct);

        var posted = await (await hub.AgencyAlertsClientAsync("TJK")).PostAlertAsync(SampleAlerts.HeroinAtKorday("TJK"), cancellationToken: Ct);
        wanted.SetResult(posted.Alert.Id);

        Assert.True(await Eventually.WaitAsync(recordedOnArrival.Task, "the alert on the operator's feed"));
    }

    /// <summary>A write whose staging blocks the commit loop until released.</summary>
    private sealed class Gate : GroupWrite<bool>, IDisposable
    {
        private readonly ManualResetEventSlim _release = new();
        public TaskCompletionSource<bool> Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _release.Set();

        protected internal override void Stage(HubDbContext db)
        {
            Entered.TrySetResult(true);
            _release.Wait(TimeSpan.FromSeconds(30));
        }

        protected internal override bool Complete(HubDbContext db, List<AuditEvent> audit) => true;

        public void Dispose() => _release.Dispose();
    }

    /// <summary>An audit-only write, recognisable by its tag and number.</summary>
    private sealed class Marked(string tag, int number) : GroupWrite<bool>
    {
        protected internal override void Stage(HubDbContext db)
        {
        }

        protected internal override bool Complete(HubDbContext db, List<AuditEvent> audit)
        {
            audit.Add(new AuditEvent(Caller.System, Channels.Grpc, "test.write", AuditOutcomes.Allowed, "test", tag, $"write {number}"));
            return true;
        }
    }

    /// <summary>
    /// A write that takes an idempotency key: declared, the commit finds a second one taken;
    /// undeclared, a second one breaks the primary key.
    /// </summary>
    private sealed class Keyed(string key, string tag, string detail, bool declared = false) : GroupWrite<bool>
    {
        protected internal override (string Scope, string Key)? IdempotencyKey => declared ? ("test", key) : null;

        protected internal override void Stage(HubDbContext db) =>
            db.IdempotencyKeys.Add(new IdempotencyKey { Scope = "test", Key = key, RequestHash = "hash", RecordId = tag, CreatedAtUtc = DateTime.UtcNow });

        protected internal override bool Complete(HubDbContext db, List<AuditEvent> audit)
        {
            audit.Add(new AuditEvent(Caller.System, Channels.Grpc, "test.keyed", AuditOutcomes.Allowed, "test", tag, detail));
            return true;
        }
    }
}
