using ScottPlot;
using ScottPlot.TickGenerators;

namespace Hub.Load.Report;

/// <summary>One panel of a run's chart.</summary>
internal abstract record Panel(string Title, string YLabel);

/// <summary>Bars side by side (hub against baseline, one group per case).</summary>
internal sealed record BarPanel(string Title, string YLabel, IReadOnlyList<string> Groups, IReadOnlyList<BarSeries> Series) : Panel(Title, YLabel);

internal sealed record BarSeries(string Name, IReadOnlyList<double> Values);

/// <summary>Latency by percentile (HDR style: the x axis stretches towards the tail).</summary>
internal sealed record PercentilePanel(string Title, IReadOnlyList<(string Name, Load.LatencySummary Latency)> Series) : Panel(Title, "latency (ms)");

/// <summary>Values over time.</summary>
internal sealed record LinePanel(string Title, string YLabel, string XLabel, IReadOnlyList<TimeSeries> Series) : Panel(Title, YLabel);

/// <summary>Draws a run's panels side by side into one PNG with ScottPlot (SkiaSharp, Linux native assets included).</summary>
internal static class Charts
{
    private static readonly Color[] Palette = [Colors.SteelBlue, Colors.DarkOrange, Colors.SeaGreen, Colors.Crimson, Colors.MediumPurple, Colors.SaddleBrown];

    public static void Save(string path, string title, IReadOnlyList<Panel> panels)
    {
        var multiplot = new Multiplot();
        for (var p = 0; p < panels.Count; p++)
        {
            var panel = panels[p];
            // A new Multiplot already holds one (empty) plot.
            var plot = p < multiplot.Count() ? multiplot.GetPlot(p) : multiplot.AddPlot();
            plot.Title(panel.Title, size: 13);
            plot.YLabel(panel.YLabel, size: 12);
            switch (panel)
            {
                case BarPanel bars:
                    DrawBars(plot, bars);
                    break;
                case PercentilePanel percentiles:
                    DrawPercentiles(plot, percentiles);
                    break;
                case LinePanel lines:
                    DrawLines(plot, lines);
                    break;
            }
        }
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        // The run's name on the first panel's title row would crowd it: put it in the file name and the JSON.
        _ = title;
        multiplot.SavePng(path, Math.Max(700, 620 * panels.Count), 580);
    }

