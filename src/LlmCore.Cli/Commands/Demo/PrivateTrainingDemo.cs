using System.Globalization;
using LlmCore.Cli.Infrastructure;
using LlmCore.Optimization.Data;
using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Metrics;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Optimizers;
using LlmCore.Optimization.Training;
using LlmCore.Privacy.Sampling;
using LlmCore.Privacy.Training;

namespace LlmCore.Cli.Commands.Demo;

/// <summary>
/// The DP-SGD part of the demo: the same softmax regression trained on Iris with plain SGD and with DP-SGD at several
/// noise levels, accuracy and ε side by side (the privacy/utility trade-off).
/// </summary>
internal static class PrivateTrainingDemo
{
    /// <summary>The noise multipliers shown, from most to least private.</summary>
    public static IReadOnlyList<double> NoiseMultipliers { get; } = [8.0, 4.5, 2.8, 1.7, 1.1];

    /// <summary>The noise seeds each private accuracy is averaged over.</summary>
    public const int Seeds = 5;

    /// <summary>One private setting: σ, its ε at δ = 1e-5, and the mean held-out accuracy over <see cref="Seeds"/> noise seeds.</summary>
    public sealed record Point(double NoiseMultiplier, double Epsilon, double Accuracy);

    public static DemoSection Run(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (baseline, points) = Measure();
        static string F(double v, string format = "F3") => v.ToString(format, CultureInfo.InvariantCulture);
        var lines = new List<KeyValuePair<string, string>>
        {
            new("setting", "softmax regression 4→3 on Iris (120 train / 30 held out), SGD lr 0.2 momentum 0.9, 20 epochs, batch 30"),
            new("DP-SGD", "Poisson sampling q = 0.25, 80 steps, clip C = 1, δ = 1e-5, RDP accountant; seeded noise for a reproducible demo (the default is the secure source)"),
            new("non-private: held-out accuracy (ε = ∞)", F(baseline)),
        };
        foreach (var p in points)
        {
            lines.Add(new($"private σ = {F(p.NoiseMultiplier, "G3")}: ε, held-out accuracy (mean of {Seeds} seeds)", $"ε = {F(p.Epsilon, "F2")}, {F(p.Accuracy)}"));
        }

        return new DemoSection("LlmCore.Privacy: DP-SGD on Iris, accuracy against ε", lines);
    }

    /// <summary>Trains the non-private model and the private ones; returns the baseline accuracy and one point per σ.</summary>
    public static (double Baseline, IReadOnlyList<Point> Points) Measure()
    {
        var (train, test) = BuiltInDatasets.Iris<double>().Split(0.2, seed: 0);
        var scaler = Standardizer<double>.Fit(train);
        train = scaler.Transform(train);
        test = scaler.Transform(test);

        var plainModel = ModelFactory.Mlp<double>(4, [], 3, Activation.Relu, seed: 0);
        var trainer = new Trainer<double>(plainModel, new SoftmaxCrossEntropy<double>(), p => new Sgd<double>(p, 0.2, momentum: 0.9), [new Accuracy<double>()]);
        trainer.Fit(train, new FitOptions { Epochs = 20, BatchSize = 30, Seed = 0 });
        var baseline = trainer.Evaluate(test).Metrics["accuracy"];

        var points = new List<Point>();
        var predictions = new double[test.Count * 3];
        foreach (var sigma in NoiseMultipliers)
        {
            var sum = 0.0;
            var epsilon = 0.0;
            for (var seed = 1; seed <= Seeds; seed++)
            {
                var model = ModelFactory.Mlp<double>(4, [], 3, Activation.Relu, seed: 0);
                var options = new DpSgdOptions { ExpectedBatchSize = 30, NoiseMultiplier = sigma, MaxGradNorm = 1.0, Delta = 1e-5, RandomSource = new SeededRandomSource((ulong)seed) };
                var privateTrainer = new PrivateTrainer<double>(model, new SoftmaxCrossEntropy<double>(), new Sgd<double>(model.Parameters, 0.2, 0.9), train, options);
                epsilon = privateTrainer.Fit(20).Epsilon;
                model.Predict(test.Features, predictions, test.Count);
                sum += new Accuracy<double>().Compute(predictions, test.Targets, test.Count);
            }

            points.Add(new Point(sigma, epsilon, sum / Seeds));
        }

        return (baseline, points);
    }

    /// <summary>Writes the accuracy-against-ε plot (ScottPlot) to a PNG file.</summary>
    public static void WritePlot(string path, double baseline, IReadOnlyList<Point> points)
    {
        var plot = new ScottPlot.Plot();
        var scatter = plot.Add.Scatter(points.Select(static p => p.Epsilon).ToArray(), points.Select(static p => p.Accuracy).ToArray());
        scatter.LegendText = $"DP-SGD (δ = 1e-5; mean of {Seeds} noise seeds)";
        var line = plot.Add.HorizontalLine(baseline);
        line.LegendText = "non-private SGD";
        line.LinePattern = ScottPlot.LinePattern.Dashed;
        plot.Title("Iris, softmax regression: held-out accuracy against ε");
        plot.XLabel("ε (RDP accountant, δ = 1e-5)");
        plot.YLabel("held-out accuracy");
        plot.Axes.SetLimitsY(0, 1.05);
        PlotLegend.Below(plot);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        plot.SavePng(path, 800, 500);
    }
}
