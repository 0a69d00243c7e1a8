using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Cases;
using Hub.Server.Deliveries;
using Hub.Server.ErrorHandling;
using Hub.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Statistics;

public sealed partial class StatisticsService
{
    public const int MaxCsvBytes = 1024 * 1024;

    public override async Task<ImportReturnsResponse> ImportReturns(ImportReturnsRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        TextFields.IdempotencyKey(request.IdempotencyKey, errors);
        TextFields.Text(request.Source, "source", ReturnValidation.MaxSource, errors, required: false, singleLine: true);
        IReadOnlyList<ReturnContent> parsed = [];
        if (string.IsNullOrWhiteSpace(request.Csv))
        {
            errors.Add("csv", "required");
        }
        else if (request.MoreCsv.Prepend(request.Csv).Sum(System.Text.Encoding.UTF8.GetByteCount) > MaxCsvBytes)
        {
            errors.Add("csv", $"at most {MaxCsvBytes / 1024} KB");
        }
        else
        {
            try
            {
                parsed = ReturnsCsv.Parse([request.Csv, .. request.MoreCsv], request.Source);
            }
            catch (ReturnsCsvException refused)
            {
                foreach (var error in refused.Errors.Take(50))
                {
                    errors.Add("csv", error.ToString());
                }
            }
        }
        foreach (var content in parsed)
        {
            content.Distribution = request.Distribution;
            content.AddressedCountries.Add(request.AddressedCountries);
            content.HandlingCode = request.HandlingCode;
            var before = errors.All.Count;
            ReturnValidation.Check(content, directory, errors, $"csv: {content.Country} {content.Period}: ");
            if (errors.All.Count > before && (request.Distribution == Distribution.Unspecified || request.HandlingCode == HandlingCode.Unspecified))
            {
                break;
            }
        }
        errors.ThrowIfAny();
        var caller = CallerOf(context);
        foreach (var country in parsed.Select(r => r.Country).Distinct())
        {
            var decision = policy.CanSubmitReturn(caller, country);
            if (!decision.Allowed)
            {
                throw HubException.Denied($"{country}: {decision.Reason}", ReturnRecord.Kind, null, "csv").For("return.import");
            }
        }
        return await pipeline.WriteAsync(caller, new PutReturnsChange<ImportReturnsResponse>(caller, "return.import", [.. parsed.Select(r => (r, 0))], request.Replace,
            request.IdempotencyKey, request, stored => new ImportReturnsResponse { Returns = { stored } }, r => { r.Duplicate = true; return r; }), context.CancellationToken);
    }

    public override async Task<ConsistencyReport> CheckConsistency(CheckConsistencyRequest request, ServerCallContext context)
    {
        var caller = Allowed(CallerOf(context), "statistics.consistency");
        var answer = new ConsistencyReport();
        answer.Findings.AddRange(await FindingsAsync(caller, request.Countries, context.CancellationToken));
        await AuditReadAsync(caller, "statistics.consistency", $"{answer.Findings.Count} checks, {answer.Findings.Count(f => !f.Agrees)} disagree", context.CancellationToken);
        return answer;
    }

    private async Task<IReadOnlyList<ConsistencyFinding>> FindingsAsync(Caller caller, IList<string> countries, CancellationToken ct)
    {
        var list = countries.ToList();
        var query = db.Set<ReturnRecord>().AsNoTracking().Where(policy.Readable<ReturnRecord>(caller));
        if (list.Count > 0)
        {
            query = query.Where(r => list.Contains(r.ReportingCountry));
        }
        return Consistency.Check((await query.ToListAsync(ct)).Select(r => r.Content()));
    }

