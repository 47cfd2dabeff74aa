using LlmCore.Optimization.Layers;
using LlmCore.Optimization.Layers.Sequence;
using LlmCore.Optimization.Models;

namespace LlmCore.Optimization.Tests.Layers.Sequence;

/// <summary>
/// <see cref="LinearLayer{T}"/>: torch.nn.Linear with a LoRA adapter (Hu et al. 2022; PEFT's layout A: r×d, B: p×r,
/// output scaled by α/r) worked by hand, its guards, and a weight whose norms the model handles (tied embeddings).
/// </summary>
/// <remarks>
/// Hand data (as in <see cref="DenseKernelsTests"/>): W = [[1, 0, −1], [2, 1, 0]], b = [0.5, −1], rows x₀ = [1, 2, 3],
/// x₁ = [−1, 0, 2], output gradients g₀ = [1, −1], g₁ = [0.5, 2]; adapter A = [[1, 1, 0], [0, 0, 1]],
/// B = [[2, 0], [−1, 1]], α = 3, r = 2, so α/r = 1.5.
/// u = x·Aᵀ = [[3, 3], [−1, 2]]; u·Bᵀ = [[6, 0], [−2, 3]]; x·Wᵀ + b = [[−1.5, 3], [−2.5, −3]].
/// g·B = [[3, −1], [−1, 2]]; g·W = [[−1, −1, −1], [4.5, 2, −0.5]].
/// </remarks>
public class LinearLayerTests
{
    private static readonly double[] s_x = [1, 2, 3, -1, 0, 2];
    private static readonly double[] s_g = [1, -1, 0.5, 2];

    [Fact]
    public void LoraForward_ByHand_AddsAlphaOverRankTimesXATransposeBTranspose()
    {
        // y = x·Wᵀ + b + 1.5·u·Bᵀ = [[−1.5 + 9, 3 + 0], [−2.5 − 3, −3 + 4.5]].
        var layer = Adapted();
        layer.Forward(s_x, 2, 1, ForwardPass.Inference);
        Assert.Equal([7.5, 3, -5.5, 1.5], layer.Output.AsSpan(0, 4).ToArray());
        Assert.Equal(2, layer.LoraRank);
        Assert.Equal(["fc.weight", "fc.bias", "fc.lora_A", "fc.lora_B"], layer.Parameters.Select(p => p.Name));
        Assert.False(layer.Weight.RequiresGrad);
        Assert.False(layer.Bias!.RequiresGrad);
    }

