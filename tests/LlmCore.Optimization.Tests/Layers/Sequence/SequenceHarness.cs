using LlmCore.Optimization.Layers;
using LlmCore.Optimization.Layers.Sequence;
using LlmCore.Optimization.Models;

namespace LlmCore.Optimization.Tests.Layers.Sequence;

/// <summary>
/// Checks shared by the sequence-layer tests. Every check uses the per-example loss ℓᵢ = Σ Yᵢ ⊙ Rᵢ for a fixed random
/// R, so ∂ℓᵢ/∂Yᵢ = Rᵢ.
/// </summary>
internal static class SequenceHarness
{
    /// <summary>The finite-difference step: truncation error ≈ h²/6·f‴ ≈ 2e-11, rounding error ≈ 1e-16·|L|/h ≈ 1e-11·|L|.</summary>
    public const double Step = 1e-5;

    /// <summary>
    /// The gradient-check criterion: |analytic − numeric| ≤ 1e-6·max(|analytic|, |numeric|, 1e-3), i.e. a relative
    /// error ≤ 1e-6, with entries below 1e-3 held to an absolute 1e-9 (the central difference's own error is about
    /// 1e-11·|L|, so tinier entries, e.g. exact zeros such as a key bias's gradient, cannot be judged relatively).
    /// </summary>
    public static void AssertClose(double analytic, double numeric, string what, double tolerance = 1e-6)
    {
        var scale = Math.Max(Math.Max(Math.Abs(analytic), Math.Abs(numeric)), 1e-3);
        Assert.True(Math.Abs(analytic - numeric) <= tolerance * scale, $"{what}: analytic {analytic:R}, numeric {numeric:R}");
    }

    public static double[] Random(int length, int seed, double scale = 1.0) => GradientCheck.Random(length, seed, scale);

    /// <summary>Central-difference check of the input gradient and of every parameter's batch gradient.</summary>
    public static void CheckGradients(SequenceLayer<double> layer, int batch, int length, int seed, ForwardPass? pass = null, double inputScale = 1.0, Action? beforeForward = null)
    {
        var forwardPass = pass ?? ForwardPass.Inference;
        var input = Random(batch * length * layer.InputWidth, seed, inputScale);
        var outputLength = layer.OutputLengthFor(length);
        var r = Random(batch * outputLength * layer.OutputWidth, seed + 1);
        double Loss()
        {
            beforeForward?.Invoke();
            layer.Forward(input, batch, length, forwardPass);
            var sum = 0.0;
            for (var i = 0; i < r.Length; i++)
            {
                sum += layer.Output[i] * r[i];
            }

            return sum;
        }

        foreach (var p in layer.Parameters)
        {
            p.ZeroGrad();
        }

        Loss();
        var context = new BackwardContext<double>();
        context.BeginBatch(batch, 1.0);
        layer.PlanBackward(true);
        layer.Backward(r, context);
        var inputGradient = layer.InputGradient.AsSpan(0, input.Length).ToArray();
        for (var i = 0; i < input.Length; i++)
        {
            AssertClose(inputGradient[i], Central(Loss, input, i), $"input[{i}]");
        }

        CheckParameters(layer.Parameters, Loss);
    }

    /// <summary>Checks trainable parameters' gradients against central differences of <paramref name="loss"/>; frozen ones must have no gradient.</summary>
    public static void CheckParameters(IEnumerable<Parameter<double>> parameters, Func<double> loss)
    {
        foreach (var p in parameters)
        {
            var analytic = p.Gradient.ToArray();
            if (!p.RequiresGrad)
            {
                Assert.All(analytic, g => Assert.Equal(0.0, g));
                continue;
            }

            for (var i = 0; i < p.Length; i++)
            {
                AssertClose(analytic[i], Central(loss, p.Values, i), $"{p.Name}[{i}]");
            }
        }
    }

    /// <summary>(f(x + h) − f(x − h))/2h.</summary>
    public static double Central(Func<double> f, Span<double> values, int index) => GradientCheck.Central(f, values, index, Step);

    /// <summary>The result of one layer's passes over one batch.</summary>
    public sealed record Passes(double[][] Batch, PerExampleGradients<double> PerExample, double[] MaterializedNorms, double[] NormsPass, double[][] Weighted, double[] Weights);