    public override async Task<SituationReport> GetSituationReport(GetSituationReportRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        var period = TotalsQuery.ReadPeriod(request.Period, "period", errors);
        var basePeriod = request.BasePeriod.Length == 0 ? null : TotalsQuery.ReadPeriod(request.BasePeriod, "base_period", errors);
        if (request.Largest is < 0 or > 20)
        {
            errors.Add("largest", "between 0 and 20");
        }
        var scope = TotalsQuery.Read(StatisticsSource.Alerts, [], period, period, PeriodGranularity.Unspecified, request.Countries, [], [], [], [], [], [], false, errors);
        errors.ThrowIfAny();
        var caller = Allowed(CallerOf(context), "statistics.report");
        var ct = context.CancellationToken;
        basePeriod ??= period!.YearEarlier();
        List<string> countries = request.Countries.Count > 0 ? [.. request.Countries]
            : [.. directory.Members];
        ComparePeriodsRequest Compare(StatisticsSource source) => new()
        {
            Source = source, BasePeriod = basePeriod.Label, Period = period!.Label,
            GroupBy = { StatisticsDimension.Country, StatisticsDimension.Substance }, Countries = { countries },
        };
        var alerts = await CompareAsync(caller, Compare(StatisticsSource.Alerts), ct);
        var returns = await CompareAsync(caller, Compare(StatisticsSource.Returns), ct);
        var findings = (await FindingsAsync(caller, countries, ct)).Where(f => !f.Agrees && f.Checkable && f.Period == period!.Label).ToList();
        var report = new SituationReport
        {
            Period = period!.Label, BasePeriod = basePeriod.Label, Status = alerts.Status, AsOf = alerts.AsOf,
        };
        foreach (var country in countries)
        {
            var section = new CountrySection { Country = country, Deliveries = await DeliveriesAsync(caller, country, period, ct), Cases = await CasesAsync(caller, country, period, ct) };
            section.AlertSeizures.AddRange(alerts.Rows.Where(r => r.Country == country));
            section.ReturnedSeizures.AddRange(returns.Rows.Where(r => r.Country == country && r.Substance != Substance.Unspecified));
            section.Disagreements.AddRange(findings.Where(f => f.Country == country));
            section.Largest.AddRange(await Largest.FindAsync(db, policy, caller, scope with { Countries = [country] }, request.Largest == 0 ? 5 : request.Largest, ct));
            report.Sections.Add(section);
        }
        await AuditReadAsync(caller, "statistics.report", $"{period.Label} against {basePeriod.Label}: {countries.Count} countries", ct);
        return report;
    }

    private async Task<DeliveryCounts> DeliveriesAsync(Caller caller, string country, Period period, CancellationToken ct)
    {
        var pattern = "," + country + ",";
        var documents = (await db.Set<DeliveryRecord>().AsNoTracking().Where(policy.Listed<DeliveryRecord>(caller))
                .Where(d => d.ListedCountries.Contains(pattern) && d.CreatedAtUtc >= period.Start && d.CreatedAtUtc < period.End).ToListAsync(ct))
            .Select(DeliveryFeedKind.Document).Where(d => policy.CanRead(caller, DeliveryFeedKind.AccessOf(d)) && d.Withdrawal is null).ToList();
        return new DeliveryCounts
        {
            Proposed = documents.Count(d => d.State == DeliveryState.Proposed),
            InProgress = documents.Count(d => d.State is DeliveryState.Approved or DeliveryState.Active),
            Completed = documents.Count(d => d.State == DeliveryState.Completed),
            Aborted = documents.Count(d => d.State == DeliveryState.Aborted && !d.Legs.Any(l => l.Response == LegResponse.Declined)),
            Declined = documents.Count(d => d.State == DeliveryState.Aborted && d.Legs.Any(l => l.Response == LegResponse.Declined)),
        };
    }

    private async Task<CaseCounts> CasesAsync(Caller caller, string country, Period period, CancellationToken ct)
    {
        var cases = (await db.Set<CaseRecord>().Include(c => c.Participants).AsNoTracking()
                .Where(c => c.Participants.Any(p => p.Country == country) && c.OpenedAtUtc >= period.Start && c.OpenedAtUtc < period.End).ToListAsync(ct))
            .Where(c => policy.CanRead(caller, CaseMapping.AccessOf(c))).ToList();
        return new CaseCounts { Opened = cases.Count, Open = cases.Count(c => c.Open), Closed = cases.Count(c => !c.Open) };
    }
}
