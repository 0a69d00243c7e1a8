using Google.Protobuf;
using Hub.Server.Access;
using Hub.Server.Audit;
using Hub.Server.Data;
using Hub.Server.ErrorHandling;
using Hub.Server.Idempotency;
using Hub.Server.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Records;

/// <summary>
/// The one write path of every record kind: a <see cref="RecordChange{TResponse}"/> is applied
/// inside the node's group commit with its feed rows, outbox rows, audit entries and
/// idempotency key, and the caller gets its answer once all of it is on disk. A retry under a
/// key already taken — by an earlier call, or by a concurrent one on this or another node
/// that won the race — gets the answer stored with the key, byte for byte.
/// </summary>
public sealed class RecordPipeline(GroupCommit writes, AccessPolicy policy, Matching.MatchIndex matching, IServiceScopeFactory scopes, OutboxSignal outbox,
    Microsoft.AspNetCore.DataProtection.IDataProtectionProvider protection, TimeProvider clock)
{
    private readonly Microsoft.AspNetCore.DataProtection.IDataProtector _responses = protection.CreateProtector("Hub.Records.StoredResponses");

    public async Task<TResponse> WriteAsync<TResponse>(Caller caller, RecordChange<TResponse> change, CancellationToken ct, string channel = Channels.Grpc)
        where TResponse : class, IMessage<TResponse>, new()
    {
        var claim = change.Idempotency;
        var write = new PipelineWrite<TResponse>(policy, matching, _responses, caller, channel, change, clock.GetUtcNow().UtcDateTime, claim);
        try
        {
            var response = await writes.WriteAsync(write);
            if (write.Announced)
            {
                outbox.Notify();
            }
            return response;
        }
        catch (Exception ex) when (claim is not null && ex is IdempotencyKeyTakenException or DbUpdateException)
        {
            return await EarlierAsync(caller, change, claim, write.RequestHash!, ct)
                ?? throw new InvalidOperationException($"{change.Action} could not be stored", ex);
        }
    }

    /// <summary>The answer stored with the key, or null when no key is stored (the failure was something else).</summary>
    private async Task<TResponse?> EarlierAsync<TResponse>(Caller caller, RecordChange<TResponse> change, IdempotencyClaim claim, string requestHash, CancellationToken ct)
        where TResponse : class, IMessage<TResponse>, new()
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var earlier = await db.IdempotencyKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Scope == claim.Scope && k.Key == claim.Key, ct);
        if (earlier is null)
        {
            return null;
        }
        if (earlier.RequestHash != requestHash)
        {
            throw HubException.AlreadyExists("idempotency_key",
                "already used for a different request; a retry must repeat the request exactly, a new request needs a new key").For(change.Action);
        }
        var stored = earlier.Response is { Length: > 0 } bytes
            ? new MessageParser<TResponse>(() => new TResponse()).ParseFrom(change.ProtectsStoredResponse ? _responses.Unprotect(bytes) : bytes)
            : change.StoredBefore(db, earlier.RecordId) ?? throw new InvalidOperationException($"no stored answer for key {claim.Key}");
        await writes.AuditAsync(new AuditEvent(caller, Channels.Grpc, change.Action + "-retry", AuditOutcomes.Allowed, change.RecordType, earlier.RecordId,
            "same idempotency key: the stored answer is returned"), ct);
        return change.AsRetry(stored);
    }

    /// <summary>A change as the group commit runs it.</summary>
    private sealed class PipelineWrite<TResponse>(AccessPolicy policy, Matching.MatchIndex matching, Microsoft.AspNetCore.DataProtection.IDataProtector responses, Caller caller, string channel, RecordChange<TResponse> change, DateTime nowUtc, IdempotencyClaim? claim)
        : GroupWrite<TResponse> where TResponse : class, IMessage<TResponse>, new()
    {
        private RecordContext? _context;
        private Func<TResponse>? _respond;

        public string? RequestHash { get; } = claim is null ? null : IdempotentWrites.HashOf(claim.Request);
        public bool Announced { get; private set; }

        protected internal override (string Scope, string Key)? IdempotencyKey => claim is null ? null : (claim.Scope, claim.Key);
        protected internal override bool MayRefuse => change.MayRefuse;
        protected internal override long Order => _context is { Events.Count: > 0 } c ? c.Events[0].Row.Sequence : 0;

        protected internal override void Stage(HubDbContext db)
        {
            _context = new RecordContext(db, policy, matching, caller, channel, nowUtc);
            _respond = change.Apply(_context);
        }

        protected internal override TResponse Complete(HubDbContext db, List<AuditEvent> audit)
        {
            var context = _context!;
            foreach (var raised in context.Events)
            {
                var message = raised.Announce();
                db.Outbox.Add(OutboxMessageTypes.Create(raised.Row.EventId, message, message.GetType(), nowUtc));
            }
            Announced = context.Events.Count > 0;
            var response = _respond!();
            if (context.AuditEvents.Count == 0)
            {
                throw new InvalidOperationException($"{change.Action} names no audit entry: every change is audited");
            }
            audit.AddRange(context.AuditEvents);
            if (claim is not null)
            {
                // Added after the rows are saved, with the answer a retry gets. A key taken
                // meanwhile by another node fails this commit on the primary key: the caller
                // then answers as that call's retry.
                db.IdempotencyKeys.Add(new IdempotencyKey
                {
                    Scope = claim.Scope,
                    Key = claim.Key,
                    RequestHash = RequestHash!,
                    RecordId = context.RecordId ?? "",
                    Response = change.ProtectsStoredResponse ? responses.Protect(response.ToByteArray()) : response.ToByteArray(),
                    CreatedAtUtc = nowUtc,
                });
            }
            return response;
        }
    }
}
