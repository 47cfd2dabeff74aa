using CsCheck;
using LlmCore.Optimization;
using LlmCore.Optimization.Layers;
using LlmCore.Optimization.Optimizers;
using LlmCore.Privacy.Sampling;
using LlmCore.Privacy.Tests.TestSupport;
using LlmCore.Privacy.Training;
using MathNet.Numerics.Distributions;

namespace LlmCore.Privacy.Tests.Training;

public sealed class PrivateOptimizerTests
{
    [Fact]
    public void ClipAndAccumulate_AnyExample_ClippedGradientNormAtMostC()
    {
        // Property: for random inputs, targets and bounds C, one example's clipped gradient has ‖w·g‖ ≤ C, and a
        // gradient already inside the ball is left unchanged (w = 1 up to Opacus' 1e-6 guard).
        Gen.Select(Gen.Double[-50, 50], Gen.Double[-50, 50], Gen.Double[-500, 500], Gen.Double[0.01, 10], Gen.Int[0, 1000])
            .Sample((x1, x2, y, c, seed) =>
            {
                var (model, sgd) = TrainingFixtures.Mlp(seed);
                var perExample = model.CreatePerExampleGradients(1);
                var optimizer = new PrivateOptimizer<double>(sgd, model.Parameters, 0, c, 1, new SeededRandomSource(1));
                model.ZeroGrad();
                model.ComputeGradients([x1, x2], [y], 1, TrainingFixtures.Mse, perExample);
                Span<double> norm = stackalloc double[1];
                perExample.ComputeNorms(norm);
                optimizer.ClipAndAccumulate(perExample);
                var clipped = Math.Sqrt(model.Parameters.Sum(p => SumOfSquares(p.Gradient)));
                Assert.True(clipped <= c, $"clipped norm {clipped} > C {c}");
                if (norm[0] + 1e-6 <= c)
                {
                    Assert.Equal(norm[0], clipped, 1e-9);
                }
            }, iter: 200);
    }

    [Fact]
    public void ClipAndAccumulate_Batch_EveryPerExampleWeightBoundsItsNorm()
    {
        // A batch of 64 with large targets: each weighted per-example norm wᵢ‖gᵢ‖ ≤ C, and the clipped sum ≤ 64·C.
        var data = TrainingFixtures.Regression(64, seed: 3);
        var (model, sgd) = TrainingFixtures.Mlp(2);
        var perExample = model.CreatePerExampleGradients(64);
        var y = data.Targets.ToArray().Select(v => v * 100).ToArray();
        model.ComputeGradients(data.Features, y, 64, TrainingFixtures.Mse, perExample);
        var norms = new double[64];
        var weights = new double[64];
        perExample.ComputeNorms(norms);
        var clippedCount = PrivateOptimizer<double>.ComputeClipWeights(norms, 0.5, weights);
        Assert.True(clippedCount > 0);
        for (var i = 0; i < 64; i++)
        {
            Assert.True(weights[i] * norms[i] <= 0.5, $"example {i}: {weights[i] * norms[i]}");
            Assert.InRange(weights[i], 0, 1);
        }

        var optimizer = new PrivateOptimizer<double>(sgd, model.Parameters, 0, 0.5, 64, new SeededRandomSource(1));
        optimizer.ClipAndAccumulate(perExample);
        Assert.Equal(clippedCount, optimizer.ClippedExamples);
        Assert.True(Math.Sqrt(model.Parameters.Sum(p => SumOfSquares(p.Gradient))) <= 64 * 0.5);
    }

