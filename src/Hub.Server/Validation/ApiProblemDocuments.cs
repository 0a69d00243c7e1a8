using System.Text.Json;

namespace Hub.Server.Validation;

/// <summary>
/// The HTTP/JSON API answers errors as RFC 9457 problem documents, like every HTTP error of
/// the hub: JSON transcoding writes gRPC's status (<c>{code, message}</c>), which this turns
/// into <c>application/problem+json</c> with the gRPC code kept and the field errors
/// (<c>field.path: text; …</c>) split out under <c>errors</c>, for forms to show by field.
/// </summary>
public static class ApiProblemDocuments
{
    public const string Prefix = "/api";

    public static IApplicationBuilder UseApiProblemDocuments(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!context.Request.Path.StartsWithSegments(Prefix, StringComparison.Ordinal))
        {
            await next(context);
            return;
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
            && TryReadStatus(buffer, out var code, out var message))
        {
            context.Response.ContentLength = null;
            await Results.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = context.Response.StatusCode,
                Title = Title(context.Response.StatusCode),
                Detail = message,
                Extensions =
                {
                    ["grpcStatus"] = code,
                    ["errors"] = FieldErrorsOf(message),
                },
            }).ExecuteAsync(context);
            return;
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    });

    private static bool TryReadStatus(Stream body, out int code, out string message)
    {
        code = 0;
        message = "";
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("code", out var c) && c.TryGetInt32(out code)
                && document.RootElement.TryGetProperty("message", out var m))
            {
                message = m.GetString() ?? "";
                return true;
            }
        }
        catch (JsonException)
        {
            // Not a gRPC status: passed through as it is.
        }
        return false;
    }

    /// <summary>"a.b: x; c: y" → { "a.b": ["x"], "c": ["y"] }; messages that name no field are left out.</summary>
    public static Dictionary<string, string[]> FieldErrorsOf(string message) =>
        message.Split("; ", StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split(": ", 2))
            .Where(pair => pair.Length == 2 && pair[0].Length > 0 && !pair[0].Contains(' ', StringComparison.Ordinal))
            .GroupBy(pair => pair[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(pair => pair[1]).ToArray(), StringComparer.Ordinal);

    private static string Title(int status) => status switch
    {
        400 => "The request is not valid",
        401 => "Not signed in",
        403 => "Not allowed",
        404 => "Not found",
        409 => "Conflict",
        412 => "Not possible in the current state",
        429 => "Too many requests",
        503 => "Unavailable",
        _ => "The request failed",
    };
}
