using Grpc.Core;
using Grpc.Net.Client;

namespace Hub.Load.Infra;

/// <summary>
/// A server under test on two free loopback ports: the hub (src/Hub.Server's build, as a
/// process, like tests/Hub.SystemTests/HubProcess.cs) or the bare baselines (this tool again,
/// `serve-bare`), with the same Kestrel endpoint layout: web on HTTP/1.1, gRPC on HTTP/2 only.
/// </summary>
internal sealed class ServerNode : IAsyncDisposable
{
    private ServerNode(string name, ChildProcess process, Uri web, Uri grpc, string? dataDirectory)
    {
        Name = name;
        Process = process;
        Web = web;
        Grpc = grpc;
        DataDirectory = dataDirectory;
    }

    public string Name { get; }
    public ChildProcess Process { get; }
    public Uri Web { get; }
    public Uri Grpc { get; }
    public string? DataDirectory { get; }

    /// <summary>The hub on the embedded default (SQLite in <paramref name="dataDirectory"/>), with the in-memory bus unless <paramref name="rabbitMq"/> is given.</summary>
    /// <param name="ports">The web and gRPC ports; a hub restarted on a data directory needs its first ports back (the console client's redirect URI and the tokens' issuer are registered with them).</param>
    /// <param name="readyTimeout">How long the hub may take to answer /readyz (90 s; longer for a start that rebuilds the statistics of a million alerts).</param>
    public static async Task<ServerNode> StartHubAsync(string dataDirectory, string? rabbitMq = null, IReadOnlyDictionary<string, string>? extra = null, (int Web, int Grpc)? ports = null,
        TimeSpan? readyTimeout = null)
    {
        Directory.CreateDirectory(dataDirectory);
        var web = new Uri($"http://127.0.0.1:{ports?.Web ?? Repo.FreePort()}");
        var grpc = new Uri($"http://127.0.0.1:{ports?.Grpc ?? Repo.FreePort()}");
        var environment = new Dictionary<string, string>
        {
            // The scenarios sign in with the development accounts, which exist in Development only.
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Kestrel__Endpoints__Web__Url"] = web.ToString(),
            ["Kestrel__Endpoints__Grpc__Url"] = grpc.ToString(),
            ["Hub__DataDirectory"] = dataDirectory,
            // Outside Development the hub needs an audit key; a restarted hub needs the same one.
            ["Hub__Audit__KeyFile"] = KeyFile(dataDirectory, "audit-key.txt"),
            ["Hub__Matching__KeyFile"] = KeyFile(dataDirectory, "matching-key.txt"),
            ["ConnectionStrings__RabbitMq"] = rabbitMq ?? "",
            ["Hub__Identity__Issuer"] = web.ToString(),
            ["Logging__Console__FormatterName"] = "simple",
            // The load generator is one client posting far faster than an agency would; the
            // per-client limits have their own tests.
            ["Hub__RateLimit__PermitsPerSecond"] = "1000000",
            ["Hub__RateLimit__Burst"] = "1000000",
            // The fan-out, memory and e2e scenarios connect hundreds of operators with one
            // account; the per-account stream limit stays the hub's (the streams scenario measures it).
            ["Hub__Streams__ConnectionsPerCaller"] = "10000",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }
        var process = ChildProcess.Start("hub", Repo.ServerAssembly, [], environment);
        var node = new ServerNode("hub", process, web, grpc, dataDirectory);
        try
        {
            await process.WaitReadyAsync(new Uri(web, "/readyz"), readyTimeout ?? TimeSpan.FromSeconds(90));
            Console.WriteLine($"  hub pid {process.Id}: web {web} grpc {grpc} data {dataDirectory}{(string.IsNullOrEmpty(rabbitMq) ? "" : ", RabbitMQ")}");
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
        return node;
    }

    /// <summary>A key file in the data folder, made once: nodes on one data folder, and a restarted node, share it.</summary>
    private static string KeyFile(string dataDirectory, string name)
    {
        var path = Path.Combine(dataDirectory, name);
        if (!File.Exists(path))
        {
            File.WriteAllText(path, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        }
        return path;
    }

    /// <summary>The bare baselines: a gRPC echo of SeizureAlerts.PostAlert and a bare SignalR hub, no storage, no auth.</summary>
    /// <param name="matchDatabase">The match scenario's hub database (and <paramref name="matchKeyFile"/>, its matching key): adds the bare Matches.Check lookup.</param>
    /// <param name="statsDatabase">The stats scenario's hub database: adds the bare Statistics.GetTotals aggregate.</param>
    public static async Task<ServerNode> StartBareAsync(string? matchDatabase = null, string? matchKeyFile = null, string? statsDatabase = null)
    {
        var web = new Uri($"http://127.0.0.1:{Repo.FreePort()}");
        var grpc = new Uri($"http://127.0.0.1:{Repo.FreePort()}");
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            // The hub's GC mode (an ASP.NET Core app: server GC), whatever this tool's own is.
            ["DOTNET_gcServer"] = "1",
        };
        List<string> arguments = ["serve-bare", "--web", web.ToString(), "--grpc", grpc.ToString()];
        if (matchDatabase is not null && matchKeyFile is not null)
        {
            arguments.AddRange(["--match-db", matchDatabase, "--match-key", matchKeyFile]);
        }
        if (statsDatabase is not null)
        {
            arguments.AddRange(["--stats-db", statsDatabase]);
        }
        var process = ChildProcess.Start("bare", Repo.ToolAssembly, arguments, environment);
        var node = new ServerNode("bare", process, web, grpc, null);
        try
        {
            await process.WaitReadyAsync(new Uri(web, "/healthz"), TimeSpan.FromSeconds(60));
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
        return node;
    }

    /// <summary>A gRPC channel sending <c>authorization: Bearer</c> on every call (the bare echo ignores it; the bytes on the wire are the same).</summary>
    public GrpcChannel Channel(string token) => GrpcChannel.ForAddress(Grpc, new GrpcChannelOptions
    {
        Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("Authorization", "Bearer " + token);
            return Task.CompletedTask;
        })),
        UnsafeUseInsecureChannelCallCredentials = true,
        HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        MaxReceiveMessageSize = 16 * 1024 * 1024,
    });

    public Uri FeedUrl => new(Web, "/hubs/feed");

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
    }
}
