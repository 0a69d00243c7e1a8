using System.Globalization;

namespace Hub.Load;

/// <summary>`Hub.Load SCENARIO [--seconds N] [--out DIR] [--rate R] [--concurrency C] [--operators A,B] [--sizes A,B] [--streams N] [--rounds N] [--set KEY=VALUE] [--keep]`.</summary>
internal sealed class Options
{
    public required string Scenario { get; init; }
    /// <summary>Length of each measured phase; each scenario has its own default.</summary>
    public double? Seconds { get; init; }
    public string? OutDirectory { get; init; }
    public double? Rate { get; init; }
    public int? Concurrency { get; init; }
    public IReadOnlyList<int>? Operators { get; init; }
    public IReadOnlyList<int>? Sizes { get; init; }
    public bool Keep { get; init; }
    public bool Syscalls { get; init; } = true;
    /// <summary>Streams for the streams scenario.</summary>
    public int? Streams { get; init; }
    /// <summary>At most this many measured rounds (the stats scenario; <see cref="Seconds"/> bounds their time).</summary>
    public int? Rounds { get; init; }
    /// <summary>`--set Hub:Streams:PerCaller=100`: configuration given to the hub under test (as environment variables).</summary>
    public IReadOnlyDictionary<string, string> HubSettings { get; init; } = new Dictionary<string, string>();

    public TimeSpan Phase(double defaultSeconds) => TimeSpan.FromSeconds(Seconds ?? defaultSeconds);

    public static Options Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            throw new ArgumentException("missing scenario");
        }
        double? seconds = null, rate = null;
        int? concurrency = null, streams = null, rounds = null;
        var hubSettings = new Dictionary<string, string>();
        string? output = null;
        IReadOnlyList<int>? operators = null, sizes = null;
        var keep = false;
        var syscalls = true;
        for (var i = 1; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--seconds":
                    seconds = double.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--out":
                    output = Value();
                    break;
                case "--rate":
                    rate = double.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--concurrency":
                    concurrency = int.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--operators":
                    operators = Ints(Value());
                    break;
                case "--sizes":
                    sizes = Ints(Value());
                    break;
                case "--streams":
                    streams = int.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--rounds":
                    rounds = int.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--set":
                    var setting = Value().Split('=', 2);
                    hubSettings[setting[0]] = setting.Length == 2 && setting[0].Length > 0 ? setting[1] : throw new ArgumentException("--set needs KEY=VALUE");
                    break;
                case "--keep":
                    keep = true;
                    break;
                case "--no-syscalls":
                    syscalls = false;
                    break;
                default:
                    throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        if (seconds is <= 0 or > 600)
        {
            throw new ArgumentException("--seconds must be between 0 and 600");
        }
        if (rounds is <= 0 or > 100_000)
        {
            throw new ArgumentException("--rounds must be between 1 and 100000");
        }
        return new Options
        {
            Scenario = args[0],
            Seconds = seconds,
            OutDirectory = output,
            Rate = rate,
            Concurrency = concurrency,
            Operators = operators,
            Sizes = sizes,
            Keep = keep,
            Syscalls = syscalls,
            Streams = streams,
            Rounds = rounds,
            HubSettings = hubSettings,
        };

        static IReadOnlyList<int> Ints(string s) => s.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(x => int.Parse(x.Replace("k", "000", StringComparison.OrdinalIgnoreCase).Replace("m", "000000", StringComparison.OrdinalIgnoreCase), CultureInfo.InvariantCulture)).ToList();
    }
}
