using System.Globalization;
using System.Net.Http.Json;

namespace Hub.Load.Infra;

/// <summary>Asks the bare server to broadcast alertPosted at a fixed rate; returns the schedule's start (Stopwatch ticks, machine-wide clock).</summary>
internal static class BareFeed
{
    public static async Task<long> BroadcastAsync(ServerNode bare, double rate, int count)
    {
        using var http = new HttpClient { BaseAddress = bare.Web };
        using var response = await http.PostAsync(new Uri(string.Create(CultureInfo.InvariantCulture, $"/bench/broadcast?rate={rate}&count={count}"), UriKind.Relative), null);
        response.EnsureSuccessStatusCode();
        return long.Parse(await response.Content.ReadAsStringAsync(), CultureInfo.InvariantCulture);
    }

    public static async Task<(long Sent, long Late)> ProgressAsync(ServerNode bare)
    {
        using var http = new HttpClient { BaseAddress = bare.Web };
        var progress = await http.GetFromJsonAsync<Progress>(new Uri("/bench/broadcast", UriKind.Relative));
        return (progress?.Sent ?? 0, progress?.Late ?? 0);
    }

    /// <summary>Waits (bounded) until the bare server has sent all <paramref name="count"/> messages.</summary>
    public static async Task WaitSentAsync(ServerNode bare, int count, TimeSpan max)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < max && (await ProgressAsync(bare)).Sent < count)
        {
            await Task.Delay(200);
        }
    }

    private sealed record Progress(long Sent, long Late);
}
