using LlmCore.Optimization.Layers;
using LlmCore.Optimization.Models;

namespace LlmCore.Optimization.Tests.Layers;

/// <summary>
/// The activation layers' values and derivatives against PyTorch 1.13 autograd in float64
/// (<c>torch.nn.functional.gelu</c> (exact erf form), <c>torch.sigmoid</c>, <c>torch.tanh</c>, <c>torch.relu</c>;
/// gradients of <c>y.sum()</c> by <c>torch.autograd.grad</c>), ReLU's derivative at 0 (PyTorch's
/// <c>threshold_backward</c> passes the gradient only where x &gt; 0) in the vector body and the scalar tail, and the
/// layers' guards (size ≥ 1, an empty input gradient for a first layer, lengths naming the span).
/// </summary>
public class LayersMutationGapTests
{
    private static readonly double[] s_x = [-2.0, -0.5, 0.3, 1.0, 3.0];

    public static TheoryData<Activation, double[], double[]> TorchValues() => new()
    {
        {
            Activation.Gelu,
            [-0.04550026389635842, -0.15426876936299344, 0.1853734266566858, 0.841344746068543, 2.99595030590511],
            [-0.08523180107819692, 0.13250487534383712, 0.7323277668271099, 1.0833154705876864, 1.011945647204184]
        },
        {
            Activation.Sigmoid,
            [0.11920292202211755, 0.3775406687981454, 0.574442516811659, 0.7310585786300049, 0.9525741268224334],
            [0.1049935854035065, 0.2350037122015945, 0.24445831169074586, 0.19661193324148185, 0.045176659730912]
        },
        {
            Activation.Tanh,
            [-0.9640275800758169, -0.46211715726000974, 0.2913126124515909, 0.7615941559557649, 0.9950547536867305],
            [0.07065082485316443, 0.7864477329659274, 0.9151369618266292, 0.41997434161402614, 0.009866037165440166]
        },
        { Activation.Relu, [0.0, 0.0, 0.3, 1.0, 3.0], [0.0, 0.0, 1.0, 1.0, 1.0] },
    };

    [Theory]
    [MemberData(nameof(TorchValues))]
    public void ForwardAndBackward_MatchTorchAutograd(Activation activation, double[] values, double[] derivatives)
    {
        // The output gradient 2 scales every derivative (the chain rule), so a layer that ignores it fails.
        var layer = ModelFactory.CreateActivation<double>(activation, s_x.Length);
        var y = new double[s_x.Length];
        layer.Forward(s_x, y, 1);
        var dx = new double[s_x.Length];
        layer.Backward(s_x, y, Enumerable.Repeat(2.0, s_x.Length).ToArray(), dx, 1, 1.0, null);
        for (var i = 0; i < s_x.Length; i++)
        {
            Assert.Equal(values[i], y[i], 1e-14);
            Assert.Equal(2 * derivatives[i], dx[i], 1e-14);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    public void ReluBackward_AtZero_PassesNothing(int n)
    {
        // Zeros (and −0) sit in the vector body and in the scalar tail; positive inputs pass the gradient through.
        var input = Enumerable.Range(0, n).Select(static i => i % 3 == 0 ? 0.0 : i % 3 == 1 ? -0.0 : i).ToArray();
        var layer = ModelFactory.CreateActivation<double>(Activation.Relu, n);
        var y = new double[n];
        layer.Forward(input, y, 1);
        var dx = new double[n];
        layer.Backward(input, y, Enumerable.Repeat(5.0, n).ToArray(), dx, 1, 1.0, null);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(input[i] > 0 ? 5.0 : 0.0, dx[i]);
        }
    }

    [Theory]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Gelu)]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Sigmoid)]
    public void Backward_EmptyInputGradient_IsAllowedForAFirstLayer(Activation activation)
    {
        var layer = ModelFactory.CreateActivation<double>(activation, 3);
        double[] x = [1, 2, 3];
        var y = new double[3];
        layer.Forward(x, y, 1);
        layer.Backward(x, y, [1, 1, 1], Span<double>.Empty, 1, 1.0, null);
        Assert.Equal(3, layer.OutputSize);
        Assert.Empty(layer.Parameters);
    }

    [Theory]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Gelu)]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Sigmoid)]
    public void Constructor_SizeBelowOne_Throws(Activation activation)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelFactory.CreateActivation<double>(activation, 0));
        Assert.Equal(1, ModelFactory.CreateActivation<double>(activation, 1).InputSize);
    }

    [Fact]
    public void Guards_WrongLengths_NameTheSpan()
    {
        var layer = ModelFactory.CreateActivation<double>(Activation.Tanh, 3);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => layer.Forward(new double[4], new double[3], 1)).ParamName);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => layer.Forward(new double[3], new double[2], 1)).ParamName);
        Assert.Equal("outputGradient", Assert.Throws<ArgumentException>(() => layer.Backward(new double[3], new double[3], new double[2], new double[3], 1, 1.0, null)).ParamName);
        Assert.Equal("inputGradient", Assert.Throws<ArgumentException>(() => layer.Backward(new double[3], new double[3], new double[3], new double[2], 1, 1.0, null)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => layer.Forward([], [], -1));

        // Batch 2 of size 3: six elements each.
        layer.Forward(new double[6], new double[6], 2);
    }
}
