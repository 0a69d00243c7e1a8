using System.Collections.Frozen;
using Hub.Server.Countries;
using Hub.Server.Data;
using Hub.Server.Identity;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;

namespace Hub.Server.Access;

/// <summary>
/// What the access policy needs from the database — each participant's status and which
/// accounts are disabled — held in memory because the policy is asked on every pushed event.
/// Refreshed at once when this node changes either, and at least every <see cref="MaxAge"/>
/// so that changes made on other nodes apply within that time.
/// </summary>
public sealed class AccessDirectory(IServiceScopeFactory scopes, TimeProvider clock) : IDisposable
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(15);
    private volatile Snapshot _snapshot = new(FrozenDictionary<string, CountryStatus>.Empty, FrozenSet<string>.Empty, DateTimeOffset.MinValue);
    private readonly SemaphoreSlim _refreshing = new(1, 1);

    private sealed record Snapshot(FrozenDictionary<string, CountryStatus> Statuses, FrozenSet<string> DisabledSubjects, DateTimeOffset LoadedAt);

    private Snapshot Current
    {
        get
        {
            var snapshot = _snapshot;
            if (clock.GetUtcNow() - snapshot.LoadedAt > MaxAge)
            {
                // Stale: answer from what we have and refresh in the background.
                _ = RefreshAsync(CancellationToken.None);
            }
            return snapshot;
        }
    }

    public CountryStatus? StatusOf(string country) =>
        Current.Statuses.TryGetValue(country, out var status) ? status : null;

    public bool IsDisabled(string subject) => Current.DisabledSubjects.Contains(subject);

    public IEnumerable<string> Participants => Current.Statuses.Keys;

    /// <summary>The member states now, in code order: whose returns statistics expect.</summary>
    public IReadOnlyList<string> Members => [.. Current.Statuses.Where(s => s.Value == CountryStatus.Member).Select(s => s.Key).Order(StringComparer.Ordinal)];

    public void Dispose() => _refreshing.Dispose();

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var statuses = await db.Countries.AsNoTracking().ToDictionaryAsync(c => c.Code, c => c.Status, cancellationToken);
            var disabled = await db.Users.AsNoTracking().Where(u => u.IsDisabled).Select(u => u.Id).ToListAsync(cancellationToken);
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            await foreach (var application in applications.ListAsync(count: null, offset: null, cancellationToken))
            {
                if (AgencyClients.IsDisabled(await applications.GetPropertiesAsync(application, cancellationToken)))
                {
                    disabled.Add((await applications.GetClientIdAsync(application, cancellationToken))!);
                }
            }
            _snapshot = new Snapshot(
                statuses.ToFrozenDictionary(StringComparer.Ordinal),
                disabled.ToFrozenSet(StringComparer.Ordinal),
                clock.GetUtcNow());
        }
        finally
        {
            _refreshing.Release();
        }
    }
}
