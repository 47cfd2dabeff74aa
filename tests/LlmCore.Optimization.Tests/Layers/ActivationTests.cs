using LlmCore.Optimization.Layers;
using LlmCore.Optimization.Models;

namespace LlmCore.Optimization.Tests.Layers;

public class ActivationTests
{
    [Theory]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Gelu)]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Sigmoid)]
    public void Backward_FiniteDifferences_MatchAnalyticGradients(Activation activation)
    {
        // Random inputs in (−2, 2) stay away from ReLU's kink at 0 by more than the FD step with this seed.
        GradientCheck.CheckLayer(ModelFactory.CreateActivation<double>(activation, 6), batch: 3, seed: 20);
    }

    [Theory]
    // torch.nn.functional.gelu (approximate='none'): gelu(1) = 0.8413447460685429, gelu(-1) = -0.15865525393145707,
    // gelu(0.5) = 0.3457312306370206 (x·Φ(x) with Φ from the normal CDF tables).
    [InlineData(Activation.Gelu, 1.0, 0.8413447460685429)]
    [InlineData(Activation.Gelu, -1.0, -0.15865525393145707)]
    [InlineData(Activation.Gelu, 0.5, 0.3457312306370206)]
    [InlineData(Activation.Sigmoid, 0.0, 0.5)]
    [InlineData(Activation.Sigmoid, 2.0, 0.8807970779778823)] // 1/(1+e^-2)
    [InlineData(Activation.Tanh, 1.0, 0.7615941559557649)] // tanh 1
    [InlineData(Activation.Relu, -3.0, 0.0)]
    [InlineData(Activation.Relu, 2.5, 2.5)]
    public void Forward_KnownValues_Match(Activation activation, double x, double expected)
    {
        var layer = ModelFactory.CreateActivation<double>(activation, 1);
        var y = new double[1];
        layer.Forward([x], y, 1);
        Assert.Equal(expected, y[0], 1e-12);
    }
}
