using LlmCore.Cli.Infrastructure;
using LlmCore.Commercialization.Serving;
using ScottPlot;

namespace LlmCore.Cli.Commands.Cost;

/// <summary>PNG plots of serving simulations and deployment searches (ScottPlot 5).</summary>
internal static class ServingPlots
{
    private const int MaxPoints = 4000;

    /// <summary>Empirical CDFs of TTFT, TPOT and end-to-end latency on a log10 seconds axis.</summary>
    public static void SaveLatencyCdf(string path, ServingSimulationResult result, string title)
    {
        var plot = new Plot();
        var outcomes = result.RequestOutcomes;
        AddCdf(plot, outcomes.Select(static o => o.TtftSeconds), "time to first token");
        AddCdf(plot, outcomes.Where(static o => o.OutputTokens > 1).Select(static o => o.TpotSeconds), "time per output token");
        AddCdf(plot, outcomes.Select(static o => o.EndToEndSeconds), "end-to-end latency");
        plot.Title(title);
        plot.XLabel("log10 latency (s)");
        plot.YLabel("fraction of requests");
        PlotLegend.Below(plot);
        plot.SavePng(path, 900, 600);
    }

    /// <summary>Cost per million output tokens against p99 TPOT of every simulated candidate, the Pareto set and the answer.</summary>
    public static void SavePareto(string path, DeploymentSearchResult result, string title)
    {
        var plot = new Plot();
        var others = result.Evaluated.Where(e => !result.Pareto.Contains(e)).ToArray();
        if (others.Length > 0)
        {
            var all = plot.Add.ScatterPoints(others.Select(static e => e.TpotP99Seconds * 1000).ToArray(), others.Select(static e => e.CostPerMillionOutputTokensUsd).ToArray());
            all.Color = Colors.Gray.WithAlpha(0.5);
            all.LegendText = "simulated";
        }

        var pareto = plot.Add.ScatterPoints(result.Pareto.Select(static e => e.TpotP99Seconds * 1000).ToArray(), result.Pareto.Select(static e => e.CostPerMillionOutputTokensUsd).ToArray());
        pareto.Color = Colors.Blue;
        pareto.MarkerSize = 8;
        pareto.LegendText = "Pareto set (cost, p99 TTFT, p99 TPOT)";
        var best = plot.Add.ScatterPoints(new[] { result.Best.TpotP99Seconds * 1000 }, new[] { result.Best.CostPerMillionOutputTokensUsd });
        best.Color = Colors.Red;
        best.MarkerSize = 14;
        best.MarkerShape = MarkerShape.FilledDiamond;
        best.LegendText = "cheapest meeting the SLO";
        var slo = plot.Add.VerticalLine(result.Request.Slo.TpotP99Seconds * 1000);
        slo.LinePattern = LinePattern.Dashed;
        slo.LegendText = "p99 TPOT target";
        plot.Title(title);
        plot.XLabel("p99 time per output token (ms)");
        plot.YLabel("$ per million output tokens");
        PlotLegend.Below(plot);
        plot.SavePng(path, 1000, 650);
    }

    private static void AddCdf(Plot plot, IEnumerable<double> values, string label)
    {
        var sorted = values.Where(static v => v > 0).Order().ToArray();
        if (sorted.Length == 0)
        {
            return;
        }

        var step = Math.Max(1, sorted.Length / MaxPoints);
        var xs = new List<double>();
        var ys = new List<double>();
        for (var i = 0; i < sorted.Length; i += step)
        {
            xs.Add(Math.Log10(sorted[i]));
            ys.Add((i + 1.0) / sorted.Length);
        }

        xs.Add(Math.Log10(sorted[^1]));
        ys.Add(1);
        var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray());
        line.MarkerSize = 0;
        line.LegendText = label;
    }
}
