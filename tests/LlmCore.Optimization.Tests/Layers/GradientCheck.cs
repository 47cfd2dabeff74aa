using LlmCore.Optimization.Layers;

namespace LlmCore.Optimization.Tests.Layers;

/// <summary>Central finite differences, (f(x + h) − f(x − h))/2h, in double precision.</summary>
internal static class GradientCheck
{
    public const double Step = 1e-6;

    public static double Central(Func<double> f, Span<double> values, int index, double step = Step)
    {
        var saved = values[index];
        values[index] = saved + step;
        var plus = f();
        values[index] = saved - step;
        var minus = f();
        values[index] = saved;
        return (plus - minus) / (2 * step);
    }

    public static double[] Random(int length, int seed, double scale = 1.0)
    {
        var random = new Random(seed);
        var values = new double[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = ((2 * random.NextDouble()) - 1) * scale;
        }

        return values;
    }

    /// <summary>L = Σ output ⊙ r for a fixed random r: checks the layer's input and parameter gradients.</summary>
    public static void CheckLayer(ILayer<double> layer, int batch, int seed, double tolerance = 1e-6)
    {
        var input = Random(batch * layer.InputSize, seed, 2.0);
        var r = Random(batch * layer.OutputSize, seed + 1);
        var output = new double[r.Length];
        double Loss()
        {
            layer.Forward(input, output, batch);
            var sum = 0.0;
            for (var i = 0; i < r.Length; i++)
            {
                sum += output[i] * r[i];
            }

            return sum;
        }

        foreach (var p in layer.Parameters)
        {
            p.ZeroGrad();
        }

        layer.Forward(input, output, batch);
        var inputGradient = new double[input.Length];
        layer.Backward(input, output, r, inputGradient, batch, 1.0, null);
        for (var i = 0; i < input.Length; i++)
        {
            var expected = Central(Loss, input, i);
            Assert.True(Math.Abs(expected - inputGradient[i]) <= tolerance * Math.Max(1, Math.Abs(expected)), $"input {i}: analytic {inputGradient[i]}, numeric {expected}");
        }

        foreach (var p in layer.Parameters)
        {
            var analytic = p.Gradient.ToArray();
            for (var i = 0; i < p.Length; i++)
            {
                var values = p.Values;
                var saved = values[i];
                values[i] = saved + Step;
                var plus = Loss();
                p.Values[i] = saved - Step;
                var minus = Loss();
                p.Values[i] = saved;
                var expected = (plus - minus) / (2 * Step);
                Assert.True(Math.Abs(expected - analytic[i]) <= tolerance * Math.Max(1, Math.Abs(expected)), $"{p.Name}[{i}]: analytic {analytic[i]}, numeric {expected}");
            }
        }
    }
}
