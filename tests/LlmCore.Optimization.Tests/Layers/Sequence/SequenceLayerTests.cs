using CsCheck;
using LlmCore.Optimization.Layers.Sequence;
using LlmCore.Optimization.Models;

namespace LlmCore.Optimization.Tests.Layers.Sequence;

/// <summary>
/// Every sequence layer: finite-difference gradient checks (double), per-example gradients that sum to the batch
/// gradient, norms passes (ghost and automatic) that equal the materialised per-example norms, and book-keeping
/// sums Σᵢ wᵢ∇ℓᵢ that equal the weighted per-example gradients.
/// </summary>
public class SequenceLayerTests
{
    public static TheoryData<string> LayerNames() => new(Layers.Keys);

    private static readonly Dictionary<string, Func<int, SequenceLayer<double>>> Layers = new()
    {
        ["linear"] = seed => Linear("fc", 5, 4, seed, bias: true),
        ["linear-no-bias"] = seed => Linear("fc", 3, 6, seed, bias: false),
        ["linear-lora"] = seed => Lora(Linear("fc", 5, 4, seed, bias: true), rank: 2, seed),
        ["layer-norm"] = seed => Perturbed(new NormalizationLayer<double>("ln", 6, rms: false, bias: true, epsilon: 1e-5), seed),
        ["layer-norm-no-bias"] = seed => Perturbed(new NormalizationLayer<double>("ln", 5, rms: false, bias: false, epsilon: 1e-5), seed),
        ["rms-norm"] = seed => Perturbed(new NormalizationLayer<double>("rms", 6, rms: true, bias: true, epsilon: 1e-5), seed),
        ["attention-core"] = _ => new AttentionCore<double>(4, 2, 0, 0),
        ["self-attention"] = seed => Attention(6, 3, seed),
        ["gelu-tanh"] = _ => new GeluTanhLayer<double>(5),
        ["mlp"] = seed => new LayerChain<double>(Linear("c_fc", 3, 12, seed, true), new GeluTanhLayer<double>(12), Linear("c_proj", 12, 3, seed + 1, true)),
        ["residual"] = seed => new ResidualLayer<double>(new LayerChain<double>(Perturbed(new NormalizationLayer<double>("ln", 4, false, true, 1e-5), seed), Linear("fc", 4, 4, seed + 1, true))),
        ["positional"] = seed => new PositionalEmbedding<double>(new Parameter<double>("wpe", SequenceHarness.Random(8 * 3, seed), 8, 3)),
        ["block"] = seed => Block(4, 2, seed),
        ["pool-last"] = _ => new PoolingLayer<double>(3, mean: false),
        ["pool-mean"] = _ => new PoolingLayer<double>(3, mean: true),
    };

    [Theory]
    [MemberData(nameof(LayerNames))]
    public void Backward_FiniteDifferences_MatchAnalyticGradients(string name)
    {
        var layer = Layers[name](3);
        SequenceHarness.CheckGradients(layer, batch: 2, length: 4, seed: 11, beforeForward: PoolLengths(layer, 2, 4));
    }

    [Theory]
    [MemberData(nameof(LayerNames))]
    public void PerExampleGradients_SumToBatchGradient_AndNormsPassesAgree(string name)
    {
        foreach (var mode in new[] { ClippingMode.Ghost, ClippingMode.Automatic })
        {
            var layer = Layers[name](5);
            SequenceHarness.CheckPasses(layer, batch: 3, length: 4, seed: 21, mode, beforeForward: PoolLengths(layer, 3, 4));
        }
    }

    [Theory]
    [MemberData(nameof(LayerNames))]
    public void PerExampleGradient_EqualsSingleSequencePass(string name)
    {
        // Example i's per-example gradient from the batched pass equals the batch gradient of a batch holding sequence i alone.
        const int batch = 3;
        const int length = 4;
        var layer = Layers[name](7);
        var result = SequenceHarness.Run(layer, batch, length, seed: 31, ClippingMode.Ghost, beforeForward: PoolLengths(layer, batch, length));
        var input = SequenceHarness.Random(batch * length * layer.InputWidth, 31);
        var r = SequenceHarness.Random(batch * layer.OutputLengthFor(length) * layer.OutputWidth, 32);
        var trainable = layer.Parameters.Where(p => p.RequiresGrad).ToList();
        for (var i = 0; i < batch; i++)
        {
            foreach (var p in layer.Parameters)
            {
                p.ZeroGrad();
            }

            var single = input.AsSpan(i * length * layer.InputWidth, length * layer.InputWidth).ToArray();
            var rs = r.AsSpan(i * layer.OutputLengthFor(length) * layer.OutputWidth, layer.OutputLengthFor(length) * layer.OutputWidth).ToArray();
            if (layer is PoolingLayer<double> pool)
            {
                pool.SetValidLengths([ValidLength(i, length)]);
            }

            layer.Forward(single, 1, length, ForwardPass.Inference);
            layer.PlanBackward(true);
            var context = new BackwardContext<double>();
            context.BeginBatch(1, 1.0);
            layer.Backward(rs, context);
            for (var p = 0; p < trainable.Count; p++)
            {
                var expected = trainable[p].Gradient.ToArray();
                var actual = result.PerExample.Get(p, i).ToArray();
                var scale = expected.Max(Math.Abs);
                for (var j = 0; j < expected.Length; j++)
                {
                    SequenceHarness.AssertRelative(expected[j], actual[j], 1e-10, $"{trainable[p].Name}[{j}] of example {i}", scale);
                }
            }
        }
    }

