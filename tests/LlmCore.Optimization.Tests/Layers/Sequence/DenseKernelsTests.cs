using LlmCore.Optimization.Layers;
using LlmCore.Optimization.Layers.Sequence;
using LlmCore.Optimization.Models;

namespace LlmCore.Optimization.Tests.Layers.Sequence;

/// <summary>
/// <see cref="DenseKernels"/> entry by entry: hand-worked 2×3 cases of y = factor·x·Wᵀ + b (torch.nn.Linear's layout,
/// W of shape [p, d]) and of its gradients, and, at odd sizes, the textbook triple loops of the same formulas
/// (∂ℓ/∂W = Σ gᵀx, per-example Gᵢᵀ Xᵢ, ‖Gᵢᵀ Xᵢ‖²_F, Σᵢ wᵢ Gᵢᵀ Xᵢ).
/// </summary>
/// <remarks>
/// The hand data: d = 3 inputs, p = 2 outputs, W = [[1, 0, −1], [2, 1, 0]], b = [0.5, −1], two rows
/// x₀ = [1, 2, 3], x₁ = [−1, 0, 2] and output gradients g₀ = [1, −1], g₁ = [0.5, 2]. Then
/// x·Wᵀ = [[−2, 4], [−3, −2]]; g·W = [[−1, −1, −1], [4.5, 2, −0.5]];
/// gᵀx = g₀ᵀx₀ + g₁ᵀx₁ = [[1, 2, 3], [−1, −2, −3]] + [[−0.5, 0, 1], [−2, 0, 4]] = [[0.5, 2, 4], [−3, −2, 1]];
/// column sums of g = [1.5, 1]; ‖x₀‖² = 14, ‖x₁‖² = 5, ‖g₀‖² = 2, ‖g₁‖² = 4.25.
/// </remarks>
public class DenseKernelsTests
{
    private const int D = 3;
    private const int P = 2;
    private static readonly double[] s_w = [1, 0, -1, 2, 1, 0];
    private static readonly double[] s_b = [0.5, -1];
    private static readonly double[] s_x = [1, 2, 3, -1, 0, 2];
    private static readonly double[] s_g = [1, -1, 0.5, 2];

    [Fact]
    public void Forward_ByHand_ScalesAddsBiasAndAccumulates()
    {
        // factor 2: 2·x·Wᵀ = [[−4, 8], [−6, −4]]; + b = [[−3.5, 7], [−5.5, −5]].
        var y = Filled(4, 100);
        DenseKernels.Forward<double>(s_x, 2, D, P, s_w, s_b, 2.0, y, accumulate: false);
        Assert.Equal([-3.5, 7, -5.5, -5], y);

        // accumulate: y = 1 + 2·x·Wᵀ + b.
        y = Filled(4, 1);
        DenseKernels.Forward<double>(s_x, 2, D, P, s_w, s_b, 2.0, y, accumulate: true);
        Assert.Equal([-2.5, 8, -4.5, -4], y);

        // No bias.
        y = Filled(4, 100);
        DenseKernels.Forward<double>(s_x, 2, D, P, s_w, default, 2.0, y, accumulate: false);
        Assert.Equal([-4, 8, -6, -4], y);
    }

    [Fact]
    public void InputGradient_ByHand_ScalesAndAccumulates()
    {
        // 2·g·W = [[−2, −2, −2], [9, 4, −1]].
        var dx = Filled(6, 100);
        DenseKernels.InputGradient<double>(s_g, 2, D, P, s_w, 2.0, dx, accumulate: false);
        Assert.Equal([-2, -2, -2, 9, 4, -1], dx);
        dx = Filled(6, 1);
        DenseKernels.InputGradient<double>(s_g, 2, D, P, s_w, 2.0, dx, accumulate: true);
        Assert.Equal([-1, -1, -1, 10, 5, 0], dx);
    }

    [Fact]
    public void AddBatchGradient_ByHand_AddsAlphaTimesGTransposeXAndColumnSums()
    {
        // alpha 0.5 onto gradients holding 1: W += 0.5·[[0.5, 2, 4], [−3, −2, 1]], b += 0.5·[1.5, 1].
        var wg = Filled(6, 1);
        var bg = Filled(2, 1);
        DenseKernels.AddBatchGradient<double>(s_x, s_g, 2, D, P, 0.5, wg, bg);
        Assert.Equal([1.25, 2, 3, -0.5, 0, 1.5], wg);
        Assert.Equal([1.75, 1.5], bg);

        // alpha 1 takes the plain-sum path of the column sums.
        bg = Filled(2, 1);
        DenseKernels.AddBatchGradient<double>(s_x, s_g, 2, D, P, 1.0, default, bg);
        Assert.Equal([2.5, 2], bg);

        // Weight only.
        wg = Filled(6, 0);
        DenseKernels.AddBatchGradient<double>(s_x, s_g, 2, D, P, 1.0, wg, default);
        Assert.Equal([0.5, 2, 4, -3, -2, 1], wg);
    }

