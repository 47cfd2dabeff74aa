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

        plot.Title($"llmcore train: {title}");
        plot.XLabel("epoch");
        plot.YLabel("loss");
        plot.ShowLegend();
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        plot.SavePng(path, 800, 500);
    }
}
