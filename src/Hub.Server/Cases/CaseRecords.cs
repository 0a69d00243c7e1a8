using Hub.Contracts.V1;
using Hub.Server.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hub.Server.Cases;

/// <summary>A cross-border case (investigation or operation) owned by one member state.</summary>
public sealed class CaseRecord
{
    public Guid Id { get; set; }
    public required string Title { get; set; }
    public required string OwnerCountry { get; set; }
    public bool Open { get; set; } = true;
    public DateTime OpenedAtUtc { get; set; }
    /// <summary>country=reference pairs, one per line.</summary>
    public string NationalReferences { get; set; } = "";
    /// <summary>Comma-separated alert ids.</summary>
    public string LinkedAlertIds { get; set; } = "";
    /// <summary>While set, nothing linked to the case is purged under retention.</summary>
    public bool LegalHold { get; set; }
    public string LegalHoldReason { get; set; } = "";
    public List<CaseParticipantRecord> Participants { get; set; } = [];
}

public sealed class CaseParticipantRecord
{
    public Guid CaseId { get; set; }
    public required string Country { get; set; }
    public ParticipationState State { get; set; }
    public DateTime ChangedAtUtc { get; set; }
}

/// <summary>A message in a case. Its text is stored as written, in its language.</summary>
public sealed class CaseMessageRecord : IRevisableRecord
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public Guid? ReplyToMessageId { get; set; }
    public required string SenderCountry { get; set; }
    public required string SenderSubject { get; set; }
    public required string SenderName { get; set; }
    public MessageKind Kind { get; set; }
    public MessagePriority Priority { get; set; }
    public required string Subject { get; set; }
    public required string Body { get; set; }
    /// <summary>The message's identifiers and persons (proto3 JSON of a CaseMessage holding only them); empty when none or purged.</summary>
    public string PartiesJson { get; set; } = "";
    /// <summary>Comma-separated recipient countries, forwarded-to ones included.</summary>
    public required string Recipients { get; set; }
    public Distribution Distribution { get; set; }
    public HandlingCode HandlingCode { get; set; }
    public string HandlingRestrictions { get; set; } = "";
    public SourceReliability SourceReliability { get; set; }
    public InformationReliability InformationReliability { get; set; }
    public required string Language { get; set; }
    public DateTime SentAtUtc { get; set; }
    public bool AwaitingReply { get; set; }
    public DateTime? ReplyDueAtUtc { get; set; }
    public DateTime? OverdueAtUtc { get; set; }
    public long Sequence { get; set; }
    public List<CaseReceiptRecord> Receipts { get; set; } = [];
    public List<CaseAttachmentRecord> Attachments { get; set; } = [];

    public int Version { get; set; } = 1;
    public DateTime? VersionAtUtc { get; set; }
    public string VersionBy { get; set; } = "";
    public string VersionReason { get; set; } = "";
    public WithdrawalCause WithdrawalCause { get; set; }
    public string WithdrawalReason { get; set; } = "";
    public DateTime? WithdrawnAtUtc { get; set; }
    public string WithdrawnBy { get; set; } = "";
    public string WithdrawnByCountry { get; set; } = "";
    public string LegalBasis { get; set; } = "";

    /// <summary>Kept by the centre until then; null: the retention period from <see cref="SentAtUtc"/>.</summary>
    public DateTime? KeepUntilUtc { get; set; }
    public string KeepReason { get; set; } = "";

    public IReadOnlyList<string> RecipientList => Recipients.Length == 0 ? [] : Recipients.Split(',');
}

public sealed class CaseReceiptRecord
{
    public Guid MessageId { get; set; }
    public required string Country { get; set; }
    public ReceiptState State { get; set; }
    public DateTime ChangedAtUtc { get; set; }
}