    [Fact]
    public void LoraBackward_ByHand_AdapterGradientsAndInputGradient()
    {
        // dA = 1.5·Σᵣ (gᵣB)ᵀxᵣ = 1.5·([[3, 6, 9], [−1, −2, −3]] + [[1, 0, −2], [−2, 0, 4]]) = 1.5·[[4, 6, 7], [−3, −2, 1]];
        // dB = 1.5·Σᵣ gᵣᵀuᵣ = 1.5·([[3, 3], [−3, −3]] + [[−0.5, 1], [−2, 4]]) = 1.5·[[2.5, 4], [−5, 1]];
        // dx = g·W + 1.5·(g·B)·A = [[−1, −1, −1] + [4.5, 4.5, −1.5], [4.5, 2, −0.5] + [−1.5, −1.5, 3]].
        var layer = Adapted();
        layer.Forward(s_x, 2, 1, ForwardPass.Inference);
        layer.PlanBackward(true);
        var context = new BackwardContext<double>();
        context.BeginBatch(2, 1.0);
        layer.Backward(s_g, context);
        Assert.Equal([6, 9, 10.5, -4.5, -3, 1.5], layer.LoraA!.Gradient.ToArray());
        Assert.Equal([3.75, 6, -7.5, 1.5], layer.LoraB!.Gradient.ToArray());
        Assert.Equal([3.5, 3.5, -2.5, 3, 0.5, 2.5], layer.InputGradient.AsSpan(0, 6).ToArray());
        Assert.All(layer.Weight.Gradient.ToArray(), v => Assert.Equal(0.0, v));
        Assert.All(layer.Bias!.Gradient.ToArray(), v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void LoraBackward_AdapterFrozen_InputGradientStillGoesThroughIt()
    {
        var layer = Adapted();
        layer.LoraA!.RequiresGrad = false;
        layer.LoraB!.RequiresGrad = false;
        layer.Forward(s_x, 2, 1, ForwardPass.Inference);
        layer.PlanBackward(true);
        Assert.False(layer.HasTrainable);
        var context = new BackwardContext<double>();
        context.BeginBatch(2, 1.0);
        layer.Backward(s_g, context);
        Assert.Equal([3.5, 3.5, -2.5, 3, 0.5, 2.5], layer.InputGradient.AsSpan(0, 6).ToArray());
        Assert.All(layer.LoraA.Gradient.ToArray(), v => Assert.Equal(0.0, v));
        Assert.All(layer.LoraB.Gradient.ToArray(), v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void LoraBackward_OnlyBTrainable_NoInputGradient_GetsBGradient()
    {
        var layer = Adapted();
        layer.LoraA!.RequiresGrad = false;
        layer.Forward(s_x, 2, 1, ForwardPass.Inference);
        layer.PlanBackward(false);
        var context = new BackwardContext<double>();
        context.BeginBatch(2, 2.0);
        layer.Backward(s_g, context);
        Assert.Equal([7.5, 12, -15, 3], layer.LoraB!.Gradient.ToArray());
        Assert.All(layer.LoraA.Gradient.ToArray(), v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void AttachLora_Twice_Throws_AndDrawsAFromKaimingUniform()
    {
        // PEFT's kaiming_uniform_(a = √5) on A (r×d): U(−1/√d, 1/√d). With 8·50 = 400 draws the largest exceeds
        // 0.9/√d unless all 400 fall below it: probability 0.95⁴⁰⁰ ≈ 1e-9 (likewise the smallest).
        var layer = SequenceLayerTests.Linear("fc", 50, 4, 1, bias: true);
        layer.AttachLora(8, 16.0, new Random(3));
        var bound = 1 / Math.Sqrt(50);
        var a = layer.LoraA!.Values.ToArray();
        Assert.Equal(400, a.Length);
        Assert.Equal([8, 50], layer.LoraA.Shape.ToArray());
        Assert.Equal([4, 8], layer.LoraB!.Shape.ToArray());
        Assert.All(a, v => Assert.InRange(v, -bound, bound));
        Assert.True(a.Max() > 0.9 * bound && a.Min() < -0.9 * bound);
        var e = Assert.Throws<InvalidOperationException>(() => layer.AttachLora(2, 1.0, new Random(1)));
        Assert.Contains("'fc'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_Guards_NameTheArgument()
    {
        var weight = new Parameter<double>("w", new double[6], 2, 3);
        Assert.Equal("weight", Assert.Throws<ArgumentNullException>(() => new LinearLayer<double>("fc", null!, null)).ParamName);
        Assert.Equal("weight", Assert.Throws<ArgumentException>(() => new LinearLayer<double>("fc", new Parameter<double>("v", new double[6]), null)).ParamName);
        Assert.Equal("weight", Assert.Throws<ArgumentException>(() => new LinearLayer<double>("fc", new Parameter<double>("e", [], 0, 3), null)).ParamName);
        Assert.Equal("weight", Assert.Throws<ArgumentException>(() => new LinearLayer<double>("fc", new Parameter<double>("e", new double[3], 1, 3, 1), null)).ParamName);
        Assert.Equal("bias", Assert.Throws<ArgumentException>(() => new LinearLayer<double>("fc", weight, new Parameter<double>("b", new double[3]))).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => new LinearLayer<double>(" ", weight, null)).ParamName);
        var layer = new LinearLayer<double>("fc", weight, new Parameter<double>("b", new double[2]));
        Assert.Equal(3, layer.InputWidth);
        Assert.Equal(2, layer.OutputWidth);
        Assert.Equal("fc", layer.Name);
        Assert.Equal(["w", "b"], layer.Parameters.Select(p => p.Name));
        Assert.Equal(["w"], new LinearLayer<double>("fc", weight, null).Parameters.Select(p => p.Name));
    }

    [Fact]
    public void WeightNormsHandledByModel_NormsPassLeavesTheWeightToTheModel()
    {
        // The weight's term ‖gᵢ‖²‖xᵢ‖² (28 and 21.25) is left out; the bias's ‖gᵢ‖² (2 and 4.25) stays.
        var layer = Plain();
        layer.WeightNormsHandledByModel = true;
        layer.Forward(s_x, 2, 1, ForwardPass.Inference);
        layer.PlanBackward(false);
        var context = new BackwardContext<double>();
        context.BeginNorms(2, ClippingMode.Ghost);
        layer.Backward(s_g, context);
        Assert.Equal([2.0, 4.25], context.SquaredNorms.ToArray());
        layer.ApplyWeights([2.0, -1.0], context);
        Assert.All(layer.Weight.Gradient.ToArray(), v => Assert.Equal(0.0, v));
        Assert.Equal([1.5, -4], layer.Bias!.Gradient.ToArray());
        var entries = new List<ParameterClipping>();
        layer.DescribeNorms(ClippingMode.Ghost, 1, entries);
        Assert.Equal([new("fc.bias", PerExampleNormMethod.Ghost)], entries);

        // A batch pass still forms the weight's gradient: gᵀx = [[0.5, 2, 4], [−3, −2, 1]].
        context.BeginBatch(2, 1.0);
        layer.Bias.ZeroGrad();
        layer.Backward(s_g, context);
        Assert.Equal([0.5, 2, 4, -3, -2, 1], layer.Weight.Gradient.ToArray());

        // Without the flag the weight counts: 28 + 2 and 21.25 + 4.25.
        var own = Plain();
        own.Forward(s_x, 2, 1, ForwardPass.Inference);
        own.PlanBackward(false);
        context.BeginNorms(2, ClippingMode.Ghost);
        own.Backward(s_g, context);
        Assert.Equal([30.0, 25.5], context.SquaredNorms.ToArray());
    }

    [Fact]
    public void DescribeNorms_WithAdapter_ListsAAndBWithTheirOwnShapes()
    {
        // Automatic at T = 2 (2T² = 8): A is r×d = 2×5 (8 < 10, ghost), B is p×r = 2×2 (8 < 4 fails, materialised).
        var layer = SequenceLayerTests.Linear("fc", 5, 2, 1, bias: true);
        layer.AttachLora(2, 4.0, new Random(1));
        var entries = new List<ParameterClipping>();
        layer.DescribeNorms(ClippingMode.Automatic, 2, entries);
        Assert.Equal([new("fc.lora_A", PerExampleNormMethod.Ghost), new("fc.lora_B", PerExampleNormMethod.Materialized)], entries);
    }

    private static LinearLayer<double> Plain() =>
        new("fc", new Parameter<double>("fc.weight", [1, 0, -1, 2, 1, 0], 2, 3), new Parameter<double>("fc.bias", [0.5, -1]));

    private static LinearLayer<double> Adapted()
    {
        var layer = Plain();
        layer.AddLora(new Parameter<double>("fc.lora_A", [1, 1, 0, 0, 0, 1], 2, 3), new Parameter<double>("fc.lora_B", [2, 0, -1, 1], 2, 2), 3.0);
        return layer;
    }
}
