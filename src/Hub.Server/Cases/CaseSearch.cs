using Hub.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Cases;

/// <summary>
/// Full-text search over case messages. On SQLite an FTS5 table (created by the SQLite
/// migration, kept in the write's transaction) finds the candidates; on SQL Server, where a
/// full-text catalog is an installation choice, every word must appear in the subject or
/// body (LIKE). Either way the access policy then decides what the caller sees.
/// </summary>
public static class CaseSearch
{
    public const string FtsTable = "CaseMessageSearch";

    /// <summary>Indexes a new message inside the transaction that stores it (the group commit's, synchronous).</summary>
    public static void Index(HubDbContext db, CaseMessageRecord message)
    {
        if (db.Database.IsSqlite())
        {
            var id = message.Id.ToString();
            db.Database.ExecuteSql($"INSERT INTO CaseMessageSearch (MessageId, Subject, Body) VALUES ({id}, {message.Subject}, {message.Body})");
        }
    }

    /// <summary>Takes a message out of the index (withdrawn: searches no longer find it), inside the write's transaction.</summary>
    public static void Remove(HubDbContext db, Guid messageId)
    {
        if (db.Database.IsSqlite())
        {
            var id = messageId.ToString();
            db.Database.ExecuteSql($"DELETE FROM CaseMessageSearch WHERE MessageId = {id}");
        }
    }

    /// <summary>Indexes a corrected message's current text in place of the old.</summary>
    public static void Reindex(HubDbContext db, CaseMessageRecord message)
    {
        Remove(db, message.Id);
        Index(db, message);
    }

    /// <summary>The words of a query, each a literal term: nothing the user types is FTS syntax.</summary>
    public static IReadOnlyList<string> Terms(string query) =>
        query.Split([' ', '\t', '\n', '\r', ',', ';', '.', '"', '\'', '(', ')', '*', ':', '-', '+', '^'], StringSplitOptions.RemoveEmptyEntries)
            .Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).Take(10).ToList();

    /// <summary>Candidate message ids, best first; the caller filters them by access.</summary>
    public static async Task<IReadOnlyList<Guid>> CandidatesAsync(HubDbContext db, IReadOnlyList<string> terms, int limit, CancellationToken cancellationToken)
    {
        if (terms.Count == 0)
        {
            return [];
        }
        if (db.Database.IsSqlite())
        {
            var match = string.Join(' ', terms.Select(t => "\"" + t.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));
            var ids = await db.Database.SqlQuery<string>($"SELECT MessageId AS Value FROM CaseMessageSearch WHERE CaseMessageSearch MATCH {match} ORDER BY rank LIMIT {limit}")
                .ToListAsync(cancellationToken);
            return ids.Select(Guid.Parse).ToList();
        }
        var query = db.Set<CaseMessageRecord>().AsNoTracking();
        foreach (var term in terms)
        {
            var pattern = "%" + term.Replace("[", "[[]", StringComparison.Ordinal).Replace("%", "[%]", StringComparison.Ordinal).Replace("_", "[_]", StringComparison.Ordinal) + "%";
            query = query.Where(m => EF.Functions.Like(m.Subject, pattern) || EF.Functions.Like(m.Body, pattern));
        }
        return await query.OrderByDescending(m => m.SentAtUtc).Select(m => m.Id).Take(limit).ToListAsync(cancellationToken);
    }
}