    /// <summary>
    /// Runs the batch pass, the per-example pass and the norms pass (with book-keeping under random weights) of a
    /// layer on one random batch; trainable parameters only.
    /// </summary>
    public static Passes Run(SequenceLayer<double> layer, int batch, int length, int seed, ClippingMode mode, ForwardPass? pass = null, Action? beforeForward = null)
    {
        var forwardPass = pass ?? ForwardPass.Inference;
        var input = Random(batch * length * layer.InputWidth, seed);
        var r = Random(batch * layer.OutputLengthFor(length) * layer.OutputWidth, seed + 1);
        var trainable = layer.Parameters.Where(p => p.RequiresGrad).ToList();
        var context = new BackwardContext<double>();

        void Forward()
        {
            beforeForward?.Invoke();
            layer.Forward(input, batch, length, forwardPass);
            layer.PlanBackward(true);
        }

        foreach (var p in layer.Parameters)
        {
            p.ZeroGrad();
        }

        Forward();
        context.BeginBatch(batch, 1.0);
        layer.Backward(r, context);
        var batchGradients = trainable.Select(p => p.Gradient.ToArray()).ToArray();

        foreach (var p in layer.Parameters)
        {
            p.ZeroGrad();
        }

        var perExample = new PerExampleGradients<double>(trainable, batch);
        perExample.Reset(batch);
        Forward();
        context.BeginPerExample(batch, 1.0, perExample, accumulateBatch: false);
        layer.Backward(r, context);
        Assert.All(layer.Parameters, p => Assert.All(p.Gradient.ToArray(), g => Assert.Equal(0.0, g)));
        var materialized = new double[batch];
        perExample.ComputeNorms(materialized);

        Forward();
        context.BeginNorms(batch, mode);
        layer.Backward(r, context);
        var norms = context.SquaredNorms.ToArray().Select(Math.Sqrt).ToArray();
        var weights = Random(batch, seed + 2);
        layer.ApplyWeights(weights, context);
        var weighted = trainable.Select(p => p.Gradient.ToArray()).ToArray();
        return new Passes(batchGradients, perExample, materialized, norms, weighted, weights);
    }

    /// <summary>Per-example gradients sum to the batch gradient; the norms pass equals the materialised norms; book-keeping equals Σ wᵢ gᵢ.</summary>
    public static void CheckPasses(SequenceLayer<double> layer, int batch, int length, int seed, ClippingMode mode, ForwardPass? pass = null, Action? beforeForward = null, double tolerance = 1e-10)
    {
        var result = Run(layer, batch, length, seed, mode, pass, beforeForward);
        var per = result.PerExample;
        for (var p = 0; p < per.Parameters.Count; p++)
        {
            var scale = result.Batch[p].Max(Math.Abs);
            var weightedScale = result.Weighted[p].Max(Math.Abs);
            for (var j = 0; j < per.Parameters[p].Length; j++)
            {
                var sum = 0.0;
                var weighted = 0.0;
                for (var i = 0; i < batch; i++)
                {
                    sum += per.Get(p, i)[j];
                    weighted += result.Weights[i] * per.Get(p, i)[j];
                }

                AssertRelative(result.Batch[p][j], sum, tolerance, $"Σ per-example {per.Parameters[p].Name}[{j}]", scale);
                AssertRelative(weighted, result.Weighted[p][j], tolerance, $"book-keeping {per.Parameters[p].Name}[{j}]", weightedScale);
            }
        }

        for (var i = 0; i < batch; i++)
        {
            AssertRelative(result.MaterializedNorms[i], result.NormsPass[i], tolerance, $"norm of example {i}");
        }
    }

    /// <summary>
    /// |expected − actual| ≤ tolerance·max(|expected|, floor): relative, except that entries far below the largest
    /// entry of their tensor (<paramref name="floor"/>, e.g. exact zeros computed two ways) are judged against it.
    /// </summary>
    public static void AssertRelative(double expected, double actual, double tolerance, string what, double floor = 0)
    {
        var scale = Math.Max(Math.Max(Math.Abs(expected), floor), 1e-300);
        Assert.True(Math.Abs(expected - actual) <= tolerance * scale, $"{what}: expected {expected:R}, got {actual:R}");
    }
}
