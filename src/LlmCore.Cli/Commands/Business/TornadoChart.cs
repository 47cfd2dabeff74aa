using LlmCore.Commercialization.Sensitivity;
using ScottPlot;

namespace LlmCore.Cli.Commands.Business;

/// <summary>Draws tornado data as a horizontal bar chart (ScottPlot 5), largest swing on top.</summary>
internal static class TornadoChart
{
    public static void SavePng(TornadoResult tornado, string title, string path, int width = 900, int height = 520)
    {
        var plot = Build(tornado, title, width, height);
        plot.SavePng(path, width, height);
    }

    /// <summary>
    /// The chart, laid out for <paramref name="width"/> × <paramref name="height"/>: the right margin is widened until the
    /// last NPV tick label (centred on its tick) ends inside the image, which ScottPlot's default layout does not ensure
    /// when there is no right axis.
    /// </summary>
    internal static Plot Build(TornadoResult tornado, string title, int width, int height)
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
        plot.Axes.Margins(horizontal: 0.08, vertical: 0.05);
        for (var attempt = 0; attempt < 3 && LastTickOverflow(plot, width, height) is var overflow and > 0; attempt++)
        {
            plot.Axes.Right.MinimumSize = plot.Axes.Right.MinimumSize + overflow + 8;
        }

        return plot;
    }

    /// <summary>How many pixels the widest-right bottom tick label reaches past the image's right edge (≤ 0 when inside).</summary>
    internal static float LastTickOverflow(Plot plot, int width, int height)
    {
        plot.RenderInMemory(width, height);
        var ticks = plot.Axes.Bottom.TickGenerator.Ticks.Where(static t => t.IsMajor && t.Label.Length > 0).ToArray();
        if (ticks.Length == 0)
        {
            return 0;
        }

        var last = ticks.MaxBy(static t => t.Position);
        var x = plot.GetPixel(new Coordinates(last.Position, 0)).X;
        var style = plot.Axes.Bottom.TickLabelStyle;
        var text = style.Text;
        style.Text = last.Label;
        using var paint = Paint.NewDisposablePaint();
        var labelWidth = style.Measure(paint).Width;
        style.Text = text;
        return x + (labelWidth / 2) - width;
    }
}