    [Fact]
    public void NormsPass_RandomShapes_GhostEqualsMaterialized()
    {
        // CsCheck: batch 1..64 and length 1..64; projections of several shapes so that Automatic picks both methods;
        // a frozen base with a trainable adapter, and a frozen bias, exercise the frozen paths.
        var gen = Gen.Select(Gen.Int[1, 64], Gen.Int[1, 64], Gen.Int[0, 5], Gen.Int[0, 1_000_000]);
        gen.Sample(
            (batch, length, kind, seed) =>
            {
                SequenceLayer<double> layer = kind switch
                {
                    0 => Linear("a", 2, 3, seed, true),
                    1 => Linear("b", 9, 7, seed, true),
                    2 => Lora(Linear("c", 6, 5, seed, true), 2, seed),
                    3 => FrozenBias(Linear("d", 4, 8, seed, true)),
                    4 => Perturbed(new NormalizationLayer<double>("ln", 3, false, true, 1e-5), seed),
                    _ => new PositionalEmbedding<double>(new Parameter<double>("wpe", SequenceHarness.Random(64 * 2, seed), 64, 2)),
                };
                foreach (var mode in new[] { ClippingMode.Ghost, ClippingMode.Automatic })
                {
                    SequenceHarness.CheckPasses(layer, batch, length, seed, mode);
                }
            },
            iter: 40,
            seed: "4kH0PZ3nVpS1");
    }

    [Fact]
    public void NormsPass_SelfAttentionBlock_RandomShapes_GhostEqualsMaterialized()
    {
        var gen = Gen.Select(Gen.Int[1, 24], Gen.Int[1, 24], Gen.Int[0, 1_000_000]);
        gen.Sample(
            (batch, length, seed) =>
            {
                var layer = Block(4, 2, seed);
                SequenceHarness.CheckPasses(layer, batch, length, seed, ClippingMode.Ghost);
                SequenceHarness.CheckPasses(layer, batch, length, seed + 1, ClippingMode.Automatic);
            },
            iter: 12,
            seed: "0cJ9e2GqWm1a");
    }

    [Fact]
    public void Dropout_FixedCounter_GradientCheckAndPassesHold()
    {
        // The mask is a pure function of (seed, counter, site, element): with the counter fixed, dropout is a fixed
        // linear map and its gradient checks like any other layer.
        var pass = new ForwardPass(true, 42, 7);
        var layer = new LayerChain<double>(Linear("fc", 4, 5, 1, true), new DropoutLayer<double>(5, 0.3, 3));
        SequenceHarness.CheckGradients(layer, 2, 3, 5, pass);
        SequenceHarness.CheckPasses(layer, 3, 3, 6, ClippingMode.Ghost, pass);
        var attention = new AttentionCore<double>(4, 2, 0.25, 4);
        SequenceHarness.CheckGradients(attention, 2, 5, 8, pass);
    }

    [Fact]
    public void Dropout_SameCoordinates_SameMask_OtherCounter_OtherMask()
    {
        var x = Enumerable.Repeat(1.0, 2 * 8 * 16).ToArray();
        var layer = new DropoutLayer<double>(16, 0.5, 2);
        double[] Mask(long counter, ulong seed)
        {
            layer.Forward(x, 2, 8, new ForwardPass(true, seed, counter));
            return layer.Output.AsSpan(0, x.Length).ToArray();
        }

        Assert.Equal(Mask(3, 9), Mask(3, 9));
        Assert.NotEqual(Mask(3, 9), Mask(4, 9));
        Assert.NotEqual(Mask(3, 9), Mask(3, 10));
        Assert.All(Mask(5, 1), v => Assert.True(v == 0 || v == 2.0));
    }