    [Fact]
    public void FinalizeGradients_EmptyBatch_NoiseHasStandardDeviationSigmaTimesC()
    {
        // With nothing accumulated and expected batch size 1 the gradient is the noise itself: N(0, (σC)²) with
        // σ = 1.3, C = 2.5. KS test of 100,000 coordinates at level 0.001 (fixed seed, so the false-failure rate of
        // the test as written is 0.001 over seeds); the sample standard deviation is also within 1 % of σC
        // (its relative standard error is 1/√(2n) ≈ 0.22 %, so 1 % is > 4 standard errors).
        var parameter = Parameter<double>.Zeros("w", 100_000);
        var sgd = new Sgd<double>([parameter], 1.0);
        var optimizer = new PrivateOptimizer<double>(sgd, [parameter], 1.3, 2.5, 1, new SeededRandomSource(20261129));
        optimizer.FinalizeGradients();
        var noise = parameter.Gradient.ToArray();
        var std = 1.3 * 2.5;
        var d = Statistics.KolmogorovSmirnov(noise, x => Normal.CDF(0, std, x));
        Assert.True(d < Statistics.KsCritical001(noise.Length), $"KS D = {d}");
        var sampleStd = MathNet.Numerics.Statistics.Statistics.StandardDeviation(noise);
        Assert.InRange(sampleStd / std, 0.99, 1.01);
    }

    [Fact]
    public void FinalizeGradients_ExpectedBatchSize_DividesNoisySum()
    {
        // Same seed, expected batch 1 vs 40: the second gradient is the first / 40 (division by q·N, not the actual size).
        var a = Parameter<double>.Zeros("a", 33);
        var b = Parameter<double>.Zeros("b", 33);
        new PrivateOptimizer<double>(new Sgd<double>([a], 0.1), [a], 1.0, 1.0, 1, new SeededRandomSource(5)).FinalizeGradients();
        new PrivateOptimizer<double>(new Sgd<double>([b], 0.1), [b], 1.0, 1.0, 40, new SeededRandomSource(5)).FinalizeGradients();
        for (var i = 0; i < 33; i++)
        {
            Assert.Equal(a.Gradient[i] / 40, b.Gradient[i], 1e-15);
        }
    }

    [Fact]
    public void Step_NoNoiseNoClipping_EqualsPlainOptimizerStepForStep()
    {
        // σ = 0, C = ∞, the full batch (q = 1, so q·N = N): the private update equals the plain mean-gradient step.
        var data = TrainingFixtures.Regression(50, seed: 7);
        var (plainModel, plainSgd) = TrainingFixtures.Mlp(11);
        var (privateModel, innerSgd) = TrainingFixtures.Mlp(11);
        var perExample = privateModel.CreatePerExampleGradients(50);
        var optimizer = new PrivateOptimizer<double>(innerSgd, privateModel.Parameters, 0, double.PositiveInfinity, 50);
        for (var step = 0; step < 20; step++)
        {
            plainModel.ZeroGrad();
            plainModel.ComputeGradients(data.Features, data.Targets, 50, TrainingFixtures.Mse);
            plainSgd.Step();
            privateModel.ZeroGrad();
            privateModel.ComputeGradients(data.Features, data.Targets, 50, TrainingFixtures.Mse, perExample);
            optimizer.ClipAndAccumulate(perExample);
            optimizer.Step();
            for (var p = 0; p < plainModel.Parameters.Count; p++)
            {
                var expected = plainModel.Parameters[p].Values;
                var actual = privateModel.Parameters[p].Values;
                for (var i = 0; i < expected.Length; i++)
                {
                    Assert.Equal(expected[i], actual[i], 1e-12);
                }
            }
        }
    }

    [Fact]
    public void Constructor_BadArguments_Throw()
    {
        var p = Parameter<double>.Zeros("p", 3);
        var sgd = new Sgd<double>([p], 0.1);
        Assert.Throws<ArgumentOutOfRangeException>("noiseMultiplier", () => new PrivateOptimizer<double>(sgd, [p], -1, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>("noiseMultiplier", () => new PrivateOptimizer<double>(sgd, [p], double.NaN, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>("maxGradNorm", () => new PrivateOptimizer<double>(sgd, [p], 1, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>("maxGradNorm", () => new PrivateOptimizer<double>(sgd, [p], 1, double.PositiveInfinity, 1));
        Assert.Throws<ArgumentOutOfRangeException>("expectedBatchSize", () => new PrivateOptimizer<double>(sgd, [p], 1, 1, 0));
        Assert.Throws<ArgumentException>("parameters", () => new PrivateOptimizer<double>(sgd, [], 1, 1, 1));
    }

    private static double SumOfSquares(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += v * v;
        }

        return sum;
    }
}
