using Hub.Contracts.V1;

namespace Hub.Server.Statistics;

/// <summary>
/// Gathers a returns CSV's lines into one return per country and period, refusing what would
/// make a return say two things at once: two figures for the same substance, detail and
/// measure (a not-reported one included), two stated totals in one measure, two stated
/// changes of the same thing against the same base.
/// </summary>
internal sealed class ReturnGroups(string sourcePrefix, List<ReturnsCsvError> errors)
{
    // ReturnContent's limits (statistics.proto), refused here with the line that passes them.
    private const int MaxFigures = 200;
    private const int MaxChanges = 100;
    private const int MaxSource = 200;

    private readonly Dictionary<(string Country, string Period), Group> _groups = [];

    public void AddFigure(int line, string country, Period period, string section, ReturnFigure figure)
    {
        var group = GroupOf(line, country, period, section);
        var key = (figure.Substance, figure.SubstanceDetail, figure.Measure);
        if (group.Figures.TryGetValue(key, out var first))
        {
            Duplicate(line, first, $"{ReturnNames.Of(figure.Substance)} in {ReturnNames.Of(figure.Measure)}", country, period);
            return;
        }
        if (group.Figures.Count == MaxFigures)
        {
            errors.Add(new ReturnsCsvError(line, "", $"more than {MaxFigures} figures in the return of {country} for {period.Label}"));
            return;
        }
        group.Figures.Add(key, line);
        group.Content.Figures.Add(figure);
    }

    public void AddTotal(int line, string country, Period period, string section, ReturnFigure total)
    {
        var group = GroupOf(line, country, period, section);
        if (group.Totals.TryGetValue(total.Measure, out var first))
        {
            Duplicate(line, first, $"a stated total in {ReturnNames.Of(total.Measure)}", country, period);
            return;
        }
        group.Totals.Add(total.Measure, line);
        group.Content.StatedTotals.Add(total);
    }

    public void AddChange(int line, string country, Period period, string section, StatedChange change)
    {
        var group = GroupOf(line, country, period, section);
        var key = (change.Substance, change.Measure, change.BasePeriod);
        if (group.Changes.TryGetValue(key, out var first))
        {
            Duplicate(line, first, $"a stated change of {ReturnNames.Of(change.Substance)} in {ReturnNames.Of(change.Measure)} on {change.BasePeriod}", country, period);
            return;
        }
        if (group.Changes.Count == MaxChanges)
        {
            errors.Add(new ReturnsCsvError(line, "", $"more than {MaxChanges} stated changes in the return of {country} for {period.Label}"));
            return;
        }
        group.Changes.Add(key, line);
        group.Content.StatedChanges.Add(change);
    }

    /// <summary>The returns by country then period label (ordinal, as a database orders them).</summary>
    public IReadOnlyList<ReturnContent> Build()
    {
        var returns = new List<ReturnContent>();
        foreach (var ((country, period), group) in _groups.OrderBy(g => g.Key.Country, StringComparer.Ordinal).ThenBy(g => g.Key.Period, StringComparer.Ordinal))
        {
            var parts = new[] { sourcePrefix.Trim() }.Concat(group.Sections).Where(p => p.Length > 0);
            group.Content.Source = string.Join(", ", parts);
            if (group.Content.Source.Length > MaxSource)
            {
                errors.Add(new ReturnsCsvError(group.FirstLine, "source_section",
                    $"the source of the return of {country} for {period} would be {group.Content.Source.Length} characters, at most {MaxSource}"));
            }
            returns.Add(group.Content);
        }
        return returns;
    }

    private Group GroupOf(int line, string country, Period period, string section)
    {
        if (!_groups.TryGetValue((country, period.Label), out var group))
        {
            group = new Group(line, new ReturnContent { Country = country, Period = period.Label });
            _groups.Add((country, period.Label), group);
        }
        // Lines of one return may cite different sections of the source: the return cites them all.
        if (section.Length > 0 && !group.Sections.Contains(section, StringComparer.Ordinal))
        {
            group.Sections.Add(section);
        }
        return group;
    }

    private void Duplicate(int line, int first, string what, string country, Period period) =>
        errors.Add(new ReturnsCsvError(line, "substance", $"{what} is already given on line {first} for {country} {period.Label}"));

    private sealed record Group(int FirstLine, ReturnContent Content)
    {
        public Dictionary<(Substance, string, Measure), int> Figures { get; } = [];
        public Dictionary<Measure, int> Totals { get; } = [];
        public Dictionary<(Substance, Measure, string), int> Changes { get; } = [];
        public List<string> Sections { get; } = [];
    }
}