    [Fact]
    public void Dropout_KeptFraction_IsOneMinusP()
    {
        // 100,000 Bernoulli(0.7) keeps: the standard deviation of the kept fraction is √(0.21/1e5) ≈ 0.00145;
        // a band of ±0.01 is 6.9 standard deviations (false-failure rate below 1e-11).
        var mask = new double[100_000];
        DropoutMask.Fill(DropoutMask.Key(123, 0, 1), 0, 0.3, mask.AsSpan());
        var kept = mask.Count(v => v != 0) / (double)mask.Length;
        Assert.InRange(kept, 0.69, 0.71);
    }

    [Fact]
    public void Dropout_ZeroRateOrInference_IsTheIdentity()
    {
        var x = SequenceHarness.Random(2 * 3 * 4, 1);
        var zero = new DropoutLayer<double>(4, 0.0, 1);
        zero.Forward(x, 2, 3, new ForwardPass(true, 1, 1));
        Assert.Same(x, zero.Output);
        var off = new DropoutLayer<double>(4, 0.5, 1);
        off.Forward(x, 2, 3, ForwardPass.Inference);
        Assert.Same(x, off.Output);
    }

    [Fact]
    public void Attention_ChangingALaterToken_NeverChangesAnEarlierPosition()
    {
        const int length = 7;
        var layer = Attention(6, 3, 2);
        var input = SequenceHarness.Random(length * 6, 3);
        layer.Forward(input, 1, length, ForwardPass.Inference);
        var before = layer.Output.AsSpan(0, length * 6).ToArray();
        for (var changed = 1; changed < length; changed++)
        {
            var altered = (double[])input.Clone();
            for (var c = 0; c < 6; c++)
            {
                altered[(changed * 6) + c] += 5.0 * (c + 1);
            }

            layer.Forward(altered, 1, length, ForwardPass.Inference);
            var after = layer.Output.AsSpan(0, length * 6).ToArray();
            for (var i = 0; i < changed * 6; i++)
            {
                Assert.Equal(before[i], after[i]);
            }

            Assert.NotEqual(before[changed * 6], after[changed * 6]);
        }
    }

    [Fact]
    public void Attention_HugeScores_StaySoftmaxNormalised()
    {
        // Scores of order 1e4 overflow exp() without the max subtraction.
        var core = new AttentionCore<float>(2, 1, 0, 0);
        var input = new float[3 * 6];
        for (var t = 0; t < 3; t++)
        {
            input[(t * 6) + 0] = 100f * (t + 1);
            input[(t * 6) + 2] = 100f * (t + 1);
            input[(t * 6) + 4] = t;
        }

        core.Forward(input, 1, 3, ForwardPass.Inference);
        var p = core.Probabilities.ToArray();
        for (var t = 0; t < 3; t++)
        {
            Assert.Equal(1.0, p.Skip(t * 3).Take(3).Sum(v => (double)v), 5);
            Assert.All(p, v => Assert.True(float.IsFinite(v)));
        }

        Assert.Equal(0f, p[1]);
        Assert.Equal(0f, p[2]);
    }

    [Fact]
    public void AttentionCore_HeadsNotDividingWidth_ThrowsNamingHeads()
    {
        var e = Assert.Throws<ArgumentException>(() => new AttentionCore<double>(10, 3, 0, 0));
        Assert.Equal("heads", e.ParamName);
    }

