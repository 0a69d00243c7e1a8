using System.Text.Json;
using Google.Protobuf;

namespace Hub.Server.Records;

/// <summary>Proto3 JSON as every record kind stores and sends it.</summary>
public static class ProtoJson
{
    public static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false));
    public static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    /// <summary>
    /// The message as a JSON element, for SignalR and the country queues: serialised once per
    /// send to a group, not once per connection.
    /// </summary>
    public static JsonElement Element(IMessage message)
    {
        using var document = JsonDocument.Parse(Formatter.Format(message));
        return document.RootElement.Clone();
    }
}
