using System.Globalization;
using System.Security.Cryptography;
using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;
using Hub.Contracts.Events;
using Hub.Contracts.V1;
using Hub.Server.Data;
using Hub.Server.Messaging;
using Hub.Server.Validation;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Alerts;

/// <summary>The <c>hub.v1.SeizureAlerts</c> gRPC service.</summary>
public sealed class SeizureAlertsService(
    HubDbContext db,
    AlertFeed feed,
    OutboxSignal outboxSignal,
    TimeProvider clock) : SeizureAlerts.SeizureAlertsBase
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    private const int ReplayBatch = 500;

    public override async Task<PostAlertResponse> PostAlert(PostAlertRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var now = clock.GetUtcNow();
        var errors = AlertValidator.Validate(request, now);
        if (request.Alert is not null)
        {
            await AlertDirectoryChecks.CheckAsync(db, request.Alert, errors, ct);
        }
        errors.ThrowIfAny();

        var content = request.Alert!.Clone();
        foreach (var item in content.Items)
        {
            // Output-only fields: whatever a client sent there is not part of its alert.
            item.NormalizedQuantity = 0;
            item.NormalizedDimension = QuantityDimension.Unspecified;
        }
        var contentHash = Convert.ToHexString(SHA256.HashData(content.ToByteArray()));
        foreach (var item in content.Items)
        {
            (item.NormalizedQuantity, item.NormalizedDimension) = Quantities.Normalize(item.Quantity, item.Unit);
        }

        var earlier = await FindByKeyAsync(content.ReportingCountry, request.IdempotencyKey, ct);
        if (earlier is not null)
        {
            return Duplicate(earlier, contentHash);
        }

        var record = new AlertRecord
        {
            Id = Guid.NewGuid(),
            PostedEventId = Guid.NewGuid(),
            ReportingCountry = content.ReportingCountry,
            IdempotencyKey = request.IdempotencyKey,
            ContentHash = contentHash,
            SeizedAtUtc = content.SeizedAt.ToDateTime(),
            ReceivedAtUtc = now.UtcDateTime,
            Distribution = content.Distribution,
            HandlingCode = content.HandlingCode,
            AddressedCountries = string.Join(',', content.AddressedCountries),
            ContentJson = AlertMapping.Formatter.Format(content),
            Items = content.Items.Select((item, position) => new AlertItemRecord
            {
                Position = position,
                Substance = item.Substance,
                Quantity = item.Quantity,
                Unit = item.Unit,
                NormalizedQuantity = item.NormalizedQuantity,
                NormalizedDimension = item.NormalizedDimension,
            }).ToList(),
        };

        try
        {
            var stored = await StoreAsync(record, now, ct);
            outboxSignal.Notify();
            return new PostAlertResponse { Alert = stored, Duplicate = false };
        }
        catch (DbUpdateException)
        {
            // Most likely a concurrent call with the same key won the race: answer as its retry.
            db.ChangeTracker.Clear();
            earlier = await FindByKeyAsync(content.ReportingCountry, request.IdempotencyKey, ct);
            if (earlier is null)
            {
                throw;
            }
            return Duplicate(earlier, contentHash);
        }
    }

    /// <summary>The alert and its outbox row, in one transaction.</summary>
    private async Task<SeizureAlert> StoreAsync(AlertRecord record, DateTimeOffset now, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            record.Sequence = 0;
            db.Alerts.Add(record);
            // The sequence is assigned by this insert, and the event must carry it.
            await db.SaveChangesAsync(ct);
            var stored = AlertMapping.ToProto(record);
            var posted = new AlertPosted(
                record.PostedEventId,
                record.Id,
                record.Sequence,
                record.ReportingCountry,
                ProtoEnums.Name(record.Distribution),
                [.. stored.Content.AddressedCountries],
                ProtoEnums.Name(record.HandlingCode),
                AlertMapping.Formatter.Format(stored));
            db.Outbox.Add(OutboxMessageTypes.Create(posted.EventId, posted, now.UtcDateTime));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return stored;
        });
    }

    private Task<AlertRecord?> FindByKeyAsync(string country, string key, CancellationToken ct) =>
        db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.ReportingCountry == country && a.IdempotencyKey == key, ct);

    private static PostAlertResponse Duplicate(AlertRecord earlier, string contentHash)
    {
        if (earlier.ContentHash != contentHash)
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists,
                "idempotency_key: already used for a different alert from this country; use a new key for a new alert"));
        }
        return new PostAlertResponse { Alert = AlertMapping.ToProto(earlier), Duplicate = true };
    }

    public override async Task<SeizureAlert> GetAlert(GetAlertRequest request, ServerCallContext context)
    {
        if (!Guid.TryParse(request.Id, out var id))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "id: must be a UUID"));
        }
        var record = await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"alert {id} not found"));
        return AlertMapping.ToProto(record);
    }

    public override async Task<ListAlertsResponse> ListAlerts(ListAlertsRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        if (request.ReportingCountry.Length > 0 && (request.ReportingCountry.Length > 16 || !request.ReportingCountry.All(char.IsAsciiLetterUpper)))
        {
            errors.Add("reporting_country", "must be an upper-case country or organisation code");
        }
        if (!Enum.IsDefined(request.Substance))
        {
            errors.Add("substance", $"unknown substance {(int)request.Substance}");
        }
        if (request.PageSize is < 0 or > MaxPageSize)
        {
            errors.Add("page_size", $"must be between 0 and {MaxPageSize}");
        }
        if (request.SeizedFrom is not null && request.SeizedTo is not null && request.SeizedFrom.ToDateTime() >= request.SeizedTo.ToDateTime())
        {
            errors.Add("seized_to", "must be after seized_from");
        }
        var filterKey = string.Join('|', request.ReportingCountry, (int)request.Substance, request.SeizedFrom, request.SeizedTo);
        long? before = null;
        if (request.PageToken.Length > 0)
        {
            if (PageToken.TryRead(request.PageToken, filterKey, out var sequence))
            {
                before = sequence;
            }
            else
            {
                errors.Add("page_token", "not a token issued for these filters");
            }
        }
        errors.ThrowIfAny();

        var query = db.Alerts.AsNoTracking();
        if (request.ReportingCountry.Length > 0)
        {
            query = query.Where(a => a.ReportingCountry == request.ReportingCountry);
        }
        if (request.Substance != Substance.Unspecified)
        {
            var substance = request.Substance;
            query = query.Where(a => a.Items.Any(i => i.Substance == substance));
        }
        if (request.SeizedFrom is not null)
        {
            var from = request.SeizedFrom.ToDateTime();
            query = query.Where(a => a.SeizedAtUtc >= from);
        }
        if (request.SeizedTo is not null)
        {
            var to = request.SeizedTo.ToDateTime();
            query = query.Where(a => a.SeizedAtUtc < to);
        }
        if (before is { } b)
        {
            query = query.Where(a => a.Sequence < b);
        }
        var pageSize = request.PageSize == 0 ? DefaultPageSize : request.PageSize;
        var page = await query.OrderByDescending(a => a.Sequence).Take(pageSize + 1).ToListAsync(context.CancellationToken);

        var response = new ListAlertsResponse();
        response.Alerts.AddRange(page.Take(pageSize).Select(AlertMapping.ToProto));
        if (page.Count > pageSize)
        {
            response.NextPageToken = PageToken.Create(page[pageSize - 1].Sequence, filterKey);
        }
        return response;
    }

    public override async Task WatchAlerts(WatchAlertsRequest request, IServerStreamWriter<AlertEvent> responseStream, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        // Subscribe before replaying: whatever is posted during the replay is buffered and
        // then either skipped (already replayed) or sent, so nothing falls in between.
        using var subscription = feed.Subscribe();
        var last = request.AfterSequence;
        if (last >= 0)
        {
            last = await ReplayAsync(last, long.MaxValue, responseStream, ct);
        }

        try
        {
            await foreach (var alertEvent in subscription.Reader.ReadAllAsync(ct))
            {
                if (last >= 0 && alertEvent.Sequence > last + 1)
                {
                    // A gap: an event this node has not seen (yet). The database has it.
                    last = await ReplayAsync(last, alertEvent.Sequence - 1, responseStream, ct);
                }
                if (alertEvent.Sequence <= last)
                {
                    continue;
                }
                await responseStream.WriteAsync(alertEvent, ct);
                last = alertEvent.Sequence;
            }
        }
        catch (ChannelClosedException ex) when (ex.InnerException is SlowWatcherException slow)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                string.Create(CultureInfo.InvariantCulture, $"{slow.Message}; reconnect with after_sequence={last} to resume")));
        }
    }

    private async Task<long> ReplayAsync(long after, long upTo, IServerStreamWriter<AlertEvent> stream, CancellationToken ct)
    {
        while (true)
        {
            var from = after;
            var batch = await db.Alerts.AsNoTracking()
                .Where(a => a.Sequence > from && a.Sequence <= upTo)
                .OrderBy(a => a.Sequence)
                .Take(ReplayBatch)
                .ToListAsync(ct);
            foreach (var record in batch)
            {
                await stream.WriteAsync(AlertMapping.ToEvent(record), ct);
                after = record.Sequence;
            }
            if (batch.Count < ReplayBatch)
            {
                return after;
            }
        }
    }
}
