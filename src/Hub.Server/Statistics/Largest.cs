using Google.Protobuf.WellKnownTypes;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Alerts;
using Hub.Server.Data;
using Hub.Server.Records;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Statistics;

/// <summary>The largest seized items of the alerts the caller may read, per measure.</summary>
public static class Largest
{
    public const int MaxLimit = 100;

    private static readonly (Measure Measure, QuantityUnit[] Units)[] UnitsOf =
    [
        (Measure.MassKg, [QuantityUnit.G, QuantityUnit.Kg, QuantityUnit.T]),
        (Measure.VolumeL, [QuantityUnit.Ml, QuantityUnit.L]),
        (Measure.Pills, [QuantityUnit.Pills]),
        (Measure.Ampoules, [QuantityUnit.Ampoules]),
    ];

    public static async Task<List<LargestSeizure>> FindAsync(HubDbContext db, AccessPolicy policy, Caller caller, TotalsQuery q, int limit, CancellationToken ct)
    {
        var (start, end, countries, substances) = (q.Start, q.End, q.Countries, q.Substances);
        var alerts = db.Set<AlertRecord>().AsNoTracking().Where(policy.Readable<AlertRecord>(caller))
            .Where(a => a.WithdrawalCause == WithdrawalCause.Unspecified && a.SeizedAtUtc >= start && a.SeizedAtUtc < end);
        if (countries.Count > 0)
        {
            alerts = alerts.Where(a => countries.Contains(a.ReportingCountry));
        }
        var found = new List<LargestSeizure>();
        foreach (var (measure, units) in UnitsOf)
        {
            var items = db.Set<AlertItemRecord>().AsNoTracking().Where(i => units.Contains(i.Unit));
            if (substances.Count > 0)
            {
                items = items.Where(i => substances.Contains(i.Substance));
            }
            var top = await items.Join(alerts, i => i.AlertSequence, a => a.Sequence, (i, a) => new { Item = i, Alert = a })
                .OrderByDescending(x => x.Item.NormalizedQuantity).ThenBy(x => x.Alert.Sequence).Take(limit).ToListAsync(ct);
            found.AddRange(top.Select(x =>
            {
                var content = ProtoJson.Parser.Parse<SeizureAlertContent>(x.Alert.ContentJson);
                var item = x.Item.Position < content.Items.Count ? content.Items[x.Item.Position] : new SeizedItem();
                return new LargestSeizure
                {
                    AlertId = x.Alert.Id.ToString(),
                    Sequence = x.Alert.PostedSequence,
                    Country = x.Alert.ReportingCountry,
                    SeizedAt = Timestamp.FromDateTime(DateTime.SpecifyKind(x.Alert.SeizedAtUtc, DateTimeKind.Utc)),
                    Substance = x.Item.Substance,
                    SubstanceDetail = item.SubstanceDetail,
                    Quantity = x.Item.Quantity,
                    Unit = x.Item.Unit,
                    NormalizedQuantity = Measures.Normalize(x.Item.Quantity, x.Item.Unit),
                    Measure = measure,
                    Place = content.Location?.Place ?? "",
                    BorderCrossingPoint = content.Location?.BorderCrossingPoint ?? "",
                };
            }));
        }
        return found;
    }
}
