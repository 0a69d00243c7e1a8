using Google.Protobuf;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.ErrorHandling;
using Hub.Server.Records;

namespace Hub.Server.Statistics;

/// <summary>
/// Stores returns through the record pipeline: a new return for a country and period, or
/// the next version of the one stored (the current kept in the versions table). An import is
/// one change storing many, so that a bad line leaves nothing written.
/// </summary>
internal sealed class PutReturnsChange<TResponse>(Caller caller, string action, IReadOnlyList<(ReturnContent Content, int ExpectedVersion)> returns, bool replaceAny,
    string idempotencyKey, IMessage request, Func<IReadOnlyList<AnnualReturn>, TResponse> respond, Func<TResponse, TResponse> asRetry) : RecordChange<TResponse>
    where TResponse : class, IMessage<TResponse>, new()
{
    public const string Kind = ReturnRecord.Kind;

    public override string Action => action;
    public override string RecordType => Kind;

    public override IdempotencyClaim Idempotency => new($"{action}:{caller.Country}", idempotencyKey, request);

    public override Func<TResponse> Apply(RecordContext context)
    {
        var stored = new List<ReturnRecord>();
        for (var i = 0; i < returns.Count; i++)
        {
            var (content, expected) = returns[i];
            var period = Period.Parse(content.Period)!;
            var record = context.Db.Set<ReturnRecord>().FirstOrDefault(r => r.ReportingCountry == content.Country && r.Period == period.Label);
            var json = ProtoJson.Formatter.Format(content);
            if (record is null)
            {
                if (expected != 0 && !replaceAny)
                {
                    throw HubException.FailedPrecondition(Field(i, "expected_version"), $"{content.Country} has no return for {period.Label} yet: send 0", Kind);
                }
                record = new ReturnRecord
                {
                    Id = Guid.CreateVersion7(),
                    ReportingCountry = content.Country,
                    Period = period.Label,
                    Granularity = period.Granularity,
                    PeriodStartUtc = period.Start,
                    PeriodEndUtc = period.End,
                    ContentJson = json,
                };
                context.Db.Add(record);
            }
            else
            {
                if (!replaceAny && expected != record.Version)
                {
                    throw HubException.FailedPrecondition(Field(i, "expected_version"),
                        $"{content.Country}'s return for {period.Label} is at version {record.Version}: read it and replace that version", Kind, record.Id.ToString());
                }
                RecordRevisions.KeepVersion(context, Kind, record.Id.ToString(), record.Version, record.ContentJson, record.ReceivedAtUtc, record.SubmittedBy, "",
                    Field(i, "expected_version"), "submit it for another period or ask the centre");
                record.Version++;
                record.ContentJson = json;
            }
            record.ReceivedAtUtc = context.NowUtc;
            record.SubmittedBy = context.Caller.Name ?? context.Caller.Subject;
            record.Distribution = content.Distribution;
            record.HandlingCode = content.HandlingCode;
            record.AddressedCountries = string.Join(',', content.AddressedCountries);
            stored.Add(record);
        }
        context.RecordId = stored.Count == 1 ? stored[0].Id.ToString() : null;
        return () =>
        {
            foreach (var r in stored)
            {
                context.Audit(Action, Kind, r.Id.ToString(), $"{r.ReportingCountry} {r.Period} version {r.Version}; {ProtoEnums.Name(r.Distribution)}");
            }
            return respond([.. stored.Select(r => r.ToProto())]);
        };
    }

    public override TResponse AsRetry(TResponse stored) => asRetry(stored);

    private string Field(int i, string field) => returns.Count == 1 ? field : $"csv: return {i + 1}: {field}";
}
