using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.ErrorHandling;
using Hub.Server.Records;
using Hub.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Statistics;

public sealed partial class StatisticsService
{
    public override async Task<SubmitReturnResponse> SubmitReturn(SubmitReturnRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        TextFields.IdempotencyKey(request.IdempotencyKey, errors);
        if (request.Content is null)
        {
            errors.Add("content", "required");
        }
        else
        {
            ReturnValidation.Check(request.Content, directory, errors, "content.");
        }
        if (request.ExpectedVersion < 0)
        {
            errors.Add("expected_version", "0 for a first return, else the version replaced");
        }
        errors.ThrowIfAny();
        var caller = CallerOf(context);
        var decision = policy.CanSubmitReturn(caller, request.Content!.Country);
        if (!decision.Allowed)
        {
            throw HubException.Denied(decision.Reason, ReturnRecord.Kind, null, "content.country").For("return.submit");
        }
        return await pipeline.WriteAsync(caller, new PutReturnsChange<SubmitReturnResponse>(caller, "return.submit", [(request.Content, request.ExpectedVersion)], false,
            request.IdempotencyKey, request, stored => new SubmitReturnResponse { Return = stored[0] }, r => { r.Duplicate = true; return r; }), context.CancellationToken);
    }

    public override async Task<ListReturnsResponse> ListReturns(ListReturnsRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        foreach (var (year, field) in new[] { (request.FromYear, "from_year"), (request.ToYear, "to_year") })
        {
            if (year != 0 && (year < Period.FirstYear || year > Period.LastYear))
            {
                errors.Add(field, $"0, or a year from {Period.FirstYear} to {Period.LastYear}");
            }
        }
        errors.ThrowIfAny();
        var caller = Allowed(CallerOf(context), "return.list");
        var countries = request.Countries.ToList();
        var query = db.Set<ReturnRecord>().AsNoTracking().Where(policy.Readable<ReturnRecord>(caller));
        if (countries.Count > 0)
        {
            query = query.Where(r => countries.Contains(r.ReportingCountry));
        }
        if (request.FromYear != 0)
        {
            var from = new DateTime(request.FromYear, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            query = query.Where(r => r.PeriodStartUtc >= from);
        }
        if (request.ToYear != 0)
        {
            var to = new DateTime(request.ToYear + 1, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            query = query.Where(r => r.PeriodStartUtc < to);
        }
        var found = await query.OrderBy(r => r.ReportingCountry).ThenBy(r => r.PeriodStartUtc).ThenBy(r => r.Period).Take(1000).ToListAsync(context.CancellationToken);
        await AuditReadAsync(caller, "return.list", $"{found.Count} returns", context.CancellationToken);
        var answer = new ListReturnsResponse();
        answer.Returns.AddRange(found.Select(r => r.ToProto()));
        return answer;
    }
}
