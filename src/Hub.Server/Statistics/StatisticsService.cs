using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Audit;
using Hub.Server.Data;
using Hub.Server.ErrorHandling;
using Hub.Server.Records;
using Hub.Server.Validation;
using Microsoft.Extensions.Options;

namespace Hub.Server.Statistics;

/// <summary>The <c>hub.v1.Statistics</c> gRPC service (HTTP/JSON by transcoding; the export in <see cref="StatisticsExport"/>).</summary>
public sealed partial class StatisticsService(
    HubDbContext db,
    AccessPolicy policy,
    AccessDirectory directory,
    GroupCommit writes,
    RecordPipeline pipeline,
    IOptions<StatisticsOptions> options,
    StatisticsCells cells,
    TimeProvider clock) : Contracts.V1.Statistics.StatisticsBase
{
    public const string RecordType = "statistics";

    private static Caller CallerOf(ServerCallContext context) => Caller.From(context.GetHttpContext().User);

    public override async Task<Totals> GetTotals(GetTotalsRequest request, ServerCallContext context)
    {
        var caller = Allowed(CallerOf(context), "statistics.totals");
        var answer = await TotalsAsync(caller, request, context.CancellationToken);
        await AuditReadAsync(caller, "statistics.totals", $"{request.Source} {request.From}..{request.To}: {answer.Rows.Count} rows", context.CancellationToken);
        return answer;
    }

    public override async Task<Comparison> ComparePeriods(ComparePeriodsRequest request, ServerCallContext context)
    {
        var caller = Allowed(CallerOf(context), "statistics.changes");
        var answer = await CompareAsync(caller, request, context.CancellationToken);
        await AuditReadAsync(caller, "statistics.changes", $"{request.Source} {request.BasePeriod} -> {request.Period}: {answer.Rows.Count} rows", context.CancellationToken);
        return answer;
    }

    public override async Task<LargestSeizures> ListLargestSeizures(ListLargestSeizuresRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var from = TotalsQuery.ReadPeriod(request.From, "from", errors);
        var to = TotalsQuery.ReadPeriod(request.To, "to", errors);
        if (request.Limit is < 0 or > Largest.MaxLimit)
        {
            errors.Add("limit", $"between 0 and {Largest.MaxLimit}");
        }
        var query = TotalsQuery.Read(StatisticsSource.Alerts, [], from, to, PeriodGranularity.Unspecified, request.Countries, request.Substances, [], [], [], [], [], false, errors);
        errors.ThrowIfAny();
        var caller = Allowed(CallerOf(context), "statistics.largest");
        var answer = new LargestSeizures();
        answer.Seizures.AddRange(await Largest.FindAsync(db, policy, caller, query, request.Limit == 0 ? 10 : request.Limit, context.CancellationToken));
        await AuditReadAsync(caller, "statistics.largest", $"{request.From}..{request.To}: {answer.Seizures.Count} seizures", context.CancellationToken);
        return answer;
    }

    public override async Task<Google.Api.HttpBody> ExportTotals(GetTotalsRequest request, ServerCallContext context)
    {
        CheckFormat(request.Format);
        var caller = Allowed(CallerOf(context), "statistics.export");
        var table = StatisticsExport.Of(await TotalsAsync(caller, request, context.CancellationToken), request.GroupBy);
        await AuditReadAsync(caller, "statistics.export", $"totals {request.Source} {request.From}..{request.To} as {request.Format}: {table.Rows.Count} rows", context.CancellationToken);
        return Attach(context, table, request.Format);
    }

    public override async Task<Google.Api.HttpBody> ExportChanges(ComparePeriodsRequest request, ServerCallContext context)
    {
        CheckFormat(request.Format);
        var caller = Allowed(CallerOf(context), "statistics.export");
        var table = StatisticsExport.Of(await CompareAsync(caller, request, context.CancellationToken), request.GroupBy);
        await AuditReadAsync(caller, "statistics.export", $"changes {request.Source} {request.BasePeriod} -> {request.Period} as {request.Format}: {table.Rows.Count} rows", context.CancellationToken);
        return Attach(context, table, request.Format);
    }

    private static void CheckFormat(ExportFormat format)
    {
        if (!Enum.IsDefined(format))
        {
            throw HubException.Invalid("format", $"unknown format {(int)format}");
        }
    }

    private static Google.Api.HttpBody Attach(ServerCallContext context, StatisticsExport.Table table, ExportFormat format)
    {
        // Over HTTP the body is the file: a name makes browsers save it as one.
        context.GetHttpContext().Response.Headers.ContentDisposition = $"attachment; filename=\"{StatisticsExport.FileName(table, format)}\"";
        return StatisticsExport.File(table, format, StatisticsExport.FileName(table, format));
    }

    /// <summary>Totals as the caller may read them: the gRPC method and the export share it.</summary>
    public async Task<Totals> TotalsAsync(Caller caller, GetTotalsRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var from = TotalsQuery.ReadPeriod(request.From, "from", errors);
        var to = TotalsQuery.ReadPeriod(request.To, "to", errors);
        var q = TotalsQuery.Read(request.Source, request.GroupBy, from, to, request.Granularity, request.Countries, request.Substances, request.TransportModes,
            request.Concealments, request.OriginCountries, request.TransitCountries, request.DestinationCountries, request.MassEquivalent, errors);
        errors.ThrowIfAny();
        var now = clock.GetUtcNow().UtcDateTime;
        var answer = new Totals { AsOf = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(now) };
        var periods = Period.Between(q.Start, q.End, q.Granularity);
        Dictionary<GroupKey, GroupSum> sums;
        if (request.Source == StatisticsSource.Returns)
        {
            (sums, var returns) = await ReturnTotals.SumAsync(db, policy, directory, caller, q, ct);
            answer.Periods.AddRange(periods.Select(p => StatisticsTables.StatusOf(p, now, [.. ReturnTotals.MissingCountries(directory, returns, q, p)])));
        }
        else
        {
            sums = await AlertTotals.SumAsync(db, policy, cells, caller, q, ct);
            answer.Periods.AddRange(periods.Select(p => StatisticsTables.StatusOf(p, now)));
        }
        var (converted, conversions) = StatisticsTables.Convert(sums, q, options.Value);
        answer.Rows.AddRange(StatisticsTables.Rows(converted, q.Facet));
        answer.Conversions.AddRange(conversions);
        return answer;
    }

    /// <summary>A comparison as the caller may read it: the gRPC method, the export and the report share it.</summary>
    public async Task<Comparison> CompareAsync(Caller caller, ComparePeriodsRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var basePeriod = TotalsQuery.ReadPeriod(request.BasePeriod, "base_period", errors);
        var period = TotalsQuery.ReadPeriod(request.Period, "period", errors);
        if (request.Source == StatisticsSource.Returns && (basePeriod?.Granularity == PeriodGranularity.Day || period?.Granularity == PeriodGranularity.Day))
        {
            errors.Add(period?.Granularity == PeriodGranularity.Day ? "period" : "base_period", "returns have no days");
        }
        var q = TotalsQuery.Read(request.Source, request.GroupBy, basePeriod, basePeriod, PeriodGranularity.Unspecified, request.Countries, request.Substances,
            request.TransportModes, request.Concealments, request.OriginCountries, request.TransitCountries, request.DestinationCountries, request.MassEquivalent,
            errors, periodAllowed: false);
        errors.ThrowIfAny();
        var now = clock.GetUtcNow().UtcDateTime;
        var returns = request.Source == StatisticsSource.Returns;
        async Task<(Dictionary<GroupKey, GroupSum>, PeriodStatus)> SideAsync(Period p)
        {
            var side = q.Over(p);
            if (returns)
            {
                var (sums, found) = await ReturnTotals.SumAsync(db, policy, directory, caller, side, ct);
                return (sums, StatisticsTables.StatusOf(p, now, [.. ReturnTotals.MissingCountries(directory, found, side, p)]));
            }
            return (await AlertTotals.SumAsync(db, policy, cells, caller, side, ct), StatisticsTables.StatusOf(p, now));
        }
        var (baseSums, baseStatus) = await SideAsync(basePeriod!);
        var (sums, status) = await SideAsync(period!);
        var (baseConverted, conversions) = StatisticsTables.Convert(baseSums, q, options.Value);
        var (converted, more) = StatisticsTables.Convert(sums, q, options.Value);
        var answer = new Comparison
        {
            BasePeriod = basePeriod!.Label,
            Period = period!.Label,
            BaseStatus = baseStatus,
            Status = status,
            AsOf = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(now),
        };
        answer.Rows.AddRange(StatisticsTables.Compare(baseConverted, converted, q.Facet, returns));
        answer.Conversions.AddRange(conversions.Concat(more).DistinctBy(c => (c.Substance, c.From)));
        return answer;
    }

    /// <summary>The caller if it may read statistics; PERMISSION_DENIED (audited) otherwise.</summary>
    public Caller Allowed(Caller caller, string action)
    {
        var decision = policy.CanReadStatistics(caller);
        return decision.Allowed ? caller : throw HubException.Denied(decision.Reason, RecordType).For(action);
    }

    private Task AuditReadAsync(Caller caller, string action, string detail, CancellationToken ct) =>
        writes.AuditAsync(new AuditEvent(caller, Channels.Grpc, action, AuditOutcomes.Allowed, RecordType, null, detail), ct);
}
