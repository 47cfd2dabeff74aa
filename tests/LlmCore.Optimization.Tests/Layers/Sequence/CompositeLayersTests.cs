using LlmCore.Optimization.Layers;
using LlmCore.Optimization.Layers.Sequence;
using LlmCore.Optimization.Models;

namespace LlmCore.Optimization.Tests.Layers.Sequence;

/// <summary>
/// <see cref="LayerChain{T}"/> and <see cref="ResidualLayer{T}"/> (y = x + f(x), He et al. 2016), and the guards of
/// <see cref="SequenceLayer{T}"/>: parameter order after an adapter is attached, which layers a backward pass visits
/// (a layer's input gradient is needed when anything below it is trainable), lengths through pooling, and each
/// argument check with the parameter it names.
/// </summary>
public class CompositeLayersTests
{
    [Fact]
    public void Chain_Guards_NameLayers()
    {
        Assert.Throws<ArgumentNullException>(() => new LayerChain<double>(null!));
        Assert.Equal("layers", Assert.Throws<ArgumentException>(() => new LayerChain<double>()).ParamName);
        var e = Assert.Throws<ArgumentException>(() => new LayerChain<double>(new GeluTanhLayer<double>(3), new GeluTanhLayer<double>(3), new GeluTanhLayer<double>(4)));
        Assert.Equal("layers", e.ParamName);
        Assert.Contains("Layer 2", e.Message, StringComparison.Ordinal);
        var chain = new LayerChain<double>(SequenceLayerTests.Linear("a", 3, 4, 1, true), new GeluTanhLayer<double>(4));
        Assert.Equal(3, chain.InputWidth);
        Assert.Equal(4, chain.OutputWidth);
        Assert.Equal(2, chain.Layers.Count);
    }

    [Fact]
    public void RefreshParameters_AfterAnAdapterDeepInside_ListsItInOrder()
    {
        var inner = SequenceLayerTests.Linear("a", 3, 3, 1, true);
        var chain = new LayerChain<double>(new ResidualLayer<double>(new LayerChain<double>(inner)), SequenceLayerTests.Linear("b", 3, 2, 2, true));
        Assert.Equal(["a.weight", "a.bias", "b.weight", "b.bias"], chain.Parameters.Select(p => p.Name));
        inner.AttachLora(1, 1.0, new Random(1));
        chain.RefreshParameters();
        Assert.Equal(["a.weight", "a.bias", "a.lora_A", "a.lora_B", "b.weight", "b.bias"], chain.Parameters.Select(p => p.Name));
    }

    [Fact]
    public void PlanBackward_TrainableAtTheBottom_LayersAboveProduceInputGradients()
    {
        // [a (trainable), GELU, b (frozen)] with no gradient wanted below the chain: b and GELU must pass the gradient
        // down to a, which needs none itself; a's gradients then match central differences.
        var a = SequenceLayerTests.Linear("a", 3, 4, 1, true);
        var gelu = new GeluTanhLayer<double>(4);
        var b = SequenceLayerTests.Linear("b", 4, 2, 2, true);
        b.Weight.RequiresGrad = false;
        b.Bias!.RequiresGrad = false;
        var chain = new LayerChain<double>(a, gelu, b);
        chain.PlanBackward(false);
        Assert.True(chain.HasTrainable);
        Assert.False(a.NeedsInputGradient);
        Assert.True(gelu.NeedsInputGradient);
        Assert.True(b.NeedsInputGradient);
        Assert.False(b.HasTrainable);

        var input = SequenceHarness.Random(2 * 3 * 3, 5);
        var r = SequenceHarness.Random(2 * 3 * 2, 6);
        double Loss()
        {
            chain.Forward(input, 2, 3, ForwardPass.Inference);
            return chain.Output.AsSpan(0, r.Length).ToArray().Select((y, i) => y * r[i]).Sum();
        }

        Loss();
        var context = new BackwardContext<double>();
        context.BeginBatch(2, 1.0);
        chain.Backward(r, context);
        SequenceHarness.CheckParameters(chain.Parameters, Loss);
        Assert.Empty(a.InputGradient);
    }

