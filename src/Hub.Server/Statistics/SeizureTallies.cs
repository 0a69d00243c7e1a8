using Hub.Contracts.V1;
using Hub.Server.Alerts;
using Hub.Server.Data;
using Hub.Server.Records;

namespace Hub.Server.Statistics;

/// <summary>
/// What an alert counts for in the statistics, and the tallies a change of it writes. Every
/// alert change (post, correction, release change, withdrawal, purge) calls
/// <see cref="Replace"/> with what the alert counted before and after it, in its own commit:
/// the totals are exact at every commit, whatever the change.
/// </summary>
public static class SeizureTallies
{
    /// <summary>What the alert counts for now: one tally per seized item; nothing once withdrawn.</summary>
    public static IReadOnlyList<SeizureTallyRow> Counted(AlertRecord alert, SeizureAlertContent? content)
    {
        if (alert.IsWithdrawn() || content is null)
        {
            return [];
        }
        var day = alert.SeizedAtUtc.Date;
        var route = content.Route;
        var transit = route is { TransitCountries.Count: > 0 } ? "," + string.Join(',', route.TransitCountries.Distinct(StringComparer.Ordinal)) + "," : "";
        return [.. content.Items.Where(i => Measures.Of(i.Unit) != Measure.Unspecified).Select(item =>
        {
            var measure = Measures.Of(item.Unit);
            return new SeizureTallyRow
            {
                Day = DateTime.SpecifyKind(day, DateTimeKind.Utc),
                ReportingCountry = alert.ReportingCountry,
                Distribution = alert.Distribution,
                AddressedCountries = alert.AddressedCountries,
                Substance = item.Substance,
                Measure = measure,
                Amount = Measures.ToAmount(Measures.Normalize(item.Quantity, item.Unit), measure),
                Items = 1,
                Transport = content.TransportMode,
                Concealment = content.Concealment,
                Origin = route?.OriginCountry ?? "",
                Destination = route?.DestinationCountry ?? "",
                Transit = transit,
            };
        })];
    }

    /// <summary>What a stored alert counts for now, its content read from its row.</summary>
    public static IReadOnlyList<SeizureTallyRow> Counted(AlertRecord alert) =>
        alert.IsWithdrawn() || alert.ContentJson.Length == 0 ? [] : Counted(alert, ProtoJson.Parser.Parse<SeizureAlertContent>(alert.ContentJson));

    /// <summary>
    /// Takes out what the alert counted before and puts in what it counts after, in this
    /// commit. Items that did not change (a correction of the summary) write nothing.
    /// </summary>
    public static void Replace(HubDbContext db, IReadOnlyList<SeizureTallyRow> before, IReadOnlyList<SeizureTallyRow> after)
    {
        var added = new List<SeizureTallyRow>(after);
        foreach (var old in before)
        {
            var same = added.FindIndex(n => SameCounting(n, old));
            if (same >= 0)
            {
                added.RemoveAt(same);
                continue;
            }
            old.Amount = -old.Amount;
            old.Items = -old.Items;
            db.Add(old);
        }
        foreach (var fresh in added)
        {
            db.Add(fresh);
        }
    }

    private static bool SameCounting(SeizureTallyRow a, SeizureTallyRow b) =>
        a.Day == b.Day && a.ReportingCountry == b.ReportingCountry && a.Distribution == b.Distribution
        && a.AddressedCountries == b.AddressedCountries && a.Substance == b.Substance && a.Measure == b.Measure
        && a.Amount == b.Amount && a.Items == b.Items && a.Transport == b.Transport && a.Concealment == b.Concealment
        && a.Origin == b.Origin && a.Destination == b.Destination && a.Transit == b.Transit;

    /// <summary>The cells a tally adds to: its day, its month, its year, and its month under each facet.</summary>
    public static IEnumerable<CellKey> CellsOf(SeizureTallyRow t)
    {
        var month = new DateTime(t.Day.Year, t.Day.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        yield return Key(t, SeizureCut.Day, t.Day, "");
        yield return Key(t, SeizureCut.Month, month, "");
        yield return Key(t, SeizureCut.Year, new DateTime(t.Day.Year, 1, 1, 0, 0, 0, DateTimeKind.Utc), "");
        yield return Key(t, SeizureCut.Transport, month, t.Transport.ToString());
        yield return Key(t, SeizureCut.Concealment, month, t.Concealment.ToString());
        yield return Key(t, SeizureCut.Origin, month, t.Origin);
        yield return Key(t, SeizureCut.Destination, month, t.Destination);
        if (t.Transit.Length == 0)
        {
            yield return Key(t, SeizureCut.Transit, month, "");
        }
        foreach (var country in t.Transit.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            yield return Key(t, SeizureCut.Transit, month, country);
        }
    }

    private static CellKey Key(SeizureTallyRow t, SeizureCut cut, DateTime start, string facet) =>
        new(cut, start, t.ReportingCountry, t.Distribution, t.AddressedCountries, t.Substance, t.Measure, facet);
}

/// <summary>The key of one <see cref="SeizureCellRow"/>.</summary>
public readonly record struct CellKey(SeizureCut Cut, DateTime PeriodStart, string Country, Distribution Distribution, string Addressed,
    Substance Substance, Measure Measure, string Facet)
{
    public static CellKey Of(SeizureCellRow c) => new(c.Cut, c.PeriodStart, c.ReportingCountry, c.Distribution, c.AddressedCountries, c.Substance, c.Measure, c.Facet);
}
