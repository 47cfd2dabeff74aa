using ScottPlot;

namespace LlmCore.Experiments;

/// <summary>The PNGs of the docs (ScottPlot).</summary>
internal static class Plots
{
    /// <summary>Training loss per step, validation loss at each evaluation, and the n-gram baselines as dashed lines.</summary>
    public static void LossCurve(string path, string title, IReadOnlyList<double> stepLosses, double[] evaluationSteps, IReadOnlyList<double> validationLosses, params (string Label, double Value)[] references)
    {
        var plot = new Plot();
        var steps = Enumerable.Range(1, stepLosses.Count).Select(static s => (double)s).ToArray();
        var train = plot.Add.ScatterLine(steps, [.. stepLosses]);
        train.LegendText = "training loss (batch)";
        train.LineWidth = 1;
        var validation = plot.Add.Scatter(evaluationSteps, [.. validationLosses]);
        validation.LegendText = "validation loss";
        validation.LineWidth = 2;
        validation.MarkerSize = 6;
        LinePattern[] patterns = [LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed];
        for (var r = 0; r < references.Length; r++)
        {
            var line = plot.Add.HorizontalLine(references[r].Value);
            line.LegendText = $"{references[r].Label} ({references[r].Value:F3})";
            line.LinePattern = patterns[r % patterns.Length];
        }

        plot.Title(title, size: 13);
        plot.XLabel("optimizer step");
        plot.YLabel("cross-entropy (nats per byte)");
        var low = references.Select(static r => r.Value).Append(validationLosses.Min()).Min();
        var high = references.Select(static r => r.Value).Append(stepLosses.Take(5).DefaultIfEmpty(low).Max()).Max();
        plot.Axes.SetLimitsY(Math.Max(0, low - 0.4), high + 0.2);
        plot.ShowLegend(Alignment.UpperRight);
        Save(plot, path);
    }

    /// <summary>Held-out accuracy against ε (mean and standard deviation over seeds), with the non-private accuracy as a dashed line.</summary>
    public static void AccuracyAgainstEpsilon(string path, string title, double[] epsilons, double[] means, double[] deviations, double nonPrivate, double majority)
    {
        var plot = new Plot();
        var scatter = plot.Add.Scatter(epsilons, means);
        scatter.LegendText = "DP-SGD (mean over seeds)";
        scatter.MarkerSize = 8;
        var errors = plot.Add.ErrorBar(epsilons, means, deviations);
        errors.LegendText = "± 1 standard deviation";
        var line = plot.Add.HorizontalLine(nonPrivate);
        line.LegendText = $"non-private ({nonPrivate:P1})";
        line.LinePattern = LinePattern.Dashed;
        var floor = plot.Add.HorizontalLine(majority);
        floor.LegendText = $"always ham ({majority:P1})";
        floor.LinePattern = LinePattern.Dotted;
        plot.Title(title, size: 13);
        plot.XLabel("ε (RDP accountant, δ = 1/N²)");
        plot.YLabel("test accuracy");
        plot.Axes.SetLimitsX(0, epsilons.Max() + 1);
        plot.Axes.SetLimitsY(Math.Min(majority, means.Min()) - 0.05, 1.0);
        plot.ShowLegend(Alignment.LowerRight);
        Save(plot, path);
    }

    private static void Save(Plot plot, string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        plot.SavePng(path, 900, 520);
    }
}
