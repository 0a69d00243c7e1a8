using System.Globalization;
using System.Threading.RateLimiting;
using Hub.Server.Access;
using Microsoft.AspNetCore.RateLimiting;

namespace Hub.Server.Limits;

/// <summary>
/// Back-pressure at the door: a size limit on every request, and a token bucket per client
/// (per signed-in subject; per address for anonymous calls), so that one misbehaving system
/// cannot starve the others. Over the limit, gRPC answers RESOURCE_EXHAUSTED and HTTP 429.
/// </summary>
public static class RequestLimits
{
    public const int MaxGrpcMessageBytes = 1024 * 1024;
    /// <summary>Case messages carry attachments (8 MiB at most, see CaseValidation).</summary>
    public const int MaxCaseMessageBytes = 10 * 1024 * 1024;
    public const long MaxRequestBodyBytes = 12 * 1024 * 1024;

    public static IServiceCollection AddHubRequestLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var perSecond = configuration.GetValue("Hub:RateLimit:PermitsPerSecond", 200);
        var burst = configuration.GetValue("Hub:RateLimit:Burst", 400);
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var caller = Caller.From(context.User);
                var key = caller.IsAuthenticated ? "sub:" + caller.Subject : "ip:" + context.Connection.RemoteIpAddress;
                return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = burst,
                    TokensPerPeriod = perSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            o.OnRejected = RejectAsync;
        });
        return services;
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var response = context.HttpContext.Response;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        if (context.HttpContext.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
        {
            // A trailers-only gRPC response: HTTP 200 with the status in the headers.
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/grpc";
            response.Headers["grpc-status"] = "8";
            response.Headers["grpc-message"] = "rate limit exceeded for this client; retry after the Retry-After seconds";
            return;
        }
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
            detail: "rate limit exceeded for this client; retry after the Retry-After seconds").ExecuteAsync(context.HttpContext);
    }
}
