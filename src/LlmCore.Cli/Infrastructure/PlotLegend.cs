using ScottPlot;

namespace LlmCore.Cli.Infrastructure;

/// <summary>
/// Where every plot of the CLI puts its legend: in a panel below the axes, outside the data area, so it never hides a
/// curve whatever the data (issue 22: the train plot's legend hid the last epochs). Every plot calls this instead of
/// <see cref="Plot.ShowLegend()"/>; a test checks that no other call exists.
/// </summary>
internal static class PlotLegend
{
    /// <summary>Hides the legend inside the data area and shows it in a panel below the axes.</summary>
    /// <param name="plot">The plot.</param>
    public static void Below(Plot plot) => plot.ShowLegend(Edge.Bottom);
}