    [Fact]
    public void LoraWithZeroB_EqualsBaseLayer()
    {
        var plain = Linear("fc", 5, 4, 3, true);
        var adapted = Linear("fc", 5, 4, 3, true);
        adapted.AttachLora(2, 4.0, new Random(1));
        Assert.All(adapted.LoraB!.Values.ToArray(), v => Assert.Equal(0.0, v));
        Assert.False(adapted.Weight.RequiresGrad);
        Assert.False(adapted.Bias!.RequiresGrad);

        // A is Kaiming-uniform(a = √5) as PEFT: U(−1/√d, 1/√d) with d = 5 inputs.
        Assert.All(adapted.LoraA!.Values.ToArray(), v => Assert.InRange(v, -1 / Math.Sqrt(5), 1 / Math.Sqrt(5)));
        var x = SequenceHarness.Random(2 * 3 * 5, 4);
        plain.Forward(x, 2, 3, ForwardPass.Inference);
        adapted.Forward(x, 2, 3, ForwardPass.Inference);
        Assert.Equal(plain.Output.AsSpan(0, 24).ToArray(), adapted.Output.AsSpan(0, 24).ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(1025)]
    public void GeluTanh_VectorisedKernels_MatchScalarReference(int length)
    {
        var x = SequenceHarness.Random(length, length + 1, 6.0);
        var dy = SequenceHarness.Random(length, length + 2);
        var y = new double[length];
        var yRef = new double[length];
        var dx = new double[length];
        var dxRef = new double[length];
        GeluTanh.Forward<double>(x, y);
        GeluTanh.ForwardScalar<double>(x, yRef);
        GeluTanh.Backward<double>(x, dy, dx);
        GeluTanh.BackwardScalar<double>(x, dy, dxRef);
        for (var i = 0; i < length; i++)
        {
            Assert.Equal(yRef[i], y[i], 1e-14);
            Assert.Equal(dxRef[i], dx[i], 1e-13);
        }

        var xf = x.Select(v => (float)v).ToArray();
        var yf = new float[length];
        GeluTanh.Forward<float>(xf, yf);
        for (var i = 0; i < length; i++)
        {
            Assert.Equal(yRef[i], yf[i], 1e-5);
        }
    }

    [Theory]
    [InlineData(1.0, 0.8411919906082768)]
    [InlineData(-1.0, -0.1588080093917232952)]
    [InlineData(2.0, 1.954597694087775)]
    [InlineData(-3.0, -0.0036373920817730188)]
    public void GeluTanh_KnownValues(double x, double expected)
    {
        // Values of 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))) evaluated with mpmath at 30 digits (the formula of
        // torch.nn.functional.gelu(approximate="tanh") in the PyTorch docs).
        var y = new double[1];
        GeluTanh.Forward<double>([x], y);
        Assert.Equal(expected, y[0], 1e-14);
    }

    internal static LinearLayer<double> Linear(string name, int inputs, int outputs, int seed, bool bias) =>
        new(name, new Parameter<double>(name + ".weight", SequenceHarness.Random(inputs * outputs, seed), outputs, inputs), bias ? new Parameter<double>(name + ".bias", SequenceHarness.Random(outputs, seed + 100), outputs) : null);

    internal static LinearLayer<double> Lora(LinearLayer<double> layer, int rank, int seed)
    {
        layer.AttachLora(rank, 3.0, new Random(seed));

        // A trained adapter: B ≠ 0 so that A receives gradient.
        SequenceHarness.Random(layer.LoraB!.Length, seed + 7).CopyTo(layer.LoraB.Values);
        return layer;
    }

    internal static SequenceLayer<double> Attention(int width, int heads, int seed) =>
        new LayerChain<double>(Linear("c_attn", width, 3 * width, seed, true), new AttentionCore<double>(width, heads, 0, 1), Linear("c_proj", width, width, seed + 1, true));

    internal static SequenceLayer<double> Block(int width, int heads, int seed) =>
        new LayerChain<double>(
            new ResidualLayer<double>(new LayerChain<double>(Perturbed(new NormalizationLayer<double>("ln_1", width, false, true, 1e-5), seed), Attention(width, heads, seed + 1))),
            new ResidualLayer<double>(new LayerChain<double>(
                Perturbed(new NormalizationLayer<double>("ln_2", width, false, true, 1e-5), seed + 2),
                new LayerChain<double>(Linear("c_fc", width, 4 * width, seed + 3, true), new GeluTanhLayer<double>(4 * width), Linear("mlp_proj", 4 * width, width, seed + 4, true)))));

    internal static NormalizationLayer<double> Perturbed(NormalizationLayer<double> layer, int seed)
    {
        // Gains and biases away from 1 and 0 so that every term of the gradient is exercised.
        var g = SequenceHarness.Random(layer.Gain.Length, seed, 0.5);
        for (var i = 0; i < g.Length; i++)
        {
            layer.Gain.Values[i] = 1 + g[i];
        }

        if (layer.Bias is not null)
        {
            SequenceHarness.Random(layer.Bias.Length, seed + 1, 0.5).CopyTo(layer.Bias.Values);
        }

        return layer;
    }

    private static LinearLayer<double> FrozenBias(LinearLayer<double> layer)
    {
        layer.Bias!.RequiresGrad = false;
        return layer;
    }

    private static int ValidLength(int example, int length) => Math.Max(1, length - (example % 3));

    private static Action? PoolLengths(SequenceLayer<double> layer, int batch, int length)
    {
        if (layer is not PoolingLayer<double> pool)
        {
            return null;
        }

        var valid = Enumerable.Range(0, batch).Select(i => ValidLength(i, length)).ToArray();
        return () => pool.SetValidLengths(valid);
    }
}