    [Fact]
    public void Backward_NothingBelowTheTopNeedsAGradient_StopsThere()
    {
        // [a (frozen), GELU, b (trainable)] planned without an input gradient: only b runs backward.
        var a = SequenceLayerTests.Linear("a", 3, 4, 1, true);
        a.Weight.RequiresGrad = false;
        a.Bias!.RequiresGrad = false;
        var gelu = new GeluTanhLayer<double>(4);
        var b = SequenceLayerTests.Linear("b", 4, 2, 2, true);
        var chain = new LayerChain<double>(a, gelu, b);
        chain.PlanBackward(false);
        Assert.False(a.NeedsInputGradient);
        Assert.False(gelu.NeedsInputGradient);
        Assert.False(b.NeedsInputGradient);
        Assert.True(chain.HasTrainable);
        chain.Forward(SequenceHarness.Random(6, 1), 1, 2, ForwardPass.Inference);
        var context = new BackwardContext<double>();
        context.BeginBatch(1, 1.0);
        chain.Backward(SequenceHarness.Random(4, 2), context);
        Assert.Empty(gelu.InputGradient);
        Assert.Empty(b.InputGradient);
        Assert.Empty(chain.InputGradient);
        Assert.Contains(b.Weight.Gradient.ToArray(), v => v != 0);

        // Everything frozen: the chain has nothing trainable.
        b.Weight.RequiresGrad = false;
        b.Bias!.RequiresGrad = false;
        chain.PlanBackward(false);
        Assert.False(chain.HasTrainable);
    }

    [Fact]
    public void OutputLengthAndDescribeNorms_FollowPooling()
    {
        // Automatic: a 3→4 projection uses ghost norms at one position (2 < 12) and materialised ones at five (50 ≥ 12).
        var pooledFirst = new LayerChain<double>(new PoolingLayer<double>(3, mean: true), SequenceLayerTests.Linear("fc", 3, 4, 1, true));
        Assert.Equal(1, pooledFirst.OutputLengthFor(5));
        var entries = new List<ParameterClipping>();
        pooledFirst.DescribeNorms(ClippingMode.Automatic, 5, entries);
        Assert.Equal([new("fc.weight", PerExampleNormMethod.Ghost), new("fc.bias", PerExampleNormMethod.Ghost)], entries);

        var pooledLast = new LayerChain<double>(SequenceLayerTests.Linear("fc", 3, 4, 1, true), new PoolingLayer<double>(4, mean: true));
        entries.Clear();
        pooledLast.DescribeNorms(ClippingMode.Automatic, 5, entries);
        Assert.Equal([new("fc.weight", PerExampleNormMethod.Materialized), new("fc.bias", PerExampleNormMethod.Materialized)], entries);
        Assert.Equal(5, new LayerChain<double>(new GeluTanhLayer<double>(2)).OutputLengthFor(5));
    }

    [Fact]
    public void Residual_ByHand_AddsTheInputForwardAndBackward()
    {
        // f(x) = x·(2I)ᵀ + [1, 0, 0], so y = 3x + [1, 0, 0] and dx = dy + 2·dy = 3·dy; ∂ℓ/∂W = Σ dyᵀx.
        var fc = new LinearLayer<double>("fc", new Parameter<double>("fc.weight", [2, 0, 0, 0, 2, 0, 0, 0, 2], 3, 3), new Parameter<double>("fc.bias", [1.0, 0, 0]));
        var residual = new ResidualLayer<double>(fc);
        Assert.Same(fc, residual.Inner);
        Assert.Equal(["fc.weight", "fc.bias"], residual.Parameters.Select(p => p.Name));
        residual.Forward([1.0, 2, 3, -1, 0, 4], 2, 1, ForwardPass.Inference);
        Assert.Equal([4.0, 6, 9, -2, 0, 12], residual.Output.AsSpan(0, 6).ToArray());
        residual.PlanBackward(true);
        var context = new BackwardContext<double>();
        context.BeginBatch(2, 1.0);
        residual.Backward([1.0, 0, -1, 2, 1, 0], context);
        Assert.Equal([3.0, 0, -3, 6, 3, 0], residual.InputGradient.AsSpan(0, 6).ToArray());
        Assert.Equal([3.0, 1, -1], fc.Bias!.Gradient.ToArray());

        // No input gradient wanted: the inner layer still gets its parameter gradients, the residual forms no dx.
        var other = new ResidualLayer<double>(SequenceLayerTests.Linear("g", 3, 3, 4, true));
        other.Forward([1.0, 2, 3], 1, 1, ForwardPass.Inference);
        other.PlanBackward(false);
        Assert.True(other.HasTrainable);
        other.Backward([1.0, 1, 1], context);
        Assert.Empty(other.InputGradient);
        Assert.Equal([1.0, 1, 1], ((LinearLayer<double>)other.Inner).Bias!.Gradient.ToArray());
    }

