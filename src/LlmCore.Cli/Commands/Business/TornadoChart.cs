using LlmCore.Commercialization.Sensitivity;
using ScottPlot;

namespace LlmCore.Cli.Commands.Business;

/// <summary>Draws tornado data as a horizontal bar chart (ScottPlot 5), largest swing on top.</summary>
internal static class TornadoChart
{
    public static void SavePng(TornadoResult tornado, string title, string path, int width = 900, int height = 520)
    {
        ArgumentNullException.ThrowIfNull(tornado);
        var plot = new Plot();
        var bars = new List<Bar>();
        var ticks = new List<Tick>();
        var n = tornado.Bars.Count;
        for (var i = 0; i < n; i++)
        {
            var bar = tornado.Bars[i];
            var position = n - i;
            bars.Add(new Bar
            {
                Position = position,
                ValueBase = tornado.BaseOutput,
                Value = bar.OutputAtLow,
                FillColor = Colors.SteelBlue,
                Size = 0.7,
            });
            bars.Add(new Bar
            {
                Position = position,
                ValueBase = tornado.BaseOutput,
                Value = bar.OutputAtHigh,
                FillColor = Colors.DarkOrange,
                Size = 0.7,
            });
            ticks.Add(new Tick(position, bar.Input));
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        plot.Add.VerticalLine(tornado.BaseOutput, 1, Colors.Black);
        plot.Title(title);
        plot.XLabel("NPV (USD); blue: input at low, orange: input at high");
        plot.SavePng(path, width, height);
    }
}
