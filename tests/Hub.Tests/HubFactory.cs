using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Grpc.Net.Client;
using Hub.Contracts.V1;
using Hub.Server.Data;
using Hub.Server.Identity;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Hub.Tests;

/// <summary>
/// The whole hub in-process on its embedded default (SQLite in a temp folder, in-memory
/// bus, development accounts), one per test class so that classes run in parallel without
/// sharing data. Its signing key is made here so that tests can forge tokens.
/// </summary>
public class HubFactory : WebApplicationFactory<Program>
{
    public const string Issuer = "http://localhost/";
    private readonly string _dataDirectory;

    public HubFactory() : this(Path.Combine(Path.GetTempPath(), "hub-tests", Guid.NewGuid().ToString("N")))
    {
    }

    /// <summary>A hub on the database in <paramref name="dataDirectory"/>: two of them on one folder are two nodes on one database.</summary>
    protected HubFactory(string dataDirectory) => _dataDirectory = dataDirectory;

    public string DataDirectory => _dataDirectory;
    private readonly ConcurrentDictionary<string, Task<string>> _tokens = new();

    public virtual string SigningKeyPem { get; } = IdentityKeys.NewRsaPem();
    public virtual string EncryptionKey { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>The blind index's key (Hub:Matching:Key), which an attacker with the database does not have either.</summary>
    public string MatchingKey { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>The audit key (Hub:Audit:Key): the hub's secret, which an attacker with the database does not have.</summary>
    public virtual string AuditKey { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public RsaSecurityKey SigningKey
    {
        get
        {
            var rsa = System.Security.Cryptography.RSA.Create();
            rsa.ImportFromPem(SigningKeyPem);
            return new RsaSecurityKey(rsa);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        builder.UseSetting("Hub:DataDirectory", _dataDirectory);
        builder.UseSetting("ConnectionStrings:RabbitMq", "");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Hub:Identity:Issuer", Issuer);
        builder.UseSetting(IdentityKeys.SigningKeyKey, SigningKeyPem);
        builder.UseSetting(IdentityKeys.EncryptionKeyKey, EncryptionKey);
        builder.UseSetting(Hub.Server.Audit.AuditKeys.KeyKey, AuditKey);
        builder.UseSetting(Hub.Server.Matching.MatchKeyring.KeyKey, MatchingKey);
        foreach (var (key, value) in ExtraSettings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>
    /// The hosting environment: Development, the only one where development accounts (with
    /// their public secrets) exist; production posture tests use Production.
    /// </summary>
    protected virtual string EnvironmentName => "Development";

    /// <summary>Settings a variant of the hub needs on top of the defaults.</summary>
    protected virtual IEnumerable<(string Key, string Value)> ExtraSettings => [];

    /// <summary>An access token of a member agency's system (client credentials).</summary>
    public Task<string> AgencyTokenAsync(string country) =>
        _tokens.GetOrAdd("agency:" + country, _ => HubAuth.ClientCredentialsAsync(this, DevelopmentAccounts.ClientId(country), DevelopmentAccounts.ClientSecret(country)));

    /// <summary>An access token of a development person, through the browser's flow (code + PKCE).</summary>
    public Task<string> PersonTokenAsync(string userName) =>
        _tokens.GetOrAdd("person:" + userName, _ => HubAuth.AuthorizationCodeAsync(this, userName, DevelopmentAccounts.Password));

    public GrpcChannel CreateGrpcChannel(string? token) =>
        GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions
        {
            HttpHandler = new BearerHandler(token) { InnerHandler = Server.CreateHandler() },
        });

    public SeizureAlerts.SeizureAlertsClient CreateAlertsClient(string? token) => new(CreateGrpcChannel(token));

    /// <summary>A client posting as the given member state's agency system.</summary>
    public async Task<SeizureAlerts.SeizureAlertsClient> AgencyAlertsClientAsync(string country = "KAZ") =>
        CreateAlertsClient(await AgencyTokenAsync(country));

    /// <summary>A client reading as the centre's duty operator, who sees every alert.</summary>
    public async Task<SeizureAlerts.SeizureAlertsClient> OperatorAlertsClientAsync() =>
        CreateAlertsClient(await PersonTokenAsync("operator"));

    public HubConnection CreateFeedConnection(string? token) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(Server.BaseAddress, "/hubs/feed"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult(token);
                o.HttpMessageHandlerFactory = _ => Server.CreateHandler();
                o.WebSocketFactory = async (context, ct) =>
                {
                    var client = Server.CreateWebSocketClient();
                    // Browsers' WebSockets cannot send headers and carry the token in the query
                    // string; so does this one.
                    var uri = token is null ? context.Uri : new Uri(Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(context.Uri.ToString(), "access_token", token));
                    return await client.ConnectAsync(uri, ct);
                };
            })
            .Build();

    /// <summary>Runs a query against the hub's database in a fresh scope.</summary>
    public async Task<T> WithDbAsync<T>(Func<HubDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<HubDbContext>());
    }

    /// <summary>Checks the audit trail as audit-verify does (MACs, links, the checkpoint file).</summary>
    public Task<Hub.Server.Audit.AuditVerification> VerifyAuditAsync(params string[] moreCheckpointFiles) =>
        WithDbAsync(db => Services.GetRequiredService<Hub.Server.Audit.AuditVerifier>().VerifyAsync(db, TestContext.Current.CancellationToken, moreCheckpointFiles));

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private sealed class BearerHandler(string? token) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            return base.SendAsync(request, cancellationToken);
        }
    }
}
