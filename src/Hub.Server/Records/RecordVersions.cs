using Google.Protobuf.WellKnownTypes;
using Hub.Contracts.V1;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Hub.Server.Records;

/// <summary>
/// A record kind whose records can be corrected and withdrawn: its current version and its
/// withdrawal live in its own row; superseded versions in <see cref="RecordVersionRow"/>.
/// </summary>
public interface IRevisableRecord
{
    /// <summary>1 when created; each correction or release change adds one.</summary>
    int Version { get; set; }
    /// <summary>When the current version was made; null for version 1 (made when the record was stored).</summary>
    DateTime? VersionAtUtc { get; set; }
    string VersionBy { get; set; }
    string VersionReason { get; set; }
    WithdrawalCause WithdrawalCause { get; set; }
    string WithdrawalReason { get; set; }
    DateTime? WithdrawnAtUtc { get; set; }
    string WithdrawnBy { get; set; }
    string WithdrawnByCountry { get; set; }
    string LegalBasis { get; set; }
}

/// <summary>
/// A superseded version of any record kind, kept so that a history shows every version.
/// Purge rewrites its content in place (the audit trail, which holds no content, is the
/// immutable history).
/// </summary>
public sealed class RecordVersionRow
{
    public long Id { get; set; }
    public required string RecordType { get; set; }
    public required string RecordId { get; set; }
    public int Version { get; set; }
    /// <summary>The content of that version (the kind's proto3 JSON); empty once purged.</summary>
    public string ContentJson { get; set; } = "";
    public DateTime MadeAtUtc { get; set; }
    public string MadeBy { get; set; } = "";
    public string Reason { get; set; } = "";
}

public static class RecordRevisions
{
    public const int MaxReason = 1000;
    public const int MaxLegalBasis = 200;
    public const int MaxVersions = 100;

    public static bool IsWithdrawn(this IRevisableRecord record) => record.WithdrawalCause != WithdrawalCause.Unspecified;

    /// <summary>Keeps the current version as superseded and makes the next one, by the caller, for the reason.</summary>
    public static void Supersede(this IRevisableRecord record, RecordContext context, string recordType, string recordId, DateTime storedAtUtc, string currentContentJson, string reason)
    {
        // Every version is kept: a bound keeps one record from growing the table without end.
        KeepVersion(context, recordType, recordId, record.Version, currentContentJson, record.VersionAtUtc ?? storedAtUtc, record.VersionBy, record.VersionReason,
            "expected_version", "withdraw it and post it anew");
        record.Version++;
        record.VersionAtUtc = context.NowUtc;
        record.VersionBy = context.Caller.Name ?? context.Caller.Subject;
        record.VersionReason = reason;
    }

    /// <summary>
    /// Keeps a version being superseded in the versions table, for every record kind (revisable
    /// ones through <see cref="Supersede"/>; returns, which are replaced rather than corrected,
    /// directly). A bound keeps one record from growing the table without end.
    /// </summary>
    public static void KeepVersion(RecordContext context, string recordType, string recordId, int version, string contentJson, DateTime madeAtUtc,
        string madeBy, string reason, string field, string instead)
    {
        if (version >= MaxVersions)
        {
            throw ErrorHandling.HubException.FailedPrecondition(field, $"the record has {MaxVersions} versions, the most kept: {instead}", recordType, recordId);
        }
        context.Db.Add(new RecordVersionRow
        {
            RecordType = recordType,
            RecordId = recordId,
            Version = version,
            ContentJson = contentJson,
            MadeAtUtc = madeAtUtc,
            MadeBy = madeBy,
            Reason = reason,
        });
    }

    /// <summary>
    /// Marks the record withdrawn by the caller (or the hub), for the cause and reason, and takes
    /// it out of the blind index: a withdrawn or purged record matches nothing.
    /// </summary>
    public static void Withdraw(this IRevisableRecord record, RecordContext context, string recordType, string recordId, WithdrawalCause cause, string reason, string legalBasis)
    {
        context.Unindex(recordType, recordId);
        record.WithdrawalCause = cause;
        record.WithdrawalReason = reason;
        record.WithdrawnAtUtc = context.NowUtc;
        record.WithdrawnBy = context.Caller.Name ?? context.Caller.Subject;
        record.WithdrawnByCountry = context.Caller.Country;
        record.LegalBasis = legalBasis;
    }