    private static void DrawBars(Plot plot, BarPanel panel)
    {
        var n = panel.Series.Count;
        var width = 0.8 / n;
        // Hub and baseline can be orders of magnitude apart: then the bars are drawn on a log scale.
        var finite = panel.Series.SelectMany(x => x.Values).Where(v => double.IsFinite(v) && v > 0).ToList();
        var log = finite.Count > 1 && finite.Max() / finite.Min() > 30;
        var bars = new List<Bar>();
        for (var s = 0; s < n; s++)
        {
            for (var g = 0; g < panel.Groups.Count; g++)
            {
                var value = panel.Series[s].Values[g];
                bars.Add(new Bar
                {
                    Position = g + (s - (n - 1) / 2.0) * width,
                    Value = !double.IsFinite(value) || value <= 0 ? 0 : log ? Math.Log10(value) + 1 : value,
                    Size = width * 0.95,
                    FillColor = Palette[s % Palette.Length],
                    Label = double.IsFinite(value) ? Format(value) : "n/a",
                });
            }
        }
        var plottable = plot.Add.Bars(bars);
        plottable.ValueLabelStyle.FontSize = 11;
        plot.Axes.Bottom.TickGenerator = new NumericManual([.. Enumerable.Range(0, panel.Groups.Count).Select(i => (double)i)], [.. panel.Groups]);
        plot.Axes.Margins(bottom: 0, top: 0.15);
        if (log)
        {
            // Value v is drawn at log10(v) + 1, so that 0.1 sits on the axis.
            var top = (int)Math.Ceiling(Math.Log10(finite.Max())) + 1;
            var positions = Enumerable.Range(0, top + 1).Select(k => (double)k).ToArray();
            var labels = positions.Select(k => Format(Math.Pow(10, k - 1))).ToArray();
            plot.Axes.Left.TickGenerator = new NumericManual(positions, labels);
            plot.YLabel(panel.YLabel + " (log scale)", size: 12);
        }
        for (var s = 0; s < n; s++)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = panel.Series[s].Name, FillColor = Palette[s % Palette.Length] });
        }
        // Outside the data area: bars of very different heights leave no free corner.
        plot.ShowLegend(Edge.Bottom);
    }

    private static void DrawPercentiles(Plot plot, PercentilePanel panel)
    {
        // x = log10(1 / (1 - p)): 50% at 0.3, 90% at 1, 99% at 2, 99.9% at 3.
        // y on a log scale when the series are orders of magnitude apart.
        var p99s = panel.Series.Select(x => x.Latency.P99Ms).Where(v => double.IsFinite(v) && v > 0).ToList();
        var log = p99s.Count > 1 && p99s.Max() / p99s.Min() > 30;
        var i = 0;
        var yMax = double.MinValue;
        var yMin = double.MaxValue;
        foreach (var (name, latency) in panel.Series)
        {
            var points = latency.Curve.Where(p => p.Percentile < 100).ToList();
            if (points.Count == 0)
            {
                continue;
            }
            var xs = points.Select(p => Math.Log10(1 / (1 - p.Percentile / 100))).ToArray();
            var ys = points.Select(p => log ? Math.Log10(Math.Max(p.Ms, 0.01)) : p.Ms).ToArray();
            yMax = Math.Max(yMax, ys.Max());
            yMin = Math.Min(yMin, ys.Min());
            var line = plot.Add.ScatterLine(xs, ys, Palette[i++ % Palette.Length]);
            line.LegendText = $"{name} (p99 {Format(latency.P99Ms)} ms)";
            line.LineWidth = 2;
        }
        double[] ticks = [Math.Log10(2), 1, 2, 3, 4];
        plot.Axes.Bottom.TickGenerator = new NumericManual(ticks, ["50%", "90%", "99%", "99.9%", "99.99%"]);
        plot.XLabel("percentile", size: 12);
        plot.Axes.SetLimitsX(0, 4.1);
        if (yMax > double.MinValue)
        {
            // Set by hand: the whole tail must show.
            var span = Math.Max(yMax - Math.Min(0, yMin), 1e-3);
            plot.Axes.SetLimitsY(log ? yMin - 0.1 * span : 0, yMax + 0.05 * span);
        }
        if (log)
        {
            var top = (int)Math.Ceiling(Math.Log10(panel.Series.Max(x => double.IsFinite(x.Latency.MaxMs) ? x.Latency.MaxMs : 1)));
            var positions = Enumerable.Range(-2, top + 3).Select(k => (double)k).ToArray();
            plot.Axes.Left.TickGenerator = new NumericManual(positions, [.. positions.Select(k => Format(Math.Pow(10, k)))]);
            plot.YLabel("latency (ms, log scale)", size: 12);
        }
        plot.ShowLegend(Edge.Bottom);
    }

    private static void DrawLines(Plot plot, LinePanel panel)
    {
        var i = 0;
        foreach (var series in panel.Series)
        {
            if (series.Values.Count == 0)
            {
                continue;
            }
            var line = plot.Add.ScatterLine(series.Seconds.ToArray(), series.Values.ToArray(), Palette[i++ % Palette.Length]);
            line.LegendText = series.Name;
            line.LineWidth = 2;
        }
        plot.XLabel(panel.XLabel, size: 12);
        plot.ShowLegend(Alignment.LowerRight);
    }

    private static string Format(double v) => v switch
    {
        >= 1000 => v.ToString("0", System.Globalization.CultureInfo.InvariantCulture),
        >= 10 => v.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture),
        _ => v.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
    };
}