    [Fact]
    public void WritePerExample_OnePosition_WritesFactorTimesOuterProducts()
    {
        // factor 2: 2·g₀ᵀx₀ = [[2, 4, 6], [−2, −4, −6]], 2·g₁ᵀx₁ = [[−1, 0, 2], [−4, 0, 8]]; biases 2·g₀, 2·g₁.
        var wb = Filled(12, 100);
        var bb = Filled(4, 100);
        DenseKernels.WritePerExample<double>(s_x, s_g, 2, 1, D, P, 2.0, wb, bb);
        Assert.Equal([2, 4, 6, -2, -4, -6, -1, 0, 2, -4, 0, 8], wb);
        Assert.Equal([2, -2, 1, 4], bb);

        // A tracked bias without a tracked weight.
        bb = Filled(4, 100);
        DenseKernels.WritePerExample<double>(s_x, s_g, 2, 1, D, P, 2.0, default, bb);
        Assert.Equal([2, -2, 1, 4], bb);

        // A tracked weight without a tracked bias.
        wb = Filled(12, 100);
        DenseKernels.WritePerExample<double>(s_x, s_g, 2, 1, D, P, 1.0, wb, default);
        Assert.Equal([1, 2, 3, -1, -2, -3, -0.5, 0, 1, -2, 0, 4], wb);
    }

