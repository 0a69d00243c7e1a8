using Hub.Server.Data;
using Hub.Server.Records;

namespace Hub.Server.Matching;

/// <summary>
/// What a record kind supplies to matching: who may read one of its records now, what it
/// carries that can be matched, and how it is released to another country. The index, the
/// checks, continuous matching and the decisions are matching's own, the same for every kind.
/// </summary>
public interface IMatchableKind
{
    /// <summary>The record type the index rows name (<c>alert</c>, <c>case_message</c>, <c>delivery</c>).</summary>
    string RecordType { get; }

    /// <summary>The record's current access, or null when there is none (purged, unknown id).</summary>
    SightedRecord? AccessOf(HubDbContext db, string recordId);

    /// <summary>The record's owner and parts as stored now, or null when withdrawn or gone (what a re-key reads).</summary>
    (string Owner, MatchParts Parts)? PartsOf(HubDbContext db, string recordId);

    /// <summary>
    /// Inside the commit: releases the record to <paramref name="country"/> through the kind's
    /// own release change (a new version, its event on every channel), or refuses with a
    /// <see cref="ErrorHandling.HubException"/> saying how the kind is shared instead.
    /// Returns the step to run once saved (its audit entry).
    /// </summary>
    Action Release(RecordContext context, string recordId, string country, string reason);
}

/// <summary>The <c>Hub:Matching</c> settings.</summary>
public sealed class MatchingOptions
{
    public const string Section = MatchKeyring.Section;

    /// <summary>A value held by this many records is too common to be a lead: it is no longer indexed nor matched (MISP #8304).</summary>
    [System.ComponentModel.DataAnnotations.Range(2, 100_000)]
    public int CommonThreshold { get; set; } = 200;

    /// <summary>At most this many matching records are listed per checked item.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1000)]
    public int MaxHitsPerItem { get; set; } = 50;

    /// <summary>How often the re-key pass runs (after a key rotation), and how many records it re-keys per run.</summary>
    public TimeSpan RekeyInterval { get; set; } = TimeSpan.FromSeconds(30);

    [System.ComponentModel.DataAnnotations.Range(1, 100_000)]
    public int RekeyBatch { get; set; } = 500;
}
