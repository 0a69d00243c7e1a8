namespace Hub.Server;

/// <summary>What the hub says about itself while it starts, so an operator knows where things are.</summary>
internal static partial class StartupLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Data directory: {DataDirectory}")]
    public static partial void DataDirectory(ILogger logger, string dataDirectory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bus: {Transport}; this node's live-feed queue: {Queue}")]
    public static partial void Bus(ILogger logger, string transport, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Identity: using development signing and encryption keys kept in {DataDirectory}. Configure Hub:Identity:SigningKey and Hub:Identity:EncryptionKey in production.")]
    public static partial void DevelopmentKeys(ILogger logger, string dataDirectory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit: using a development audit key kept in {DataDirectory}. Configure Hub:Audit:Key (or Hub:Audit:KeyFile) outside Development; the hub refuses to start without it there.")]
    public static partial void DevelopmentAuditKey(ILogger logger, string dataDirectory);
}
