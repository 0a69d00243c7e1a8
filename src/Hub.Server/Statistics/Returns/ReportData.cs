using System.Reflection;
using Hub.Contracts.V1;

namespace Hub.Server.Statistics;

/// <summary>
/// The national figures of the CARICC annual report 2013 (each country's "general situation" section, 1.1 to 5.1),
/// shipped with the hub as embedded returns: <c>seizures-2011-2013.csv</c> holds the figures
/// as the report's tables give them, <c>report-words.csv</c> what only its sentences state
/// (the changes "a 15.2 % decrease", "16-times increase", and totals the tables lack), quoted.
/// Kept apart so that the figures stay the shared data file byte for byte.
/// </summary>
public static class ReportData
{
    public const string Source = "CARICC annual report 2013";

    private static readonly string[] Files = ["seizures-2011-2013.csv", "report-words.csv"];

    /// <summary>The report's returns, one per country and period, figures and words merged; new objects on each call.</summary>
    public static IReadOnlyList<ReturnContent> Load() => ReturnsCsv.Parse(Files.Select(Read).ToList(), Source);

    private static string Read(string file)
    {
        var name = $"{typeof(ReportData).Namespace}.ReportData.{file}";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{name} is not embedded in {Assembly.GetExecutingAssembly().GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
