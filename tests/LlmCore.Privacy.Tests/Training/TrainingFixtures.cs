using LlmCore.Optimization;
using LlmCore.Optimization.Data;
using LlmCore.Optimization.Layers;
using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Optimizers;

namespace LlmCore.Privacy.Tests.Training;

/// <summary>Small models and data sets for the DP-SGD tests.</summary>
internal static class TrainingFixtures
{
    /// <summary>A regression set y = 2x₁ − x₂ + 0.5 + noise, <paramref name="count"/> rows, 2 features.</summary>
    public static Dataset<double> Regression(int count, int seed = 1)
    {
        var random = new Random(seed);
        var x = new double[count * 2];
        var y = new double[count];
        for (var i = 0; i < count; i++)
        {
            x[2 * i] = (random.NextDouble() * 4) - 2;
            x[(2 * i) + 1] = (random.NextDouble() * 4) - 2;
            y[i] = (2 * x[2 * i]) - x[(2 * i) + 1] + 0.5 + (0.1 * ((random.NextDouble() * 2) - 1));
        }

        return new Dataset<double>(x, 2, y, 1, LearningTask.Regression);
    }

    public static (Sequential<double> Model, IOptimizer<double> Optimizer) Mlp(int seed, double lr = 0.1, double momentum = 0.9)
    {
        var model = ModelFactory.Mlp<double>(2, [8], 1, Activation.Tanh, seed);
        return (model, new Sgd<double>(model.Parameters, lr, momentum));
    }

    public static ILoss<double> Mse { get; } = new MeanSquaredError<double>();
}