    /// <summary>
    /// The cause a withdrawal by the caller has, decided for every kind alike: the centre's
    /// operators with a legal basis, or the originator's country without one. A caller of
    /// another country learns only NOT_FOUND (<paramref name="field"/> names the record's id).
    /// </summary>
    public static WithdrawalCause WithdrawerCause(RecordContext context, string originator, string legalBasis, string action, string recordType, string field, string recordId)
    {
        var caller = context.Caller;
        var byCentre = caller.IsCentreStaff;
        if (!byCentre && caller.Country != originator)
        {
            throw ErrorHandling.HubException.NotFound(field, $"{recordType} {recordId} of {caller.Country}", recordType, recordId, $"originated by {originator}").For(action);
        }
        var decision = context.Policy.CanWithdraw(caller, originator);
        if (!decision.Allowed)
        {
            throw ErrorHandling.HubException.Denied(decision.Reason, recordType, recordId).For(action);
        }
        if (byCentre == (legalBasis.Length == 0))
        {
            throw ErrorHandling.HubException.Invalid("legal_basis", byCentre
                ? "required when the centre withdraws a record"
                : "only the centre states a legal basis; the originator gives a reason");
        }
        return byCentre ? WithdrawalCause.Centre : WithdrawalCause.Originator;
    }

    public static Withdrawal? WithdrawalOf(IRevisableRecord record) => record.IsWithdrawn()
        ? new Withdrawal
        {
            Cause = record.WithdrawalCause,
            Reason = record.WithdrawalReason,
            WithdrawnAt = Timestamp.FromDateTime(DateTime.SpecifyKind(record.WithdrawnAtUtc ?? default, DateTimeKind.Utc)),
            WithdrawnBy = record.WithdrawnBy,
            WithdrawnByCountry = record.WithdrawnByCountry,
            LegalBasis = record.LegalBasis,
        }
        : null;

    /// <summary>What a country that lost a record through a release change is told.</summary>
    public static Withdrawal NoLongerReleased(DateTime atUtc) => new()
    {
        Cause = WithdrawalCause.NoLongerReleased,
        Reason = "no longer released to your country",
        WithdrawnAt = Timestamp.FromDateTime(DateTime.SpecifyKind(atUtc, DateTimeKind.Utc)),
    };

    /// <summary>The columns every revisable record kind shares, configured once.</summary>
    public static void ConfigureRevisions<T>(this EntityTypeBuilder<T> b) where T : class, IRevisableRecord
    {
        b.Property(r => r.VersionBy).HasMaxLength(200);
        b.Property(r => r.VersionReason).HasMaxLength(MaxReason);
        b.Property(r => r.WithdrawalCause).HasConversion<string>().HasMaxLength(24);
        b.Property(r => r.WithdrawalReason).HasMaxLength(MaxReason);
        b.Property(r => r.WithdrawnBy).HasMaxLength(200);
        b.Property(r => r.WithdrawnByCountry).HasMaxLength(16);
        b.Property(r => r.LegalBasis).HasMaxLength(MaxLegalBasis);
    }
}

internal sealed class RecordVersionRowConfiguration : IEntityTypeConfiguration<RecordVersionRow>
{
    public void Configure(EntityTypeBuilder<RecordVersionRow> b)
    {
        b.ToTable("RecordVersions");
        b.HasKey(v => v.Id);
        b.Property(v => v.RecordType).HasMaxLength(40);
        b.Property(v => v.RecordId).HasMaxLength(64);
        b.HasIndex(v => new { v.RecordType, v.RecordId, v.Version }).IsUnique();
        b.Property(v => v.MadeBy).HasMaxLength(200);
        b.Property(v => v.Reason).HasMaxLength(RecordRevisions.MaxReason);
    }
}
