using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Hub.Load.Infra;

/// <summary>Where things are: the repository, the hub's build output, this tool.</summary>
internal static class Repo
{
    /// <summary>Release or Debug: the hub is started from the build of the same configuration.</summary>
    public static string Configuration { get; } =
        typeof(Repo).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    public static string Root { get; } = FindRoot();

    public static string ServerAssembly
    {
        get
        {
            var path = Path.Combine(Root, "src", "Hub.Server", "bin", Configuration, "net10.0", "Hub.Server.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("The hub is not built: run `dotnet build -c " + Configuration + " bench/Hub.Load` first.", path);
        }
    }

    /// <summary>This tool's own assembly, started again as a child for the bare baselines.</summary>
    public static string ToolAssembly { get; } = typeof(Repo).Assembly.Location;

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Hub.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new InvalidOperationException("Hub.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A free TCP port on 127.0.0.1 (loopback only: the tool never listens or sends elsewhere).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A fresh scratch folder on the same file system as the hub's data (never tmpfs-only: fsync must be real).</summary>
    public static string ScratchDirectory(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "hub-load", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static void DeleteQuietly(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
