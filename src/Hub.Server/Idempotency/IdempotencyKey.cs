using System.Security.Cryptography;
using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hub.Server.Idempotency;

/// <summary>
/// A client-chosen key under which a write was done, so that a retried call returns what the
/// first call stored instead of storing it again. Keys are scoped (e.g. per originating
/// country and record type), and remember a hash of the request so that a key reused for a
/// different request is refused rather than silently answered with the wrong record.
/// </summary>
public sealed class IdempotencyKey
{
    public required string Scope { get; set; }
    public required string Key { get; set; }
    public required string RequestHash { get; set; }
    public required string RecordId { get; set; }
    /// <summary>The answer the first call got (protobuf bytes): every retry gets it again. Null for keys stored before answers were kept.</summary>
    public byte[]? Response { get; set; }
    public DateTime CreatedAtUtc { get; set; }
}

internal sealed class IdempotencyKeyConfiguration : IEntityTypeConfiguration<IdempotencyKey>
{
    public void Configure(EntityTypeBuilder<IdempotencyKey> builder)
    {
        builder.ToTable("IdempotencyKeys");
        // The primary key is what makes two concurrent first calls store one record.
        builder.HasKey(k => new { k.Scope, k.Key });
        builder.Property(k => k.Scope).HasMaxLength(64);
        builder.Property(k => k.Key).HasMaxLength(64);
        builder.Property(k => k.RequestHash).HasMaxLength(64);
        builder.Property(k => k.RecordId).HasMaxLength(64);
    }
}

/// <summary>The shared mechanism every idempotent write uses.</summary>
public static class IdempotentWrites
{
    public static string HashOf(IMessage request) => Convert.ToHexString(SHA256.HashData(request.ToByteArray()));
}
