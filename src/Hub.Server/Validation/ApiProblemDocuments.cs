using Google.Api;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.Core;
using Hub.Server.ErrorHandling;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Mvc;

namespace Hub.Server.Validation;

/// <summary>
/// The HTTP/JSON API answers errors as RFC 9457 problem documents, like every HTTP error of
/// the hub. JSON transcoding writes the call's <c>google.rpc.Status</c> (the same one gRPC
/// clients get); this turns it into <c>application/problem+json</c> with the gRPC code kept
/// (<c>grpcStatus</c>) and the <c>google.rpc.BadRequest</c> field violations under
/// <c>errors</c>, keyed by the JSON paths the client sent (<see cref="JsonFieldPaths"/>) so
/// that forms show each next to its field. A request transcoding could not read carries no
/// details; <see cref="JsonBodyDiagnosis"/> and <see cref="QueryDiagnosis"/> find its field
/// from the request itself.
/// </summary>
public static class ApiProblemDocuments
{
    public const string Prefix = "/api";

    private static readonly JsonParser StatusParser = new(JsonParser.Settings.Default
        .WithIgnoreUnknownFields(true)
        .WithTypeRegistry(TypeRegistry.FromMessages(ErrorStatus.DetailTypes)));

    public static IApplicationBuilder UseApiProblemDocuments(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!context.Request.Path.StartsWithSegments(Prefix, StringComparison.Ordinal))
        {
            await next(context);
            return;
        }
        var method = context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>();
        if (method is not null && !string.IsNullOrEmpty(method.HttpRule.Body))
        {
            // Kept for a second reading should transcoding refuse the body; in memory up to the
            // body limit, because a body may carry case attachments, which stay off temp files.
            context.Request.EnableBuffering(bufferThreshold: (int)Limits.RequestLimits.MaxRequestBodyBytes);
        }
        var original = context.Response.Body;
        await using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }
        buffer.Position = 0;
        if (context.Response.StatusCode >= 400 && context.Response.ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true
            && TryReadStatus(buffer, out var status))
        {
            var fields = await FieldErrorsAsync(context, status, method);
            // A fault of the body as a whole has no key to go under: the detail says it instead.
            var whole = fields.FirstOrDefault(f => f.Field.Length == 0);
            context.Response.ContentLength = null;
            var problem = new ProblemDetails
            {
                Status = context.Response.StatusCode,
                Title = Title(context.Response.StatusCode),
                Detail = whole is null ? status.Message : "the request body " + whole.Message,
                Extensions =
                {
                    ["grpcStatus"] = status.Code,
                    ["errors"] = fields.Where(f => f.Field.Length > 0)
                        .GroupBy(f => f.Field, StringComparer.Ordinal)
                        .ToDictionary(g => g.Key, g => g.Select(f => f.Message).ToArray(), StringComparer.Ordinal),
                },
            };
            if (status.GetDetail<RequestInfo>() is { } info)
            {
                problem.Extensions["reference"] = info.RequestId;
            }
            await Results.Problem(problem).ExecuteAsync(context);
            return;
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    });

    private static bool TryReadStatus(MemoryStream body, out Google.Rpc.Status status)
    {
        try
        {
            using var reader = new StreamReader(body, leaveOpen: true);
            status = StatusParser.Parse<Google.Rpc.Status>(reader);
            return status.Code != 0;
        }
        catch (InvalidProtocolBufferException)
        {
            // Not a gRPC status (some other handler's JSON): passed through as it is.
        }
        catch (InvalidJsonException)
        {
        }
        status = new Google.Rpc.Status();
        return false;
    }

    /// <summary>The fields at fault by their JSON paths, in the order the hub found them.</summary>
    private static async Task<List<FieldError>> FieldErrorsAsync(HttpContext context, Google.Rpc.Status status, GrpcJsonTranscodingMetadata? method)
    {
        IEnumerable<FieldError> fields = [];
        if (status.GetDetail<BadRequest>() is { } badRequest)
        {
            fields = badRequest.FieldViolations.Select(v => new FieldError(
                method is null ? JsonFieldPaths.LowerCamel(v.Field) : JsonFieldPaths.ToJson(v.Field, method.MethodDescriptor.InputType, method.HttpRule),
                v.Description));
        }
        else if (status.Code == (int)StatusCode.InvalidArgument && status.Details.Count == 0 && method is not null)
        {
            // Every refusal of the hub's own carries details: none means transcoding could not
            // read the request — its body, or (when the body is not everything) its query.
            var request = method.MethodDescriptor.InputType;
            FieldError? fault = null;
            if (BodyType(request, method.HttpRule) is { } bodyType && context.Request.Body.CanSeek)
            {
                context.Request.Body.Position = 0;
                using var copy = new MemoryStream();
                await context.Request.Body.CopyToAsync(copy, context.RequestAborted);
                fault = JsonBodyDiagnosis.Find(bodyType, copy.GetBuffer().AsSpan(0, (int)copy.Length));
            }
            if (fault is null && method.HttpRule.Body != "*")
            {
                fault = QueryDiagnosis.Find(request, context.Request.Query);
            }
            fields = fault is null ? [] : [fault];
        }
        return [.. fields];
    }

    /// <summary>What the client sent as the body: the request, or the one field the rule names.</summary>
    private static MessageDescriptor? BodyType(MessageDescriptor request, HttpRule rule) =>
        rule.Body == "*" ? request
        : request.FindFieldByName(rule.Body) is { FieldType: FieldType.Message, IsRepeated: false } field ? field.MessageType
        : null;

    private static string Title(int status) => status switch
    {
        400 => "The request is not valid",
        401 => "Not signed in",
        403 => "Not allowed",
        404 => "Not found",
        409 => "Conflict",
        412 => "Not possible in the current state",
        429 => "Too many requests",
        500 => "The hub failed",
        503 => "Unavailable",
        _ => "The request failed",
    };
}
