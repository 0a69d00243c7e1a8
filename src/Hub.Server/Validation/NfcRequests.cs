using System.Collections;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Hub.Server.Validation;

/// <summary>
/// Every text of every request in Unicode NFC before any service sees it (issue 13), on gRPC
/// and on the HTTP/JSON routes transcoded onto it: the same name typed on two keyboards
/// ("й" as one code point or as и + combining breve) is then stored, compared, counted in
/// lengths and matched alike, and idempotent retries compare the normalised request. One
/// place, so that no feature can forget it. Text that cannot be normalised (a broken
/// surrogate) is left as sent for <see cref="TextFields"/> to refuse by name.
/// </summary>
public sealed class NfcRequests : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Normalize(request as IMessage);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Normalize(request as IMessage);
        return continuation(request, responseStream, context);
    }

    /// <summary>Normalises every string field, repeated or nested, in place.</summary>
    public static void Normalize(IMessage? message)
    {
        if (message is null)
        {
            return;
        }
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            if (field.FieldType is not (FieldType.String or FieldType.Message or FieldType.Group) || field.IsMap)
            {
                continue;
            }
            var value = field.Accessor.GetValue(message);
            switch (value)
            {
                case string text when Nfc(text) is { } normalised:
                    field.Accessor.SetValue(message, normalised);
                    break;
                case IMessage nested:
                    Normalize(nested);
                    break;
                case IList list:
                    for (var i = 0; i < list.Count; i++)
                    {
                        if (list[i] is string s && Nfc(s) is { } n)
                        {
                            list[i] = n;
                        }
                        else if (list[i] is IMessage m)
                        {
                            Normalize(m);
                        }
                    }
                    break;
            }
        }
    }

    /// <summary>The NFC form when it differs from <paramref name="text"/>; null when it is already NFC or cannot be normalised.</summary>
    private static string? Nfc(string text)
    {
        try
        {
            return text.IsNormalized(NormalizationForm.FormC) ? null : text.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
