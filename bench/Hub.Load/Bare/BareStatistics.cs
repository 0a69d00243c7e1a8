using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Load.Data;

namespace Hub.Load.Bare;

/// <summary>
/// The statistics scenario's baseline: hub.v1.Statistics.GetTotals for the measured table
/// (grouped by country and substance, whole years) answered by the raw SQL aggregate over the
/// alert rows (<see cref="RawTotals"/>) on the hub's own SQLite file: pooled read-only
/// connections with the hub's settings, one statement, the rows into the answer. The caller's
/// access comes from the <c>x-bench-reader</c> header (a member state's code; absent: the
/// centre): no authentication, no audit, no pre-aggregated tables.
/// </summary>
internal sealed class BareStatistics(BareStatistics.Database database) : Statistics.StatisticsBase
{
    public const string ReaderHeader = "x-bench-reader";

    /// <summary>The file, from <c>serve-bare --stats-db PATH</c>.</summary>
    internal sealed class Database(string path)
    {
        public string Path { get; } = path;
    }

    public override Task<Totals> GetTotals(GetTotalsRequest request, ServerCallContext context)
    {
        if (request.GroupBy.Count != 2 || request.GroupBy[0] != StatisticsDimension.Country || request.GroupBy[1] != StatisticsDimension.Substance
            || request.Granularity is not (PeriodGranularity.Year or PeriodGranularity.Unspecified)
            || !int.TryParse(request.From, NumberStyles.None, CultureInfo.InvariantCulture, out var fromYear)
            || !int.TryParse(request.To, NumberStyles.None, CultureInfo.InvariantCulture, out var toYear) || toYear < fromYear
            || request.Countries.Count + request.Substances.Count + request.TransportModes.Count + request.Concealments.Count
               + request.OriginCountries.Count + request.TransitCountries.Count + request.DestinationCountries.Count > 0 || request.MassEquivalent)
        {
            throw new RpcException(new Status(StatusCode.Unimplemented, "the bare baseline answers the yearly country x substance table only"));
        }
        var reader = context.RequestHeaders.GetValue(ReaderHeader);
        using var connection = RawTotals.Open(database.Path);
        var totals = new Totals();
        foreach (var row in RawTotals.Query(connection, fromYear, toYear, string.IsNullOrEmpty(reader) ? null : reader, exact: false, context.CancellationToken))
        {
            totals.Rows.Add(new TotalRow { Country = row.Country, Substance = row.Substance, Measure = row.Measure, Quantity = row.Quantity, Items = row.Items });
        }
        var now = DateTime.UtcNow;
        for (var year = fromYear; year <= toYear; year++)
        {
            var start = new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            totals.Periods.Add(new PeriodStatus
            {
                Period = year.ToString("D4", CultureInfo.InvariantCulture),
                Start = Timestamp.FromDateTime(start),
                End = Timestamp.FromDateTime(start.AddYears(1)),
                Complete = start.AddYears(1) <= now,
            });
        }
        totals.AsOf = Timestamp.FromDateTime(now);
        return Task.FromResult(totals);
    }
}
