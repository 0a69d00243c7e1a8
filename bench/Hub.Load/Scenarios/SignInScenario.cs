using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Hub.Load.Infra;
using Hub.Load.Load;
using Hub.Load.Report;

namespace Hub.Load.Scenarios;

/// <summary>
/// Sign-in timing (issue 13): a wrong password for a real account and any password for an
/// unknown one must take the same time, or the answer's time tells who has an account (it was
/// ~55 ms against ~2.5 ms). The two are sent alternately, one at a time, by the same client,
/// each from an address of its own (X-Forwarded-For from loopback, which the hub trusts), so
/// that throttling never answers instead of the password check. The sign-in page's GET is the
/// bare floor measured beside them: the same endpoint without a password check.
/// </summary>
internal sealed partial class SignInScenario : IScenario
{
    private const double DefaultSeconds = 20;
    private const string KnownUser = "liaison.kaz";
    private const string Path = "/account/signin";

    public IReadOnlyDictionary<string, object> Settings(Options options) => new Dictionary<string, object>
    {
        ["phaseSeconds"] = options.Seconds ?? DefaultSeconds,
        ["order"] = "alternating: page GET, real user + wrong password, unknown user + wrong password; one request at a time",
        ["addresses"] = "a fresh X-Forwarded-For address per attempt (no throttling)",
    };

    public async Task<IReadOnlyList<Panel>> RunAsync(Options options, RunReport report)
    {
        var phase = options.Phase(DefaultSeconds);
        var data = Repo.ScratchDirectory("signin");
        try
        {
            await using var hub = await HubUnderTest.StartAsync(System.IO.Path.Combine(data, "hub"));
            using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true };
            using var browser = new HttpClient(handler) { BaseAddress = hub.Node.Web };
            var page = await browser.GetStringAsync(new Uri(Path, UriKind.Relative));
            var antiforgery = AntiforgeryField().Match(page);
            var field = antiforgery.Groups[1].Value;
            var token = WebUtility.HtmlDecode(antiforgery.Groups[2].Value);
            var address = 0;

            async Task<long> TimedAsync(Func<HttpRequestMessage> make)
            {
                using var request = make();
                var n = Interlocked.Increment(ref address);
                request.Headers.Add("X-Forwarded-For", $"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}");
                var start = Stopwatch.GetTimestamp();
                using var response = await browser.SendAsync(request);
                var end = Stopwatch.GetTimestamp();
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK || (request.Method == HttpMethod.Post && !body.Contains("Wrong user name or password", StringComparison.Ordinal)))
                {
                    throw new InvalidOperationException($"sign-in answered {(int)response.StatusCode} without the refusal: the measurement would not be of a refusal");
                }
                return end - start;
            }
            HttpRequestMessage Post(string userName, string password) => new(HttpMethod.Post, Path)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { [field] = token, ["returnUrl"] = "/console/", ["username"] = userName, ["password"] = password }),
            };
            HttpRequestMessage Get() => new(HttpMethod.Get, Path);

            Console.WriteLine("warm-up: 20 rounds");
            for (var i = 0; i < 20; i++)
            {
                await TimedAsync(Get);
                await TimedAsync(() => Post(KnownUser, "wrong-password-" + i));
                await TimedAsync(() => Post("nobody." + i, "wrong-password-" + i));
            }

            Console.WriteLine($"measured: alternating rounds for {phase.TotalSeconds:0} s");
            var (floor, known, unknown) = (new Latency(), new Latency(), new Latency());
            var rounds = 0;
            var cpu = new CpuWindow(hub.Node.Process.CpuSeconds);
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < phase && rounds < 100_000)
            {
                floor.Record(0, await TimedAsync(Get));
                // Which of the two goes first alternates too, so neither always follows the GET.
                if (rounds % 2 == 0)
                {
                    known.Record(0, await TimedAsync(() => Post(KnownUser, "wrong-password-" + rounds)));
                    unknown.Record(0, await TimedAsync(() => Post("nobody." + rounds, "wrong-password-" + rounds)));
                }
                else
                {
                    unknown.Record(0, await TimedAsync(() => Post("nobody." + rounds, "wrong-password-" + rounds)));
                    known.Record(0, await TimedAsync(() => Post(KnownUser, "wrong-password-" + rounds)));
                }
                rounds++;
            }
            var seconds = clock.Elapsed.TotalSeconds;
            var use = cpu.Stop();

            var (f, k, u) = (floor.Summary(), known.Summary(), unknown.Summary());
            foreach (var (name, summary) in new[] { ("page GET (floor)", f), ("real user, wrong password", k), ("unknown user", u) })
            {
                report.Add(name.StartsWith("page", StringComparison.Ordinal) ? "baseline" : "hub",
                    new PhaseStats(name, "alternating", 0, 1, seconds, seconds, rounds, rounds, 0, 0, rounds / seconds, summary, new Dictionary<string, long>()), use);
            }
            report.Compare("unknown vs real user, p50", "ms", u.P50Ms, k.P50Ms, Goal.Between(0.9, 1.1));
            report.Compare("unknown vs real user, mean", "ms", u.MeanMs, k.MeanMs, Goal.Between(0.9, 1.1));
            report.Compare("unknown vs real user, p90", "ms", u.P90Ms, k.P90Ms, Goal.Between(0.8, 1.25));
            report.Compare("real user refusal vs the page alone, p50", "ms", k.P50Ms, f.P50Ms, Goal.None);
            report.Figures["rounds"] = rounds;
            report.Figures["hub CPU per refused sign-in (ms)"] = Math.Round(use.Server * seconds * 1000 / (2.0 * rounds), 2);
            report.Note("before issue 13 an unknown user was answered in ~2.5 ms and a real one in ~55 ms (ratio ~0.05)");

            return [new PercentilePanel("Refused sign-in latency, one at a time", [("page GET", f), ("real user", k), ("unknown user", u)])];
        }
        finally
        {
            if (!options.Keep)
            {
                Repo.DeleteQuietly(data);
            }
        }
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"(__RequestVerificationToken[^\"]*)\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