    [Fact]
    public void Residual_Guards_RejectLayersThatChangeWidthOrLength()
    {
        Assert.Throws<ArgumentNullException>(() => new ResidualLayer<double>(null!));
        Assert.Equal("inner", Assert.Throws<ArgumentException>(() => new ResidualLayer<double>(SequenceLayerTests.Linear("fc", 3, 4, 1, true))).ParamName);
        Assert.Equal("inner", Assert.Throws<ArgumentException>(() => new ResidualLayer<double>(new PoolingLayer<double>(3, mean: true))).ParamName);
        Assert.Equal("inner", Assert.Throws<ArgumentException>(() => new ResidualLayer<double>(new LayerChain<double>(new GeluTanhLayer<double>(3), new PoolingLayer<double>(3, mean: false)))).ParamName);
    }

    [Fact]
    public void SequenceLayer_Guards_NameTheArgument()
    {
        Assert.Equal("inputWidth", Assert.Throws<ArgumentOutOfRangeException>(() => new GeluTanhLayer<double>(0)).ParamName);
        var layer = new GeluTanhLayer<double>(3);
        Assert.Equal("input", Assert.Throws<ArgumentNullException>(() => layer.Forward(null!, 1, 1, ForwardPass.Inference)).ParamName);
        Assert.Equal("batch", Assert.Throws<ArgumentOutOfRangeException>(() => layer.Forward(new double[3], -1, 1, ForwardPass.Inference)).ParamName);
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => layer.Forward(new double[3], 1, 0, ForwardPass.Inference)).ParamName);
        var e = Assert.Throws<ArgumentException>(() => layer.Forward(new double[11], 2, 2, ForwardPass.Inference));
        Assert.Equal("input", e.ParamName);
        Assert.Contains("12", e.Message, StringComparison.Ordinal);

        // Exactly enough values, a longer array, and an empty batch are fine.
        layer.Forward(new double[12], 2, 2, ForwardPass.Inference);
        Assert.Equal(2, layer.Batch);
        Assert.Equal(2, layer.Length);
        Assert.Equal(2, layer.OutputLength);
        layer.Forward(new double[13], 2, 2, ForwardPass.Inference);
        layer.Forward([], 0, 3, ForwardPass.Inference);
        Assert.Equal(0, layer.Batch);
        layer.PlanBackward(true);
        Assert.Equal("outputGradient", Assert.Throws<ArgumentNullException>(() => layer.Backward(null!, new BackwardContext<double>())).ParamName);
    }

    [Fact]
    public void SequenceLayer_BaseClass_WidthGuardsAndTrainableDetection()
    {
        Assert.Equal("inputWidth", Assert.Throws<ArgumentOutOfRangeException>(() => new Probe(0, 1, [])).ParamName);
        Assert.Equal("outputWidth", Assert.Throws<ArgumentOutOfRangeException>(() => new Probe(1, 0, [])).ParamName);
        var frozen = new Parameter<double>("frozen", [1.0]) { RequiresGrad = false };
        var trainable = new Parameter<double>("trainable", [1.0]);

        // The default plan is trainable when any parameter is, wherever it sits in the list.
        var probe = new Probe(2, 3, [frozen, trainable]);
        probe.PlanBackward(false);
        Assert.True(probe.HasTrainable);
        Assert.False(probe.NeedsInputGradient);
        probe = new Probe(2, 3, [frozen, frozen]);
        probe.PlanBackward(true);
        Assert.False(probe.HasTrainable);
        Assert.True(probe.NeedsInputGradient);
        Assert.False(new Probe(2, 3, []).HasTrainable);

        // Output and input-gradient buffers sized Batch·OutputLength·OutputWidth and Batch·Length·InputWidth.
        probe.Forward(new double[2 * 5 * 2], 2, 5, ForwardPass.Inference);
        Assert.Equal(2 * 5 * 3, probe.Output.Length);
        probe.Backward(new double[30], new BackwardContext<double>());
        Assert.Equal(2 * 5 * 2, probe.InputGradient.Length);
        Assert.Equal(1, probe.BackwardCalls);

        // Planned with nothing to do: the backward pass is skipped.
        probe.PlanBackward(false);
        probe.Backward(new double[30], new BackwardContext<double>());
        Assert.Equal(1, probe.BackwardCalls);
    }

    /// <summary>A minimal sequence layer: zero output, zero input gradient, the given parameters.</summary>
    private sealed class Probe(int inputWidth, int outputWidth, Parameter<double>[] parameters) : SequenceLayer<double>(inputWidth, outputWidth)
    {
        public override IReadOnlyList<Parameter<double>> Parameters => parameters;

        public int BackwardCalls { get; private set; }

        protected override void ForwardCore(double[] input, in ForwardPass pass) => EnsureOutput();

        protected override void BackwardCore(double[] outputGradient, BackwardContext<double> context)
        {
            BackwardCalls++;
            EnsureInputGradient();
        }
    }
}
