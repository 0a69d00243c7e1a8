using Hub.Load.Report;

namespace Hub.Load.Scenarios;

/// <summary>One of issue #8's scenarios: starts what it measures, measures hub and bare baseline, fills the report, returns the chart's panels.</summary>
internal interface IScenario
{
    IReadOnlyDictionary<string, object> Settings(Options options);

    Task<IReadOnlyList<Panel>> RunAsync(Options options, RunReport report);
}
