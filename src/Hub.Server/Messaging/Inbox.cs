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

    public static async Task RecordAsync(HubDbContext db, string consumer, Guid messageId, DateTime nowUtc, CancellationToken cancellationToken)
    {
        db.Set<InboxMessage>().Add(new InboxMessage { Consumer = consumer, MessageId = messageId, ProcessedAtUtc = nowUtc });
        await db.SaveChangesAsync(cancellationToken);
    }
}
