namespace Hub.Server.Data;

/// <summary>
/// Where the hub keeps its files (the SQLite database in the embedded default). Relative
/// paths are taken from the application's folder, not the working directory, so that the hub
/// behaves the same wherever it is started from.
/// </summary>
public sealed record HubPaths(string DataDirectory, string ApplicationDirectory)
{
    public static HubPaths From(IConfiguration configuration, string applicationDirectory)
    {
        var configured = configuration["Hub:DataDirectory"];
        var directory = Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? "data" : configured, applicationDirectory);
        System.IO.Directory.CreateDirectory(directory);
        return new HubPaths(directory, applicationDirectory);
    }

    /// <summary>A configured file's full path (key files, the audit's checkpoint file).</summary>
    public string Resolve(string path) => Path.GetFullPath(path, ApplicationDirectory);
}
