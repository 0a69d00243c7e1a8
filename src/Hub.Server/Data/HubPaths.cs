namespace Hub.Server.Data;

/// <summary>Where the hub keeps its files (the SQLite database in the embedded default).</summary>
public sealed record HubPaths(string DataDirectory)
{
    public static HubPaths From(IConfiguration configuration)
    {
        var configured = configuration["Hub:DataDirectory"];
        var directory = string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(System.IO.Directory.GetCurrentDirectory(), "data")
            : Path.GetFullPath(configured);
        System.IO.Directory.CreateDirectory(directory);
        return new HubPaths(directory);
    }
}
