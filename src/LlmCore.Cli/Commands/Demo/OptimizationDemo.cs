using System.Globalization;
using LlmCore.Optimization;
using LlmCore.Optimization.Factories;

namespace LlmCore.Cli.Commands.Demo;

/// <summary>The optimization part of the demo.</summary>
internal static class OptimizationDemo
{
    public static DemoSection Run(Infrastructure.CliContext context)
    {
        // Five optimizers with torch.optim semantics on the Rosenbrock function from (−1.5, 2), 2,000 steps each
        // (SGD with Nesterov momentum 0.9); each line is the end point and its loss.
        var factory = new OptimizerFactory();
        var lines = new List<KeyValuePair<string, string>>();
        foreach (var (name, lr, momentum) in new (string, double, double?)[] { ("sgd", 1e-3, 0.9), ("adam", 0.02, null), ("adamw", 0.02, null), ("rmsprop", 1e-3, null), ("lion", 2e-3, null) })
        {
            var xy = new Parameter<double>("xy", [-1.5, 2.0]);
            var optimizer = factory.Create(name, [xy], new OptimizerSettings { LearningRate = lr, Momentum = momentum, Nesterov = momentum is not null });
            for (var step = 0; step < 2000; step++)
            {
                var (x, y) = (xy.Values[0], xy.Values[1]);
                xy.Gradient[0] = (-2 * (1 - x)) - (400 * x * (y - (x * x)));
                xy.Gradient[1] = 200 * (y - (x * x));
                optimizer.Step();
            }

            var (fx, fy) = (xy.Values[0], xy.Values[1]);
            var loss = ((1 - fx) * (1 - fx)) + (100 * (fy - (fx * fx)) * (fy - (fx * fx)));
            lines.Add(new($"{name}, lr {lr.ToString(CultureInfo.InvariantCulture)}, 2000 Rosenbrock steps",
                $"({fx.ToString("F4", CultureInfo.InvariantCulture)}, {fy.ToString("F4", CultureInfo.InvariantCulture)}), loss {loss.ToString("E3", CultureInfo.InvariantCulture)}"));
        }

        return new DemoSection("LlmCore.Optimization", lines);
    }
}
