using LlmCore.Optimization.Layers;
using LlmCore.Optimization.Layers.Sequence;
using LlmCore.Optimization.Models;

namespace LlmCore.Optimization.Tests.Layers.Sequence;

/// <summary>
/// LayerNorm and RMSNorm values by hand (torch.nn.LayerNorm: biased variance, ε inside the square root; RMSNorm,
/// Zhang and Sennrich 2019: x/√(mean(x²) + ε)), with ε = 1 so that where ε goes is visible; the parameter gradients
/// ∂ℓ/∂γ = Σₜ dyₜ⊙x̂ₜ and ∂ℓ/∂β = Σₜ dyₜ (PyTorch's layer_norm_backward) per pass and with frozen parameters; and the
/// row-parallel forward pass above the parallel threshold against the per-row formula.
/// </summary>
/// <remarks>
/// Hand data: C = 3, γ = [1, 2, 3], β = [0.5, −0.5, 0], rows x₀ = [1, 2, 3], x₁ = [−2, 0, 5], ε = 1.
/// LayerNorm: x₀ has μ = 2, σ² = 2/3, r = 1/√(2/3 + 1) = √(3/5), x̂₀ = [−1, 0, 1]·√(3/5); x₁ has μ = 1, deviations
/// [−3, −1, 4], σ² = 26/3, r = √(3/29). RMSNorm: mean(x₀²) = 14/3, r = √(3/17), x̂₀ = x₀·r; mean(x₁²) = 29/3,
/// r = √(3/32).
/// </remarks>
public class NormalizationLayerTests
{
    private static readonly double[] s_x = [1, 2, 3, -2, 0, 5];
    private static readonly double[] s_dy = [1, 1, 1, 0.5, -1, 2];

    private static double[] LayerNormXhat()
    {
        var r0 = Math.Sqrt(3.0 / 5);
        var r1 = Math.Sqrt(3.0 / 29);
        return [-r0, 0, r0, -3 * r1, -r1, 4 * r1];
    }

