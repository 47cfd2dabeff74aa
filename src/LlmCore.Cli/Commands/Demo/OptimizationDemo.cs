using System.Globalization;
using LlmCore.Optimization;
using LlmCore.Optimization.Optimizers;

namespace LlmCore.Cli.Commands.Demo;

/// <summary>The optimization part of the demo.</summary>
internal static class OptimizationDemo
{
    public static DemoSection Run(Infrastructure.CliContext context)
    {
        // Minimise f(x) = ½(x₀² + 10·x₁²) from (1, 1) with SGD and momentum.
        var x = new Parameter<double>("x", [1.0, 1.0]);
        var sgd = new Sgd<double>([x], learningRate: 0.05, momentum: 0.9);
        for (var step = 0; step < 200; step++)
        {
            sgd.ZeroGrad();
            x.Gradient[0] = x.Values[0];
            x.Gradient[1] = 10 * x.Values[1];
            sgd.Step();
        }

        var loss = 0.5 * ((x.Values[0] * x.Values[0]) + (10 * x.Values[1] * x.Values[1]));
        return new DemoSection("LlmCore.Optimization", [
            new("SGD (momentum 0.9) on the quadratic, 200 steps", $"loss {loss.ToString("E3", CultureInfo.InvariantCulture)}"),
        ]);
    }
}
