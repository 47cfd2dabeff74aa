using System.Globalization;
using LlmCore.Optimization.Data;
using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Metrics;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Optimizers;
using LlmCore.Optimization.Training;

namespace LlmCore.Cli.Commands.Demo;

/// <summary>The training part of the demo: an MLP on Fisher's Iris data (real, shipped with the library).</summary>
internal static class TrainingDemo
{
    public static DemoSection Run(Infrastructure.CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (train, test) = BuiltInDatasets.Iris<double>().Split(0.2, seed: 0);
        var scaler = Standardizer<double>.Fit(train);
        train = scaler.Transform(train);
        test = scaler.Transform(test);
        var model = ModelFactory.Mlp<double>(4, [16], 3, Activation.Relu, seed: 0);
        var trainer = new Trainer<double>(model, new SoftmaxCrossEntropy<double>(), p => new Sgd<double>(p, 0.05, momentum: 0.9), [new Accuracy<double>()]);
        var history = trainer.Fit(train, new FitOptions { Epochs = 100, BatchSize = 16, Seed = 0 });
        var accuracy = trainer.Evaluate(test).Metrics["accuracy"];

        // The per-example gradients DP-SGD clips: one backward pass over a batch of 16.
        var perExample = model.CreatePerExampleGradients(16);
        model.ZeroGrad();
        model.ComputeGradients(train.Features[..(16 * 4)], train.Targets[..16], 16, new SoftmaxCrossEntropy<double>(), perExample);
        var norms = new double[16];
        perExample.ComputeNorms(norms);

        static string F(double v, string format = "F4") => v.ToString(format, CultureInfo.InvariantCulture);
        return new DemoSection("LlmCore.Optimization: training on Iris (Fisher 1936, UCI, CC BY 4.0)", [
            new("data", $"{train.Count} train / {test.Count} held-out flowers, 4 features, 3 species"),
            new("model", "MLP 4-16-3 (ReLU), SGD lr 0.05 momentum 0.9, 100 epochs, batch 16"),
            new("training loss, epoch 1 → 100", $"{F(history.Loss[0])} → {F(history.Loss[^1])}"),
            new("held-out accuracy", F(accuracy)),
            new("per-example gradient norms (batch of 16)", $"min {F(norms.Min())}, max {F(norms.Max())}"),
        ]);
    }
}