    [Fact]
    public void WritePerExample_TwoPositions_WritesFactorTimesGTransposeX()
    {
        // One example of two positions: 2·Gᵀ X = 2·[[0.5, 2, 4], [−3, −2, 1]], bias 2·[1.5, 1].
        var wb = Filled(6, 100);
        var bb = Filled(2, 100);
        DenseKernels.WritePerExample<double>(s_x, s_g, 1, 2, D, P, 2.0, wb, bb);
        Assert.Equal([1, 4, 8, -6, -4, 2], wb);
        Assert.Equal([3, 2], bb);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AddSquaredNorms_OnePosition_ByHand(bool ghost)
    {
        // ‖gᵢxᵢᵀ‖² = ‖gᵢ‖²‖xᵢ‖²: 2·14 = 28 and 4.25·5 = 21.25; bias norms ‖gᵢ‖² = 2 and 4.25; factor 2 multiplies by 4.
        var context = new BackwardContext<double>();
        foreach (var (weight, bias, expected) in new[] { (true, true, new[] { 121.0, 103 }), (true, false, [113.0, 86]), (false, true, [9.0, 18]), (false, false, [1.0, 1]) })
        {
            var norms = Filled(2, 1);
            DenseKernels.AddSquaredNorms<double>(s_x, s_g, 2, 1, D, P, 2.0, weight, bias, ghost, norms, context);
            Assert.Equal(expected, norms);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AddSquaredNorms_TwoPositions_ByHand(bool ghost)
    {
        // ‖GᵀX‖² = 0.25 + 4 + 16 + 9 + 4 + 1 = 34.25; ‖Σₜ gₜ‖² = 1.5² + 1² = 3.25; factor 0.5 multiplies by 0.25.
        var context = new BackwardContext<double>();
        var norms = new double[1];
        DenseKernels.AddSquaredNorms<double>(s_x, s_g, 1, 2, D, P, 0.5, true, true, ghost, norms, context);
        Assert.Equal(0.25 * (34.25 + 3.25), norms[0], 1e-14);
        Assert.Equal(34.25, DenseKernels.ExampleSquaredNorm<double>(s_x, s_g, 2, D, P, true, false, ghost, new double[12]), 1e-14);
        Assert.Equal(3.25, DenseKernels.ExampleSquaredNorm<double>(s_x, s_g, 2, D, P, false, true, ghost, new double[12]), 1e-14);
        Assert.Equal(0.0, DenseKernels.ExampleSquaredNorm<double>(s_x, s_g, 2, D, P, false, false, ghost, new double[12]));
    }

    [Fact]
    public void GhostSquaredNorm_ByHand_OneAndTwoPositions()
    {
        Assert.Equal(28.0, DenseKernels.GhostSquaredNorm<double>(s_x, s_g, 1, D, P, new double[8]));
        Assert.Equal(21.25, DenseKernels.GhostSquaredNorm<double>(s_x.AsSpan(3), s_g.AsSpan(2), 1, D, P, new double[8]));
        Assert.Equal(34.25, DenseKernels.GhostSquaredNorm<double>(s_x, s_g, 2, D, P, new double[8]), 1e-14);
    }

    public static TheoryData<int, int, int, int, bool> NormShapes() => new()
    {
        // batch, length, d, p, ghost: ghost at one position with p > 2 (the bias row needs more scratch than the
        // weight's 2T² = 2), ghost at T = 3 with 2T² = 18 > d·p, materialised with batch > the worker count, odd widths.
        { 3, 1, 2, 5, true },
        { 2, 3, 2, 3, true },
        { 7, 2, 3, 5, false },
        { 5, 3, 9, 1, false },
        { 9, 5, 17, 3, true },
    };

    [Theory]
    [MemberData(nameof(NormShapes))]
    public void AddSquaredNorms_BothOverloads_MatchTripleLoops(int batch, int length, int d, int p, bool ghost)
    {
        var x = SequenceHarness.Random(batch * length * d, batch + d);
        var g = SequenceHarness.Random(batch * length * p, batch + p + 50);
        const double factor = 1.5;
        foreach (var (weight, bias) in new[] { (true, true), (true, false), (false, true) })
        {
            var expected = new double[batch];
            for (var i = 0; i < batch; i++)
            {
                var (wn, bn) = ReferenceSquaredNorms(x, g, i, length, d, p);
                expected[i] = 1 + (factor * factor * ((weight ? wn : 0) + (bias ? bn : 0)));
            }

            var spanNorms = Filled(batch, 1);
            DenseKernels.AddSquaredNorms<double>(x, g, batch, length, d, p, factor, weight, bias, ghost, spanNorms, new BackwardContext<double>());
            var context = new BackwardContext<double>();
            context.BeginNorms(batch, ghost ? ClippingMode.Ghost : ClippingMode.Materialized);
            context.SquaredNorms.Fill(1);
            DenseKernels.AddSquaredNorms(x, g, batch, length, d, p, factor, weight, bias, ghost, context);
            for (var i = 0; i < batch; i++)
            {
                SequenceHarness.AssertRelative(expected[i], spanNorms[i], 1e-12, $"span overload, example {i}, weight {weight}, bias {bias}");
                SequenceHarness.AssertRelative(expected[i], context.SquaredNorms[i], 1e-12, $"parallel overload, example {i}, weight {weight}, bias {bias}");
            }
        }
    }

    [Fact]
    public void AddSquaredNorms_NothingTrainable_AddsNothing()
    {
        var context = new BackwardContext<double>();
        context.BeginNorms(2, ClippingMode.Ghost);
        context.SquaredNorms.Fill(3);
        DenseKernels.AddSquaredNorms(s_x, s_g, 2, 1, D, P, 1.0, false, false, true, context);
        Assert.Equal([3.0, 3.0], context.SquaredNorms.ToArray());
    }

    [Fact]
    public void AddWeighted_ByHand_AddsFactorTimesWeightedSum()
    {
        // w = [2, −1], factor 0.5: 0.5·(2·g₀ᵀx₀ − g₁ᵀx₁) = 0.5·[[2.5, 4, 5], [0, −4, −10]]; bias 0.5·(2g₀ − g₁) = [0.75, −2].
        var wg = Filled(6, 1);
        var bg = Filled(2, 1);
        DenseKernels.AddWeighted<double>([2, -1], s_x, s_g, 2, 1, D, P, 0.5, wg, bg, new BackwardContext<double>());
        Assert.Equal([2.25, 3, 3.5, 1, -1, -4], wg);
        Assert.Equal([1.75, -1], bg);
    }

    [Theory]
    [InlineData(3, 1, 5, 2)]
    [InlineData(2, 3, 2, 5)]
    [InlineData(4, 2, 3, 3)]
    [InlineData(5, 3, 9, 17)]
    public void AddWeighted_BothOperandOrders_MatchTripleLoops(int batch, int length, int d, int p)
    {
        // p ≤ d scales G, p > d scales X: both give factor·Σᵢ wᵢ Gᵢᵀ Xᵢ and factor·Σᵢ wᵢ Σₜ gᵢₜ.
        var x = SequenceHarness.Random(batch * length * d, 3 + d);
        var g = SequenceHarness.Random(batch * length * p, 4 + p);
        var w = SequenceHarness.Random(batch, 5);
        const double factor = 0.75;
        var wg = Filled(p * d, 0.25);
        var bg = Filled(p, 0.25);
        DenseKernels.AddWeighted<double>(w, x, g, batch, length, d, p, factor, wg, bg, new BackwardContext<double>());
        for (var o = 0; o < p; o++)
        {
            var bias = 0.25;
            for (var i = 0; i < batch; i++)
            {
                for (var t = 0; t < length; t++)
                {
                    bias += factor * w[i] * g[(((i * length) + t) * p) + o];
                }
            }

            Assert.Equal(bias, bg[o], 1e-12);
            for (var j = 0; j < d; j++)
            {
                var sum = 0.25;
                for (var i = 0; i < batch; i++)
                {
                    for (var t = 0; t < length; t++)
                    {
                        var r = (i * length) + t;
                        sum += factor * w[i] * g[(r * p) + o] * x[(r * d) + j];
                    }
                }

                Assert.Equal(sum, wg[(o * d) + j], 1e-12);
            }
        }
    }

    [Fact]
    public void ScaleRows_MultipliesEachBlockByItsWeight()
    {
        var destination = new double[6];
        DenseKernels.ScaleRows<double>(s_x, [2, -1], 2, 3, destination);
        Assert.Equal([2, 4, 6, 1, -0, -2], destination);
    }

    [Theory]
    [InlineData(ClippingMode.Ghost, 64, 1, 1, true)]
    [InlineData(ClippingMode.Materialized, 1, 100, 100, false)]
    [InlineData(ClippingMode.Automatic, 2, 2, 4, false)] // 2·2² = 8 < 8 is false: materialised at the boundary
    [InlineData(ClippingMode.Automatic, 2, 3, 3, true)] // 8 < 9
    [InlineData(ClippingMode.Automatic, 1, 1, 2, false)] // 2 < 2 is false
    [InlineData(ClippingMode.Automatic, 1, 1, 3, true)] // 2 < 3
    public void UseGhost_MixedGhostClippingRule(ClippingMode mode, int length, int inputs, int outputs, bool expected)
    {
        // Bu, Mao, Xu 2022: ghost norms when 2T² < d·p (ClippingPlan's remarks); Ghost always, Materialized never.
        Assert.Equal(expected, DenseKernels.UseGhost(mode, length, inputs, outputs));
    }

    [Fact]
    public void Describe_ListsTrainableWeightAndBiasWithTheMethod()
    {
        var weight = new Parameter<double>("w", new double[6], 2, 3);
        var bias = new Parameter<double>("b", new double[2]);
        var entries = new List<ParameterClipping>();
        DenseKernels.Describe(ClippingMode.Automatic, 1, 3, 2, weight, bias, entries);
        Assert.Equal([new("w", PerExampleNormMethod.Ghost), new("b", PerExampleNormMethod.Ghost)], entries);

        entries.Clear();
        weight.RequiresGrad = false;
        DenseKernels.Describe(ClippingMode.Automatic, 5, 3, 2, weight, bias, entries);
        Assert.Equal([new("b", PerExampleNormMethod.Materialized)], entries);

        entries.Clear();
        weight.RequiresGrad = true;
        bias.RequiresGrad = false;
        DenseKernels.Describe<double>(ClippingMode.Ghost, 5, 3, 2, weight, null, entries);
        DenseKernels.Describe(ClippingMode.Ghost, 5, 3, 2, null, bias, entries);
        Assert.Equal([new("w", PerExampleNormMethod.Ghost)], entries);
    }

    [Fact]
    public void GradientOf_AbsentOrFrozen_IsEmpty()
    {
        var p = new Parameter<double>("p", [1.0, 2.0]);
        Assert.Equal(2, DenseKernels.GradientOf(p).Length);
        p.RequiresGrad = false;
        Assert.True(DenseKernels.GradientOf(p).IsEmpty);
        Assert.True(DenseKernels.GradientOf<double>(null).IsEmpty);
    }

    [Fact]
    public void Backward_EachPass_ByHand()
    {
        // Batch pass, scale 0.5, factor 2: W += gᵀx, b += column sums (0.5·2 = 1).
        var (weight, bias) = Parameters();
        var context = new BackwardContext<double>();
        context.BeginBatch(2, 0.5);
        DenseKernels.Backward(context, s_x, s_g, 2, 1, D, P, 2.0, weight, bias);
        Assert.Equal([0.5, 2, 4, -3, -2, 1], weight.Gradient.ToArray());
        Assert.Equal([1.5, 1], bias.Gradient.ToArray());

        // Per-example pass of a frozen weight: only the bias block is written (the buffer does not track the weight),
        // and without accumulateBatch no gradient is added.
        (weight, bias) = Parameters();
        weight.RequiresGrad = false;
        var perExample = new PerExampleGradients<double>([bias], 2);
        perExample.Reset(2);
        context.BeginPerExample(2, 1.0, perExample, accumulateBatch: false);
        DenseKernels.Backward(context, s_x, s_g, 2, 1, D, P, 2.0, weight, bias);
        Assert.Equal([2, -2, 1, 4], perExample.GetBlock(0).ToArray());
        Assert.All(bias.Gradient.ToArray(), v => Assert.Equal(0.0, v));

        // Per-example pass that also accumulates the batch gradient (scale 0.25·factor 2 = 0.5).
        (weight, bias) = Parameters();
        perExample = new PerExampleGradients<double>([weight, bias], 2);
        perExample.Reset(2);
        context.BeginPerExample(2, 0.25, perExample, accumulateBatch: true);
        DenseKernels.Backward(context, s_x, s_g, 2, 1, D, P, 2.0, weight, bias);
        Assert.Equal([2, 4, 6, -2, -4, -6, -1, 0, 2, -4, 0, 8], perExample.GetBlock(0).ToArray());
        Assert.Equal([0.25, 1, 2, -1.5, -1, 0.5], weight.Gradient.ToArray());
        Assert.Equal([0.75, 0.5], bias.Gradient.ToArray());

        // Norms pass (ghost and materialised give the same hand values): factor² = 4 times (28 + 2, 21.25 + 4.25).
        foreach (var mode in new[] { ClippingMode.Ghost, ClippingMode.Materialized })
        {
            (weight, bias) = Parameters();
            context.BeginNorms(2, mode);
            DenseKernels.Backward(context, s_x, s_g, 2, 1, D, P, 2.0, weight, bias);
            Assert.Equal([120.0, 102.0], context.SquaredNorms.ToArray());
            Assert.All(weight.Gradient.ToArray(), v => Assert.Equal(0.0, v));

            // Book-keeping after the norms pass: weights [2, −1] and factor 2 (the hand case above, doubled and without the 1s).
            DenseKernels.ApplyWeights([2.0, -1.0], context, s_x, s_g, 2, 1, D, P, 2.0, weight, bias);
            Assert.Equal([5, 8, 10, 0, -8, -20], weight.Gradient.ToArray());
            Assert.Equal([3, -8], bias.Gradient.ToArray());
        }

        // Nothing trainable: no pass touches anything.
        (weight, bias) = Parameters();
        weight.RequiresGrad = false;
        bias.RequiresGrad = false;
        context.BeginNorms(2, ClippingMode.Ghost);
        DenseKernels.Backward(context, s_x, s_g, 2, 1, D, P, 2.0, weight, bias);
        DenseKernels.ApplyWeights([2.0, -1.0], context, s_x, s_g, 2, 1, D, P, 2.0, weight, bias);
        Assert.Equal([0.0, 0.0], context.SquaredNorms.ToArray());
        Assert.All(weight.Gradient.ToArray(), v => Assert.Equal(0.0, v));
    }

    private static (Parameter<double> Weight, Parameter<double> Bias) Parameters() =>
        (new Parameter<double>("w", (double[])s_w.Clone(), P, D), new Parameter<double>("b", (double[])s_b.Clone()));

    private static double[] Filled(int length, double value) => Enumerable.Repeat(value, length).ToArray();

    /// <summary>‖Σₜ gₜxₜᵀ‖²_F and ‖Σₜ gₜ‖² of example i by the triple loop.</summary>
    private static (double Weight, double Bias) ReferenceSquaredNorms(double[] x, double[] g, int i, int length, int d, int p)
    {
        var weight = 0.0;
        var bias = 0.0;
        for (var o = 0; o < p; o++)
        {
            var b = 0.0;
            for (var t = 0; t < length; t++)
            {
                b += g[(((i * length) + t) * p) + o];
            }

            bias += b * b;
            for (var j = 0; j < d; j++)
            {
                var s = 0.0;
                for (var t = 0; t < length; t++)
                {
                    var r = (i * length) + t;
                    s += g[(r * p) + o] * x[(r * d) + j];
                }

                weight += s * s;
            }
        }

        return (weight, bias);
    }
}
