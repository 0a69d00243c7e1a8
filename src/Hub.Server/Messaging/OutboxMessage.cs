using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hub.Server.Messaging;

/// <summary>
/// An event waiting to be published, written in the same transaction as the record it is
/// about, so that an accepted write is never left without its event (nor an event without
/// its write).
/// </summary>
public sealed class OutboxMessage
{
    /// <summary>Insertion order; the dispatcher publishes in this order.</summary>
    public long Id { get; set; }
    /// <summary>Becomes the bus message id; consumers de-duplicate on it.</summary>
    public Guid MessageId { get; set; }
    /// <summary>The message type's key in <see cref="OutboxMessageTypes"/>.</summary>
    public required string MessageType { get; set; }
    public required string Payload { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime? DispatchedAtUtc { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("Outbox");
        builder.HasKey(m => m.Id);
        builder.HasIndex(m => m.MessageId).IsUnique();
        // The dispatcher's query: undispatched rows in id order.
        builder.HasIndex(m => new { m.DispatchedAtUtc, m.Id });
        builder.Property(m => m.MessageType).HasMaxLength(100);
        builder.Property(m => m.LastError).HasMaxLength(2000);
    }
}
