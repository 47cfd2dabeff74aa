using LlmCore.Optimization.Layers;
using LlmCore.Optimization.Layers.Sequence;
using LlmCore.Optimization.Models;

namespace LlmCore.Optimization.Tests.Layers.Sequence;

/// <summary>
/// Central-difference gradient checks (<see cref="SequenceHarness.CheckGradients"/>) and per-example passes at widths
/// 1, 3, 5, 9, 17 and 33, so that every TensorPrimitives and Vector&lt;double&gt; kernel (4 lanes on AVX2) runs both its
/// vector body and its scalar tail, with batches of several sequences; and <see cref="Dense{T}"/> at the same widths.
/// </summary>
public class OddWidthGradientTests
{
    private static readonly Dictionary<string, Func<SequenceLayer<double>>> Layers = new()
    {
        ["linear 9→17"] = () => SequenceLayerTests.Linear("fc", 9, 17, 1, bias: true),
        ["linear 1→5"] = () => SequenceLayerTests.Linear("fc", 1, 5, 2, bias: true),
        ["linear 17→3 lora r5"] = () => SequenceLayerTests.Lora(SequenceLayerTests.Linear("fc", 17, 3, 3, bias: true), 5, 3),
        ["layer-norm 17"] = () => SequenceLayerTests.Perturbed(new NormalizationLayer<double>("ln", 17, rms: false, bias: true, epsilon: 1e-5), 5),
        ["rms-norm 33"] = () => SequenceLayerTests.Perturbed(new NormalizationLayer<double>("rms", 33, rms: true, bias: false, epsilon: 1e-5), 6),
        ["gelu 33"] = () => new GeluTanhLayer<double>(33),
        ["attention 9×3 heads"] = () => new AttentionCore<double>(9, 3, 0, 0),
        ["attention 5×1 head"] = () => new AttentionCore<double>(5, 1, 0, 0),
        ["residual 9"] = () => new ResidualLayer<double>(new LayerChain<double>(SequenceLayerTests.Perturbed(new NormalizationLayer<double>("ln", 9, false, true, 1e-5), 7), SequenceLayerTests.Linear("fc", 9, 9, 4, true))),
    };

    public static TheoryData<string> LayerNames() => new(Layers.Keys);

    [Theory]
    [MemberData(nameof(LayerNames))]
    public void Backward_OddWidths_MatchCentralDifferences(string name)
    {
        SequenceHarness.CheckGradients(Layers[name](), batch: 3, length: 3, seed: 17);
    }

    [Theory]
    [MemberData(nameof(LayerNames))]
    public void PerExampleAndNormsPasses_OddWidths_Agree(string name)
    {
        foreach (var mode in new[] { ClippingMode.Ghost, ClippingMode.Automatic })
        {
            SequenceHarness.CheckPasses(Layers[name](), batch: 3, length: 5, seed: 19, mode);
        }
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(5, 9)]
    [InlineData(17, 33)]
    [InlineData(33, 1)]
    public void Dense_OddWidths_MatchCentralDifferences(int inputs, int outputs)
    {
        GradientCheck.CheckLayer(new Dense<double>(inputs, outputs, seed: inputs + outputs), batch: 3, seed: 23);
    }
}
