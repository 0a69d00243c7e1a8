using Google.Protobuf;

namespace Hub.Server.Records;

/// <summary>Proto3 JSON as every record kind stores and sends it.</summary>
public static class ProtoJson
{
    public static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false));
    public static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));
}
