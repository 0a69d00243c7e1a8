using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using Grpc.Net.Client;
using Hub.Contracts.V1;
using Microsoft.AspNetCore.SignalR.Client;

namespace Hub.SystemTests;

/// <summary>
/// A hub node as a real OS process (`dotnet Hub.Server.dll`) on free loopback ports, so that
/// the tests exercise the same host, configuration and transport as production.
/// </summary>
public sealed class HubProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HubProcess(Process process, Uri web, Uri grpc, string dataDirectory)
    {
        _process = process;
        WebAddress = web;
        GrpcAddress = grpc;
        DataDirectory = dataDirectory;
    }

    public Uri WebAddress { get; }
    public Uri GrpcAddress { get; }
    public string DataDirectory { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts a node. Environment Development by default: the tests sign in with the development
    /// accounts, which exist nowhere else. <paramref name="workingDirectory"/>: where it is
    /// started from (the binary's folder unless said).
    /// </summary>
    public static async Task<HubProcess> StartAsync(string rabbitMq, string? dataDirectory = null, Uri? issuer = null, IReadOnlyDictionary<string, string>? extra = null,
        string environment = "Development", string? workingDirectory = null)
    {
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "hub-system", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var web = new Uri($"http://127.0.0.1:{FreePort()}");
        var grpc = new Uri($"http://127.0.0.1:{FreePort()}");
        var server = ServerAssembly();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(server)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(server);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        info.Environment["Kestrel__Endpoints__Web__Url"] = web.ToString();
        info.Environment["Kestrel__Endpoints__Grpc__Url"] = grpc.ToString();
        info.Environment["Hub__DataDirectory"] = dataDirectory;
        // Outside Development the hub needs an audit key; nodes on one data folder share it.
        info.Environment["Hub__Audit__KeyFile"] = KeyFile(dataDirectory, "audit-key.txt");
        info.Environment["Hub__Matching__KeyFile"] = KeyFile(dataDirectory, "matching-key.txt");
        info.Environment["ConnectionStrings__RabbitMq"] = rabbitMq;
        info.Environment["Logging__Console__FormatterName"] = "simple";
        // Load tests post faster than an agency would; the limits have their own tests.
        info.Environment["Hub__RateLimit__PermitsPerSecond"] = "100000";
        info.Environment["Hub__RateLimit__Burst"] = "100000";
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        // One issuer for every node, as behind a load balancer.
        info.Environment["Hub__Identity__Issuer"] = issuer?.ToString() ?? web.ToString();

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the hub");
        var hub = new HubProcess(process, web, grpc, dataDirectory);
        process.OutputDataReceived += (_, e) => hub.Append(e.Data);
        process.ErrorDataReceived += (_, e) => hub.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await hub.WaitReadyAsync();
        return hub;
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

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private async Task WaitReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The hub exited with code {_process.ExitCode}:\n{Output}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri(WebAddress, "/readyz"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Slow to answer while starting.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The hub was not ready within 60 s:\n{Output}");
    }

    /// <summary>A member agency system's token (development client credentials).</summary>
    public async Task<string> AgencyTokenAsync(string country)
    {
        using var http = new HttpClient { BaseAddress = WebAddress };
        return await TestAuth.ClientCredentialsAsync(http, $"agency-{country.ToLowerInvariant()}", $"agency-{country.ToLowerInvariant()}-dev-secret");
    }

    /// <summary>A development person's token, through the sign-in page (code + PKCE).</summary>
    public async Task<string> PersonTokenAsync(string userName, Uri? consoleBase = null)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true };
        using var browser = new HttpClient(handler) { BaseAddress = WebAddress };
        var redirect = new Uri(consoleBase ?? WebAddress, "/console/callback").ToString();
        return await TestAuth.AuthorizationCodeAsync(browser, redirect, userName, TestAuth.DevelopmentPassword);
    }

    /// <summary>A channel to the gRPC endpoint that sends the token with every call.</summary>
    public GrpcChannel CreateChannel(string token) =>
        GrpcChannel.ForAddress(GrpcAddress, new GrpcChannelOptions
        {
            Credentials = Grpc.Core.ChannelCredentials.Create(Grpc.Core.ChannelCredentials.Insecure, Grpc.Core.CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("Authorization", "Bearer " + token);
                return Task.CompletedTask;
            })),
            UnsafeUseInsecureChannelCallCredentials = true,
        });

    public SeizureAlerts.SeizureAlertsClient CreateAlertsClient(string token) => new(CreateChannel(token));

    public HubConnection CreateFeedConnection(string token) =>
        new HubConnectionBuilder().WithUrl(new Uri(WebAddress, "/hubs/feed"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token)).Build();

    /// <summary>The process's peak resident memory so far (Linux VmHWM), in MiB.</summary>
    public double PeakMemoryMiB
    {
        get
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        }
    }

    /// <summary>SIGKILL: no shutdown, no flushing — as a crash or a power cut of the process.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The server built beside these tests, in the same configuration.</summary>
    private static string ServerAssembly()
    {
        var configuration = typeof(HubProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = Path.Combine(Broker.RepositoryRoot(), "src", "Hub.Server", "bin", configuration, "net10.0", "Hub.Server.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the solution first.", path);
    }
}