    private static double[] RmsXhat()
    {
        var r0 = Math.Sqrt(3.0 / 17);
        var r1 = Math.Sqrt(3.0 / 32);
        return [r0, 2 * r0, 3 * r0, -2 * r1, 0, 5 * r1];
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Forward_ByHand_EpsilonInsideTheSquareRoot(bool rms)
    {
        var layer = Create(rms, bias: true);
        var xhat = rms ? RmsXhat() : LayerNormXhat();
        double[] beta = rms ? [0, 0, 0] : [0.5, -0.5, 0];
        layer.Forward(s_x, 2, 1, ForwardPass.Inference);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal((xhat[i] * (1 + (i % 3))) + beta[i % 3], layer.Output[i], 1e-15);
        }

        // float: the same values to float precision.
        var single = new NormalizationLayer<float>("ln", 3, rms, bias: true, epsilon: 1.0);
        single.Gain.Values[1] = 2;
        single.Gain.Values[2] = 3;
        if (single.Bias is not null)
        {
            single.Bias.Values[0] = 0.5f;
            single.Bias.Values[1] = -0.5f;
        }

        single.Forward(s_x.Select(v => (float)v).ToArray(), 1, 2, ForwardPass.Inference);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal((xhat[i] * (1 + (i % 3))) + beta[i % 3], single.Output[i], 1e-6);
        }
    }

    [Fact]
    public void Forward_LayerNormWithoutBias_IsGainTimesNormalised()
    {
        var layer = Create(rms: false, bias: false);
        Assert.Null(layer.Bias);
        var xhat = LayerNormXhat();
        layer.Forward(s_x, 1, 2, ForwardPass.Inference);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(xhat[i] * (1 + (i % 3)), layer.Output[i], 1e-15);
        }
    }

    [Fact]
    public void Constructor_SetsNamesShapesAndUnitGain()
    {
        var ln = new NormalizationLayer<double>("ln_f", 4, rms: false, bias: true, epsilon: 1e-5);
        Assert.Equal(["ln_f.weight", "ln_f.bias"], ln.Parameters.Select(p => p.Name));
        Assert.All(ln.Gain.Values.ToArray(), v => Assert.Equal(1.0, v));
        Assert.All(ln.Bias!.Values.ToArray(), v => Assert.Equal(0.0, v));
        Assert.False(ln.IsRms);
        var rms = new NormalizationLayer<double>("rms", 4, rms: true, bias: true, epsilon: 1e-5);
        Assert.True(rms.IsRms);
        Assert.Null(rms.Bias);
        Assert.Equal(["rms.weight"], rms.Parameters.Select(p => p.Name));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Backward_BatchPass_GainAndBiasGradientsByHand(bool rms)
    {
        // Scale 0.5: γ' = 0.5·Σ dy⊙x̂ over both rows (two sequences of one position), β' = 0.5·Σ dy.
        var layer = Create(rms, bias: true);
        var xhat = rms ? RmsXhat() : LayerNormXhat();
        layer.Forward(s_x, 2, 1, ForwardPass.Inference);
        layer.PlanBackward(false);
        var context = new BackwardContext<double>();
        context.BeginBatch(2, 0.5);
        layer.Backward(s_dy, context);
        for (var j = 0; j < 3; j++)
        {
            Assert.Equal(0.5 * ((s_dy[j] * xhat[j]) + (s_dy[3 + j] * xhat[3 + j])), layer.Gain.Gradient[j], 1e-15);
            if (!rms)
            {
                Assert.Equal(0.5 * (s_dy[j] + s_dy[3 + j]), layer.Bias!.Gradient[j], 1e-15);
            }
        }
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Backward_FrozenParts_GetNoGradientNoNormNoBlock(bool gainOn, bool biasOn)
    {
        var xhat = LayerNormXhat();
        double GainSquared(int i) => Enumerable.Range(0, 3).Sum(j => Math.Pow(s_dy[(3 * i) + j] * xhat[(3 * i) + j], 2));
        double BiasSquared(int i) => Enumerable.Range(0, 3).Sum(j => Math.Pow(s_dy[(3 * i) + j], 2));

        // Norms pass: ‖dyᵢ⊙x̂ᵢ‖² and ‖dyᵢ‖² of the trainable parts only; then book-keeping with w = [2, −1].
        var layer = Create(rms: false, bias: true);
        layer.Gain.RequiresGrad = gainOn;
        layer.Bias!.RequiresGrad = biasOn;
        layer.Forward(s_x, 2, 1, ForwardPass.Inference);
        layer.PlanBackward(false);
        var context = new BackwardContext<double>();
        context.BeginNorms(2, ClippingMode.Ghost);
        layer.Backward(s_dy, context);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal((gainOn ? GainSquared(i) : 0) + (biasOn ? BiasSquared(i) : 0), context.SquaredNorms[i], 1e-14);
        }

        Assert.All(layer.Gain.Gradient.ToArray(), v => Assert.Equal(0.0, v));
        Assert.All(layer.Bias.Gradient.ToArray(), v => Assert.Equal(0.0, v));
        layer.ApplyWeights([2.0, -1.0], context);
        for (var j = 0; j < 3; j++)
        {
            Assert.Equal(gainOn ? (2 * s_dy[j] * xhat[j]) - (s_dy[3 + j] * xhat[3 + j]) : 0, layer.Gain.Gradient[j], 1e-15);
            Assert.Equal(biasOn ? (2 * s_dy[j]) - s_dy[3 + j] : 0, layer.Bias.Gradient[j], 1e-15);
        }

        // Per-example pass: blocks of the trainable parameters only, no batch gradient unless asked for.
        layer.Gain.ZeroGrad();
        layer.Bias.ZeroGrad();
        var trainable = layer.Parameters.Where(p => p.RequiresGrad).ToList();
        var perExample = new PerExampleGradients<double>(trainable, 2);
        perExample.Reset(2);
        layer.Forward(s_x, 2, 1, ForwardPass.Inference);
        context.BeginPerExample(2, 1.0, perExample, accumulateBatch: true);
        layer.Backward(s_dy, context);
        for (var p = 0; p < trainable.Count; p++)
        {
            var isGain = ReferenceEquals(trainable[p], layer.Gain);
            for (var i = 0; i < 2; i++)
            {
                for (var j = 0; j < 3; j++)
                {
                    var k = (3 * i) + j;
                    Assert.Equal(isGain ? s_dy[k] * xhat[k] : s_dy[k], perExample.Get(p, i)[j], 1e-15);
                }
            }
        }

        for (var j = 0; j < 3; j++)
        {
            Assert.Equal(gainOn ? (s_dy[j] * xhat[j]) + (s_dy[3 + j] * xhat[3 + j]) : 0, layer.Gain.Gradient[j], 1e-15);
            Assert.Equal(biasOn ? s_dy[j] + s_dy[3 + j] : 0, layer.Bias.Gradient[j], 1e-15);
        }
    }

    [Fact]
    public void DescribeNorms_ListsTrainableGainAndBiasAsMaterialized()
    {
        var layer = Create(rms: false, bias: true);
        var entries = new List<ParameterClipping>();
        layer.DescribeNorms(ClippingMode.Ghost, 4, entries);
        Assert.Equal([new("ln.weight", PerExampleNormMethod.Materialized), new("ln.bias", PerExampleNormMethod.Materialized)], entries);
        entries.Clear();
        layer.Gain.RequiresGrad = false;
        layer.DescribeNorms(ClippingMode.Ghost, 4, entries);
        Assert.Equal([new("ln.bias", PerExampleNormMethod.Materialized)], entries);
        entries.Clear();
        layer.Gain.RequiresGrad = true;
        layer.Bias!.RequiresGrad = false;
        layer.DescribeNorms(ClippingMode.Automatic, 4, entries);
        Assert.Equal([new("ln.weight", PerExampleNormMethod.Materialized)], entries);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Forward_AboveTheParallelThreshold_EveryRowMatchesTheFormula(bool rms)
    {
        // 3·200 rows of C = 64: 38,400 values ≥ 32,768, so ⌈38,400 / (64·64)⌉ = 10 chunks of 60 rows each.
        const int batch = 3;
        const int length = 200;
        const int c = 64;
        Assert.Equal(10, SequenceParallel.Chunks(batch * length * c, 64 * c));
        var layer = new NormalizationLayer<double>("ln", c, rms, bias: true, epsilon: 1e-5);
        SequenceHarness.Random(c, 1, 0.5).Select(v => 1 + v).ToArray().CopyTo(layer.Gain.Values);
        if (layer.Bias is not null)
        {
            SequenceHarness.Random(c, 2, 0.5).CopyTo(layer.Bias.Values);
        }

        var x = SequenceHarness.Random(batch * length * c, 3, 3.0);
        layer.Forward(x, batch, length, ForwardPass.Inference);
        for (var r = 0; r < batch * length; r++)
        {
            var row = x.AsSpan(r * c, c).ToArray();
            var mean = rms ? 0 : row.Average();
            var variance = row.Sum(v => (v - mean) * (v - mean)) / c;
            var inverse = 1 / Math.Sqrt(variance + 1e-5);
            for (var j = 0; j < c; j++)
            {
                var expected = ((row[j] - mean) * inverse * layer.Gain.Values[j]) + (layer.Bias is null ? 0 : layer.Bias.Values[j]);
                Assert.Equal(expected, layer.Output[(r * c) + j], 1e-12);
            }
        }
    }

    private static NormalizationLayer<double> Create(bool rms, bool bias)
    {
        var layer = new NormalizationLayer<double>("ln", 3, rms, bias, epsilon: 1.0);
        layer.Gain.Values[1] = 2;
        layer.Gain.Values[2] = 3;
        if (layer.Bias is not null)
        {
            layer.Bias.Values[0] = 0.5;
            layer.Bias.Values[1] = -0.5;
        }

        return layer;
    }
}
