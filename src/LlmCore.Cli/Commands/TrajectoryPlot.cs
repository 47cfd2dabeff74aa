using LlmCore.Cli.Infrastructure;
using ScottPlot;

namespace LlmCore.Cli.Commands;

/// <summary>Draws an optimizer's trajectory over the contours of a 2-D function (ScottPlot 5).</summary>
internal static class TrajectoryPlot
{
    public static void Save(string path, string function, string optimizer, IReadOnlyList<double[]> trajectory, Func<string, double, double, double> loss)
    {
        var xs = trajectory.Select(static p => p[0]).ToArray();
        var ys = trajectory.Select(static p => p[1]).ToArray();
        var finite = xs.Zip(ys).Where(static p => double.IsFinite(p.First) && double.IsFinite(p.Second)).ToArray();
        var (minimumX, minimumY) = function == "rosenbrock" ? (1.0, 1.0) : (0.0, 0.0);
        var xMin = Math.Min(finite.Min(static p => p.First), minimumX);
        var xMax = Math.Max(finite.Max(static p => p.First), minimumX);
        var yMin = Math.Min(finite.Min(static p => p.Second), minimumY);
        var yMax = Math.Max(finite.Max(static p => p.Second), minimumY);
        var padX = Math.Max(0.5, (xMax - xMin) * 0.2);
        var padY = Math.Max(0.5, (yMax - yMin) * 0.2);
        (xMin, xMax, yMin, yMax) = (xMin - padX, xMax + padX, yMin - padY, yMax + padY);

        const int Grid = 120;
        var grid = new Coordinates3d[Grid, Grid];
        for (var i = 0; i < Grid; i++)
        {
            for (var j = 0; j < Grid; j++)
            {
                var x = xMin + ((xMax - xMin) * j / (Grid - 1));
                var y = yMin + ((yMax - yMin) * i / (Grid - 1));
                grid[i, j] = new Coordinates3d(x, y, Math.Log10(1 + loss(function, x, y)));
            }
        }

        var plot = new Plot();
        var contours = new ScottPlot.Plottables.ContourLines { ContourLineCount = 20 };
        contours.Update(grid);
        plot.Add.Plottable(contours);
        var path2d = plot.Add.Scatter(xs, ys);
        path2d.MarkerSize = 3;
        path2d.LineWidth = 1.5f;
        path2d.LegendText = optimizer;
        var end = plot.Add.Scatter(new[] { xs[^1] }, new[] { ys[^1] });
        end.MarkerSize = 8;
        end.LegendText = "end";
        var optimum = plot.Add.Scatter(new[] { minimumX }, new[] { minimumY });
        optimum.MarkerSize = 10;
        optimum.MarkerShape = MarkerShape.Cross;
        optimum.LegendText = "minimum";
        plot.Title($"{optimizer} on {function} ({trajectory.Count - 1} steps); contours of log10(1 + f)");
        plot.XLabel("x");
        plot.YLabel("y");
        // Below the axes: inside them the legend covered contour lines and could cover the trajectory's end.
        PlotLegend.Below(plot);
        plot.Axes.SetLimits(xMin, xMax, yMin, yMax);
        plot.SavePng(path, 800, 600);
    }
}
