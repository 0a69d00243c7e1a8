using Hub.Load.Report;

namespace Hub.Load.Scenarios;

internal sealed class GrowthScenario : IScenario
{
    public IReadOnlyDictionary<string, object> Settings(Options options) => new Dictionary<string, object>();

    public Task<IReadOnlyList<Panel>> RunAsync(Options options, RunReport report) => throw new NotImplementedException();
}
