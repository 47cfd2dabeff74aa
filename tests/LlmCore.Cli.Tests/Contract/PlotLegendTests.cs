using LlmCore.Cli.Infrastructure;
using ScottPlot;

namespace LlmCore.Cli.Tests.Contract;

/// <summary>Issue 22: "plots keep legends off the data". Every CLI plot places its legend through <see cref="PlotLegend"/>.</summary>
public class PlotLegendTests
{
    [Theory]
    [InlineData(800, 500)]
    [InlineData(1000, 650)]
    public void Below_LegendIsAPanelUnderTheAxes_NotInsideTheDataArea(int width, int height)
    {
        // Data that fill the whole data area: any legend inside it would cover a curve.
        var without = FilledPlot();
        without.RenderInMemory(width, height);
        var bottomWithout = without.LastRender.DataRect.Bottom;

        var with = FilledPlot();
        PlotLegend.Below(with);
        with.RenderInMemory(width, height);

        Assert.False(with.Legend.IsVisible); // the in-data legend is off
        var panel = Assert.Single(with.Axes.GetPanels(), static p => p.GetType().Name == "LegendPanel");
        Assert.Equal(Edge.Bottom, panel.Edge);
        // The panel takes room from the data area: the data rectangle ends higher up to leave the legend its own band.
        Assert.True(with.LastRender.DataRect.Bottom < bottomWithout - 10, $"data area bottom {with.LastRender.DataRect.Bottom} vs {bottomWithout} without a legend");
    }

    [Fact]
    public void EveryCliPlot_PlacesItsLegendThroughPlotLegend()
    {
        var cli = Path.Combine(CliDocsTests.RepositoryRoot(), "src", "LlmCore.Cli");
        var offenders = Directory.EnumerateFiles(cli, "*.cs", SearchOption.AllDirectories)
            .Where(static f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.EndsWith("PlotLegend.cs", StringComparison.Ordinal))
            .Where(static f => File.ReadAllText(f).Contains(".ShowLegend(", StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .ToArray();

        Assert.Empty(offenders);
        Assert.Contains(Directory.EnumerateFiles(cli, "*.cs", SearchOption.AllDirectories), static f => File.ReadAllText(f).Contains("PlotLegend.Below(plot)", StringComparison.Ordinal));
    }

    private static Plot FilledPlot()
    {
        var plot = new Plot();
        var xs = Enumerable.Range(0, 200).Select(static i => i / 199.0).ToArray();
        var line = plot.Add.Scatter(xs, xs);
        line.LegendText = "rising";
        var flat = plot.Add.Scatter(xs, xs.Select(static x => 1 - x).ToArray());
        flat.LegendText = "falling";
        plot.Title("legend placement");
        plot.XLabel("x");
        plot.YLabel("y");
        return plot;
    }
}
