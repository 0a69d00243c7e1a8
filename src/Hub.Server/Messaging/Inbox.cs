using MassTransit;
using Hub.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hub.Server.Messaging;

/// <summary>
/// A message a durable consumer has finished with, so that a redelivery of it has no second
/// effect. Kept for <see cref="Inbox.Retention"/>: longer than any redelivery can come late.
/// </summary>
public sealed class InboxMessage
{
    public required string Consumer { get; set; }
    public Guid MessageId { get; set; }
    public DateTime ProcessedAtUtc { get; set; }
}

internal sealed class InboxMessageConfiguration : IEntityTypeConfiguration<InboxMessage>
{
    public void Configure(EntityTypeBuilder<InboxMessage> builder)
    {
        builder.ToTable("Inbox");
        builder.HasKey(m => new { m.Consumer, m.MessageId });
        builder.Property(m => m.Consumer).HasMaxLength(100);
        builder.HasIndex(m => m.ProcessedAtUtc);
    }
}

public static class Inbox
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    public static Task<bool> SeenAsync(HubDbContext db, string consumer, Guid messageId, CancellationToken cancellationToken) =>
        db.Set<InboxMessage>().AnyAsync(m => m.Consumer == consumer && m.MessageId == messageId, cancellationToken);
}

/// <summary>
/// What every country fan-out consumer does: once per event (inbox), put it on each
/// entitled country's queue, then record the fan-out in the audit trail and the inbox in one
/// (group) commit. A crash in between sends again on redelivery (at least once); agencies
/// de-duplicate by event id.
/// </summary>
public static class CountryFanOuts
{
    /// <summary>The durable queue every feed's country fan-out consumes from, one node at a time.</summary>
    public const string QueueName = "hub-country-fanout";

    /// <summary>
    /// A broker hiccup while fanning out is retried; what still fails goes to the error
    /// queue, where admins see it and can replay it.
    /// </summary>
    public static void RetryTransientFailures(IReceiveEndpointConfigurator endpoint) =>
        endpoint.UseMessageRetry(r => r.Exponential(8, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500)));

    /// <summary>
    /// Puts one event on the queue of every country the policy entitles to it now — the
    /// record's current access, the countries' current status — once (inbox), audited. The
    /// fan-out of every feed kind.
    /// </summary>
    public static async Task DeliverOnceAsync<TEvent>(
        HubDbContext db, CountryQueues queues, GroupCommit writes, Access.AccessPolicy policy, TimeProvider clock,
        Records.IFeedKind<TEvent> kind, TEvent liveEvent, Func<TEvent, CountryEvent> countryEvent, CancellationToken ct)
        where TEvent : class, Google.Protobuf.IMessage
    {
        var consumer = kind.Name + "-country-fanout";
        var item = (await kind.ResolveAsync(db, [liveEvent], ct))[0];
        if (await Inbox.SeenAsync(db, consumer, item.EventId, ct))
        {
            return;
        }
        // Each country gets the event as it may see it now, rendered once per sight.
        var sights = policy.CountrySights(item);
        var rendered = new Dictionary<Access.Sight, CountryEvent>();
        foreach (var (country, sight) in sights)
        {
            if (!rendered.TryGetValue(sight, out var message))
            {
                rendered[sight] = message = countryEvent(item.For(kind, sight));
            }
            await queues.SendAsync(country, message, ct);
        }
        await writes.WriteAsync(new InboxWrite(consumer, item.EventId, clock.GetUtcNow().UtcDateTime,
            new Audit.AuditEvent(Access.Caller.System, Access.Channels.CountryQueue, kind.Name + ".fan-out", Audit.AuditOutcomes.Allowed, item.RecordType, item.RecordId,
                string.Join("; ", sights.GroupBy(s => rendered[s.Sight].EventType).Select(g => $"{g.Key} to {string.Join(',', g.Select(s => s.Country))}")))));
    }

    /// <summary>The consumer's inbox record and its audit entry, as one group write.</summary>
    private sealed class InboxWrite(string consumer, Guid messageId, DateTime nowUtc, Audit.AuditEvent auditEvent) : GroupWrite<bool>
    {
        protected internal override void Stage(HubDbContext db) =>
            db.Set<InboxMessage>().Add(new InboxMessage { Consumer = consumer, MessageId = messageId, ProcessedAtUtc = nowUtc });

        protected internal override bool Complete(HubDbContext db, List<Audit.AuditEvent> audit)
        {
            audit.Add(auditEvent);
            return true;
        }
    }
}
