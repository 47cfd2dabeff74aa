using LlmCore.Cli.Infrastructure;
using LlmCore.Optimization.Training;

namespace LlmCore.Cli.Commands.Train;

/// <summary>Draws the loss curve of a training run with ScottPlot.</summary>
internal static class TrainPlot
{
    public static void Write(string path, History history, string title)
    {
        var plot = new ScottPlot.Plot();
        var epochs = history.Epochs.Select(static e => (double)e.Epoch).ToArray();
        var loss = plot.Add.Scatter(epochs, history.Loss.ToArray());
        loss.LegendText = "training loss";
        if (history.ValidationLoss.Count == epochs.Length)
        {
            var validation = plot.Add.Scatter(epochs, history.ValidationLoss.ToArray());
            validation.LegendText = "held-out loss";
        }

        Save(plot, path, title, "epoch", "loss");
    }

    /// <summary>
    /// Draws a step-level loss curve: the training loss of every step (as the trainer reported it) and the held-out loss
    /// at the end of every evaluation interval, against the step.
    /// </summary>
    public static void WriteSteps(string path, IReadOnlyList<(long Step, double Loss)> steps, History history, string title)
    {
        var plot = new ScottPlot.Plot();
        var finite = steps.Where(static s => double.IsFinite(s.Loss)).ToArray();
        var training = plot.Add.Scatter(finite.Select(static s => (double)s.Step).ToArray(), finite.Select(static s => s.Loss).ToArray());
        training.LegendText = "training loss (per step)";
        training.MarkerSize = 0;
        var at = new List<double>();
        var held = new List<double>();
        long step = 0;
        foreach (var epoch in history.Epochs)
        {
            step += epoch.Steps;
            if (epoch.ValidationLoss is { } value)
            {
                at.Add(step);
                held.Add(value);
            }
        }

        if (at.Count > 0)
        {
            var validation = plot.Add.Scatter(at.ToArray(), held.ToArray());
            validation.LegendText = "held-out loss";
        }

        Save(plot, path, title, "step", "loss (nats)");
    }

    private static void Save(ScottPlot.Plot plot, string path, string title, string xLabel, string yLabel)
    {
        plot.Title($"llmcore train: {title}");
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        // Below the data area, so that the legend never hides the last epochs (issue 22).
        PlotLegend.Below(plot);
        LlmCore.Cli.Infrastructure.CliOptions.EnsureDirectoryFor(path);
        plot.SavePng(path, 800, 500);
    }
}
