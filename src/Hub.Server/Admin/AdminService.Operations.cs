using Grpc.Core;
using Hub.Contracts.V1;
using Hub.Server.Access;
using Hub.Server.Audit;
using Hub.Server.ErrorHandling;
using Microsoft.EntityFrameworkCore;
using Wire = Hub.Contracts.V1;

namespace Hub.Server.Admin;

/// <summary>The Admin service's reads and operations: the directory, the audit trail, dead letters.</summary>
public sealed partial class AdminService
{
    public override async Task<ListCountriesResponse> ListCountries(ListCountriesRequest request, ServerCallContext context)
    {
        RequireAdmin(context, "directory.list");
        var countries = await db.Countries.AsNoTracking().OrderBy(c => c.Code).ToListAsync(context.CancellationToken);
        var response = new ListCountriesResponse();
        response.Countries.AddRange(countries.Select(AdminMapping.ToWire));
        return response;
    }

    public override async Task<VerifyAuditTrailResponse> VerifyAuditTrail(VerifyAuditTrailRequest request, ServerCallContext context)
    {
        var caller = RequireAdmin(context, "audit.verify");
        var result = await services.GetRequiredService<AuditVerifier>().VerifyAsync(db, context.CancellationToken);
        await AuditAsync(caller, "audit.verify", "audit", "chain", result.Reason, context.CancellationToken);
        var response = new VerifyAuditTrailResponse
        {
            Intact = result.Intact,
            EntriesChecked = result.EntriesChecked,
            FirstBrokenSequence = result.FirstBrokenSequence ?? 0,
            Reason = result.Reason,
            CheckpointsChecked = result.CheckpointsChecked,
            LastCheckpointSequence = result.LastCheckpointSequence ?? 0,
        };
        response.Problems.AddRange(result.Problems);
        response.Notes.AddRange(result.Notes);
        return response;
    }

    public override async Task<Wire.AuditCheckpoint> WriteAuditCheckpoint(WriteAuditCheckpointRequest request, ServerCallContext context)
    {
        var caller = RequireAdmin(context, "audit.checkpoint");
        var c = (await services.GetRequiredService<AuditCheckpoints>().WriteAsync(unlessAt: null, context.CancellationToken))!;
        await AuditAsync(caller, "audit.checkpoint", "audit", c.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), $"checkpoint at {c.Sequence} signed {c.At}", context.CancellationToken);
        return new Wire.AuditCheckpoint
        {
            Sequence = c.Sequence, Entries = c.Entries, Mac = c.Mac, KeyId = c.KeyId ?? "", At = c.At, Node = c.Node,
            SigningKeyId = c.SigningKeyId, Signature = c.Signature,
        };
    }

    private Messaging.DeadLetters RequireBroker() =>
        services.GetService<Messaging.DeadLetters>()
        ?? throw HubException.FailedPrecondition("queue", "dead letters exist only when the hub runs on RabbitMQ (ConnectionStrings:RabbitMq)");

    public override async Task<ListDeadLettersResponse> ListDeadLetters(ListDeadLettersRequest request, ServerCallContext context)
    {
        RequireAdmin(context, "dead-letters.list");
        if (request.Limit is < 0 or > 100)
        {
            throw HubException.Invalid("limit", "must be between 0 and 100");
        }
        var (letters, counts) = await RequireBroker().PeekAsync(request.Limit == 0 ? 20 : request.Limit, context.CancellationToken);
        var response = new ListDeadLettersResponse();
        response.DeadLetters.AddRange(letters.Select(l => new DeadLetter
        {
            Queue = l.Queue, MessageId = l.MessageId ?? "", Reason = l.Reason, ExceptionType = l.ExceptionType, BodyPreview = l.BodyPreview,
        }));
        foreach (var (queue, count) in counts)
        {
            response.Counts[queue] = count;
        }
        return response;
    }

    public override async Task<ReplayDeadLettersResponse> ReplayDeadLetters(ReplayDeadLettersRequest request, ServerCallContext context)
    {
        var caller = RequireAdmin(context, "dead-letters.replay");
        if (!Messaging.DeadLetters.Queues.Contains(request.Queue))
        {
            throw HubException.Invalid("queue", $"must be one of {string.Join(", ", Messaging.DeadLetters.Queues)}");
        }
        if (request.Limit is < 0 or > 10_000)
        {
            throw HubException.Invalid("limit", "must be between 0 and 10000");
        }
        var replayed = await RequireBroker().ReplayAsync(request.Queue, request.Limit == 0 ? 10_000 : request.Limit, context.CancellationToken);
        await AuditAsync(caller, "dead-letters.replay", "queue", request.Queue, $"{replayed} messages", context.CancellationToken);
        return new ReplayDeadLettersResponse { Replayed = replayed };
    }

}
