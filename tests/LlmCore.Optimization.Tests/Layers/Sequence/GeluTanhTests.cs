using LlmCore.Optimization.Layers.Sequence;

namespace LlmCore.Optimization.Tests.Layers.Sequence;

/// <summary>
/// GELU's tanh form against PyTorch's formulas (<c>torch.nn.functional.gelu(approximate="tanh")</c>): the values and
/// derivatives below were evaluated in Python's <c>math</c> module (float64) from the forward formula and from the
/// backward formula of PyTorch's <c>aten/src/ATen/native/cpu/Activation.cpp</c> (GeluBackwardKernelImpl, tanh branch:
/// kBeta = √2·(2/√π)·½, kKappa = 0.044715, dx = dy·(½(1 + t) + ½x(1 − t²)·kBeta(1 + 3·kKappa·x²))), placed so that
/// they fall in the vector body (Vector&lt;double&gt;.Count = 4, Vector&lt;float&gt;.Count = 8 on AVX2) and in the scalar
/// tail, across the kernels' 512-value chunks and across the layer's parallel chunks.
/// </summary>
public class GeluTanhTests
{
    private static readonly double[] s_x = [-3.0, -1.0, -0.25, 0.0, 0.5, 1.0, 2.0, 4.0];

    private static readonly double[] s_y =
        [-0.0036373920817729943, -0.15880800939172324, -0.100324649298315, 0.0, 0.34571400982514394, 0.8411919906082768, 1.954597694087775, 3.9999297540518075];

    private static readonly double[] s_derivative =
        [-0.011584166630969516, -0.08296408384578252, 0.30464590484893955, 0.5, 0.8673699035346424, 1.0829640838457826, 1.0860992566236183, 1.000335123197122];

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(17)]
    [InlineData(33)]
    public void ForwardAndBackward_TorchValues_Double(int n)
    {
        var (x, dy) = Inputs(n);
        var y = new double[n];
        var dx = new double[n];
        GeluTanh.Forward<double>(x, y);
        GeluTanh.Backward<double>(x, dy, dx);
        var yRef = new double[n];
        var dxRef = new double[n];
        GeluTanh.ForwardScalar<double>(x, yRef);
        GeluTanh.BackwardScalar<double>(x, dy, dxRef);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(s_y[i % 8], y[i], 1e-15);
            Assert.Equal(s_y[i % 8], yRef[i], 1e-15);
            Assert.Equal(s_derivative[i % 8] * dy[i], dx[i], 1e-14);
            Assert.Equal(s_derivative[i % 8] * dy[i], dxRef[i], 1e-14);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(17)]
    [InlineData(33)]
    public void ForwardAndBackward_TorchValues_Float(int n)
    {
        // float32 rounding: a few ulps of values of order 1 (1e-6 is about eight ulps).
        var (x, dy) = Inputs(n);
        var xf = x.Select(v => (float)v).ToArray();
        var dyf = dy.Select(v => (float)v).ToArray();
        var y = new float[n];
        var dx = new float[n];
        GeluTanh.Forward<float>(xf, y);
        GeluTanh.Backward<float>(xf, dyf, dx);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(s_y[i % 8], y[i], 1e-6);
            Assert.Equal(s_derivative[i % 8] * dy[i], dx[i], 2e-6);
        }
    }

    [Theory]
    [InlineData(511)]
    [InlineData(512)]
    [InlineData(513)]
    [InlineData(1031)]
    public void Kernels_AcrossChunkBoundaries_MatchScalarReference(int n)
    {
        // The kernels work on 512-value chunks; every chunk, including a last short one, must be processed.
        var x = SequenceHarness.Random(n, n, 5.0);
        var dy = SequenceHarness.Random(n, n + 1);
        var y = Enumerable.Repeat(double.NaN, n).ToArray();
        var dx = Enumerable.Repeat(double.NaN, n).ToArray();
        var yRef = new double[n];
        var dxRef = new double[n];
        GeluTanh.Forward<double>(x, y);
        GeluTanh.Backward<double>(x, dy, dx);
        GeluTanh.ForwardScalar<double>(x, yRef);
        GeluTanh.BackwardScalar<double>(x, dy, dxRef);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(yRef[i], y[i], 1e-14);
            Assert.Equal(dxRef[i], dx[i], 1e-13);
        }

        var xf = x.Select(v => (float)v).ToArray();
        var dyf = dy.Select(v => (float)v).ToArray();
        var yf = Enumerable.Repeat(float.NaN, n).ToArray();
        var dxf = Enumerable.Repeat(float.NaN, n).ToArray();
        GeluTanh.Forward<float>(xf, yf);
        GeluTanh.Backward<float>(xf, dyf, dxf);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(yRef[i], yf[i], 2e-5);
            Assert.Equal(dxRef[i], dxf[i], 2e-5);
        }
    }

    [Fact]
    public void Layer_AboveTheParallelThreshold_EveryChunkMatchesScalarReference()
    {
        // 3·41·337 = 41,451 values ≥ SequenceParallel.Threshold (32,768): ⌈41,451 / 8,192⌉ = 6 chunks of unequal size.
        const int batch = 3;
        const int length = 41;
        const int width = 337;
        var n = batch * length * width;
        Assert.True(SequenceParallel.Chunks(n, 8192) == 6);
        var layer = new GeluTanhLayer<double>(width);
        Assert.Empty(layer.Parameters);
        Assert.Equal(width, layer.InputWidth);
        Assert.Equal(width, layer.OutputWidth);
        var x = SequenceHarness.Random(n, 77, 4.0);
        var dy = SequenceHarness.Random(n, 78);
        layer.Forward(x, batch, length, ForwardPass.Inference);
        layer.PlanBackward(true);
        layer.Backward(dy, new BackwardContext<double>());
        var yRef = new double[n];
        var dxRef = new double[n];
        GeluTanh.ForwardScalar<double>(x, yRef);
        GeluTanh.BackwardScalar<double>(x, dy, dxRef);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(yRef[i], layer.Output[i], 1e-14);
            Assert.Equal(dxRef[i], layer.InputGradient[i], 1e-13);
        }
    }

    [Fact]
    public void Layer_NothingBelowNeedsAGradient_SkipsTheBackwardPass()
    {
        // SequenceLayer.Backward returns at once when neither an input gradient nor a trainable parameter is wanted.
        var layer = new GeluTanhLayer<double>(3);
        layer.Forward([1.0, 2.0, 3.0], 1, 1, ForwardPass.Inference);
        layer.PlanBackward(false);
        Assert.False(layer.NeedsInputGradient);
        Assert.False(layer.HasTrainable);
        layer.Backward([1.0, 1.0, 1.0], new BackwardContext<double>());
        Assert.Empty(layer.InputGradient);
    }

    private static (double[] X, double[] Dy) Inputs(int n) =>
        (Enumerable.Range(0, n).Select(i => s_x[i % 8]).ToArray(), Enumerable.Range(0, n).Select(i => 1 + (0.5 * (i % 3))).ToArray());
}