public sealed class CaseAttachmentRecord
{
    public Guid Id { get; set; }
    public Guid MessageId { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public required byte[] Content { get; set; }
    public long Size { get; set; }
}

/// <summary>A request to pass an H2/H3 message on, waiting for its originator.</summary>
public sealed class ForwardRecord
{
    public Guid Id { get; set; }
    public Guid MessageId { get; set; }
    public required string RequestedByCountry { get; set; }
    public required string RequestedBy { get; set; }
    public required string Countries { get; set; }
    public required string Reason { get; set; }
    public ForwardState State { get; set; }
    public string? DecidedBy { get; set; }
    public string? DecisionReason { get; set; }
    public DateTime RequestedAtUtc { get; set; }
    public DateTime? DecidedAtUtc { get; set; }
}

/// <summary>
/// The case event feed: each event as it was sent (proto3 JSON of <c>hub.v1.CaseEvent</c>),
/// with the case and the message it concerns. Who receives it is decided when it is sent,
/// from the case's and the message's current state.
/// </summary>
public sealed class CaseEventRecord : FeedEventRow
{
    public Guid CaseId { get; set; }
    public Guid? MessageId { get; set; }
}

internal sealed class CaseConfigurations :
    IEntityTypeConfiguration<CaseRecord>, IEntityTypeConfiguration<CaseParticipantRecord>, IEntityTypeConfiguration<CaseMessageRecord>,
    IEntityTypeConfiguration<CaseReceiptRecord>, IEntityTypeConfiguration<CaseAttachmentRecord>, IEntityTypeConfiguration<ForwardRecord>,
    IEntityTypeConfiguration<CaseEventRecord>
{
    public void Configure(EntityTypeBuilder<CaseRecord> b)
    {
        b.ToTable("Cases");
        b.HasKey(c => c.Id);
        b.Property(c => c.Title).HasMaxLength(200);
        b.Property(c => c.OwnerCountry).HasMaxLength(16);
        b.Property(c => c.NationalReferences).HasMaxLength(4000);
        b.Property(c => c.LinkedAlertIds).HasMaxLength(4000);
        b.Property(c => c.LegalHoldReason).HasMaxLength(1000);
        b.HasMany(c => c.Participants).WithOne().HasForeignKey(p => p.CaseId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<CaseParticipantRecord> b)
    {
        b.ToTable("CaseParticipants");
        b.HasKey(p => new { p.CaseId, p.Country });
        b.Property(p => p.Country).HasMaxLength(16);
        b.Property(p => p.State).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(p => p.Country);
    }

    public void Configure(EntityTypeBuilder<CaseMessageRecord> b)
    {
        b.ToTable("CaseMessages");
        b.HasKey(m => m.Id);
        b.HasIndex(m => new { m.CaseId, m.SentAtUtc });
        b.HasIndex(m => new { m.AwaitingReply, m.ReplyDueAtUtc });
        b.Property(m => m.SenderCountry).HasMaxLength(16);
        b.Property(m => m.SenderSubject).HasMaxLength(200);
        b.Property(m => m.SenderName).HasMaxLength(200);
        b.Property(m => m.Kind).HasConversion<string>().HasMaxLength(40);
        b.Property(m => m.Priority).HasConversion<string>().HasMaxLength(16);
        b.Property(m => m.Subject).HasMaxLength(200);
        b.Property(m => m.Recipients).HasMaxLength(1000);
        b.Property(m => m.Distribution).HasConversion<string>().HasMaxLength(40);
        b.Property(m => m.HandlingCode).HasConversion<string>().HasMaxLength(8);
        b.Property(m => m.HandlingRestrictions).HasMaxLength(1000);
        b.Property(m => m.SourceReliability).HasConversion<string>().HasMaxLength(16);
        b.Property(m => m.InformationReliability).HasConversion<string>().HasMaxLength(16);
        b.Property(m => m.Language).HasMaxLength(8);
        b.Ignore(m => m.RecipientList);
        b.ConfigureRevisions();
        b.Property(m => m.KeepReason).HasMaxLength(RecordRevisions.MaxReason);
        b.HasMany(m => m.Receipts).WithOne().HasForeignKey(r => r.MessageId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(m => m.Attachments).WithOne().HasForeignKey(a => a.MessageId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<CaseReceiptRecord> b)
    {
        b.ToTable("CaseReceipts");
        b.HasKey(r => new { r.MessageId, r.Country });
        b.Property(r => r.Country).HasMaxLength(16);
        b.Property(r => r.State).HasConversion<string>().HasMaxLength(16);
    }

    public void Configure(EntityTypeBuilder<CaseAttachmentRecord> b)
    {
        b.ToTable("CaseAttachments");
        b.HasKey(a => a.Id);
        b.Property(a => a.FileName).HasMaxLength(200);
        b.Property(a => a.ContentType).HasMaxLength(100);
    }

    public void Configure(EntityTypeBuilder<ForwardRecord> b)
    {
        b.ToTable("CaseForwards");
        b.HasKey(f => f.Id);
        b.HasIndex(f => f.MessageId);
        b.Property(f => f.RequestedByCountry).HasMaxLength(16);
        b.Property(f => f.RequestedBy).HasMaxLength(200);
        b.Property(f => f.Countries).HasMaxLength(1000);
        b.Property(f => f.Reason).HasMaxLength(1000);
        b.Property(f => f.State).HasConversion<string>().HasMaxLength(16);
        b.Property(f => f.DecidedBy).HasMaxLength(200);
        b.Property(f => f.DecisionReason).HasMaxLength(1000);
    }

    public void Configure(EntityTypeBuilder<CaseEventRecord> b)
    {
        b.ToTable("CaseEvents");
        b.HasKey(e => e.Sequence);
        b.Property(e => e.Sequence).ValueGeneratedOnAdd();
        b.HasIndex(e => e.EventId).IsUnique();
        b.HasIndex(e => new { e.CaseId, e.Sequence });
        b.Property(e => e.Type).HasMaxLength(40);
    }
}
