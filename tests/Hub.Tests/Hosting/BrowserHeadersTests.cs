using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Hub.Server.Identity;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hub.Tests.Hosting;

/// <summary>
/// What a browser is told about the hub's pages: no script or style but the hub's own files,
/// no framing, no type sniffing, no referrer; and no token ever written to the log, even with
/// request logging turned up in configuration.
/// </summary>
public sealed partial class BrowserHeadersTests(BrowserHeadersTests.LoggedHub hub) : IClassFixture<BrowserHeadersTests.LoggedHub>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/console/")]
    [InlineData("/console/app.js")]
    [InlineData(SignInPage.Path + "?returnUrl=%2Fconsole%2F")]
    [InlineData("/healthz")]
    public async Task Every_browser_response_carries_the_security_headers(string path)
    {
        using var http = hub.CreateClient();
        using var answer = await http.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var csp = answer.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Equal("nosniff", answer.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", answer.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", answer.Headers.GetValues("X-Frame-Options").Single());
    }

    [Theory]
    [InlineData("/console/")]
    [InlineData(SignInPage.Path + "?returnUrl=%2Fconsole%2F")]
    public async Task Pages_hold_no_inline_script_or_style_the_policy_would_block(string path)
    {
        using var http = hub.CreateClient();
        var html = await http.GetStringAsync(path, Ct);
        Assert.DoesNotMatch(InlineScript(), html);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(InlineHandlerOrStyle(), html);
    }

    [Fact]
    public async Task A_token_in_the_query_string_never_reaches_the_log()
    {
        const string token = "eyJhbGciOiJSUzI1NiJ9.secret-token-in-the-url.signature";
        using var http = hub.CreateClient();
        using var _ = await http.PostAsync("/hubs/feed/negotiate?negotiateVersion=1&access_token=" + token, null, Ct);
        using var __ = await http.GetAsync("/console/?access_token=" + token, Ct);
        Assert.NotEmpty(hub.Lines);
        Assert.DoesNotContain(hub.Lines, l => l.Contains("secret-token-in-the-url", StringComparison.Ordinal));
    }

    [GeneratedRegex("<script(?![^>]*\\ssrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex("\\s(on[a-z]+|style)\\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineHandlerOrStyle();

    /// <summary>The hub with every log line kept, request logging asked for at Information.</summary>
    public sealed class LoggedHub : HubFactory
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        protected override IEnumerable<(string Key, string Value)> ExtraSettings =>
        [
            ("Logging:LogLevel:Default", "Information"),
            ("Logging:LogLevel:Microsoft.AspNetCore", "Information"),
            ("Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics", "Debug"),
        ];

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(new KeepingProvider(Lines)));
        }
    }

    private sealed class KeepingProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Keeping(categoryName, lines);
        public void Dispose() { }

        private sealed class Keeping(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{category}: {formatter(state, exception)}");
        }
    }
}
