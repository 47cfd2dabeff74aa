using LlmCore.Optimization.Internal;
using LlmCore.Optimization.Optimizers;

namespace LlmCore.Optimization.Tests.Optimizers;

/// <summary>The shared per-element loop of the scalar optimizers: weight decay as PyTorch applies it, and no allocation per step.</summary>
public class ElementwiseUpdateTests
{
    [Theory]
    [InlineData((int)WeightDecayMode.None)]
    [InlineData((int)WeightDecayMode.L2)]
    [InlineData((int)WeightDecayMode.Decoupled)]
    public void Run_WeightDecayMode_GivesTheRuleWhatPyTorchWould(int modeValue)
    {
        var mode = (WeightDecayMode)modeValue;
        // torch/optim/adam.py (_single_tensor_adam): coupled grad = grad.add(param, alpha=weight_decay); decoupled
        // param.mul_(1 - lr * weight_decay); both before the moments. lr = 0.5, λ = 0.1, θ = [2, -4], g = [1, 3].
        double[] parameter = [2.0, -4.0];
        double[] gradient = [1.0, 3.0];
        var rule = new Recorder(new double[2], new double[2]);

        ElementwiseUpdate.Run<double, Recorder>(parameter, gradient, mode, 0.5, 0.1, ref rule);

        var (expectedTheta, expectedGrad) = mode switch
        {
            WeightDecayMode.L2 => (new[] { 2.0, -4.0 }, new[] { 1.0 + (0.1 * 2.0), 3.0 + (0.1 * -4.0) }),
            WeightDecayMode.Decoupled => (new[] { 2.0 * (1 - 0.05), -4.0 * (1 - 0.05) }, new[] { 1.0, 3.0 }),
            _ => (new[] { 2.0, -4.0 }, new[] { 1.0, 3.0 }),
        };
        Assert.Equal(expectedTheta, rule.Seen);
        Assert.Equal(expectedGrad, rule.Gradients);
        Assert.Equal(expectedTheta.Select(static t => t + 1), parameter);
        Assert.Equal(new[] { 1.0, 3.0 }, gradient);
    }

    [Theory]
    [InlineData(0.0, false, (int)WeightDecayMode.None)]
    [InlineData(0.0, true, (int)WeightDecayMode.None)]
    [InlineData(0.1, false, (int)WeightDecayMode.L2)]
    [InlineData(0.1, true, (int)WeightDecayMode.Decoupled)]
    public void Mode_ZeroDecayIsNone(double weightDecay, bool decoupled, int expected) =>
        Assert.Equal((WeightDecayMode)expected, ElementwiseUpdate.Mode(weightDecay, decoupled));

    public static TheoryData<string> Kinds() => ["rmsprop", "adagrad", "adadelta", "adamax", "nadam", "radam", "lamb", "lars"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Step_AfterWarmUp_AllocatesNothing(string kind)
    {
        var parameters = new[] { new Parameter<float>("w", Enumerable.Range(0, 333).Select(static i => (float)Math.Sin(i)).ToArray()) };
        parameters[0].Gradient.Fill(0.25f);
        var optimizer = OptimizerStateTests.Create(kind, parameters);
        for (var k = 0; k < 3; k++)
        {
            optimizer.Step();
        }

        Assert.Equal(0, SteadyStateAllocation.Fewest(() =>
        {
            optimizer.Step();
            optimizer.Step();
        }));
    }

    private readonly struct Recorder(double[] seen, double[] gradients) : IElementRule<double>
    {
        public double[] Seen => seen;

        public double[] Gradients => gradients;

        public double Apply(double parameter, double gradient, int i)
        {
            seen[i] = parameter;
            gradients[i] = gradient;
            return parameter + 1;
        }
    }
}
