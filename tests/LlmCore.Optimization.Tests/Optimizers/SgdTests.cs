using LlmCore.Optimization.Optimizers;

namespace LlmCore.Optimization.Tests.Optimizers;

public class SgdTests
{
    // torch.optim.SGD documentation (https://pytorch.org/docs/stable/generated/torch.optim.SGD.html):
    // the first momentum step sets b = g, later b = μb + (1 − τ)g, and θ ← θ − lr·b. Worked by hand for
    // f(x) = x²/2 (g = x) from x = 1 with lr = 0.1, μ = 0.9:
    // step 1: b = 1, x = 0.9; step 2: b = 0.9·1 + 0.9 = 1.8, x = 0.72; step 3: b = 1.62 + 0.72 = 2.34, x = 0.486.
    [Fact]
    public void Step_MomentumOnHalfSquare_MatchesHandWorkedTorchRule()
    {
        var x = new Parameter<double>("x", [1.0]);
        var sgd = new Sgd<double>([x], learningRate: 0.1, momentum: 0.9);
        var expected = new[] { 0.9, 0.72, 0.486 };

        foreach (var value in expected)
        {
            sgd.ZeroGrad();
            x.Gradient[0] = x.Values[0];
            sgd.Step();
            Assert.Equal(value, x.Values[0], 12);
        }
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Constructor_BadLearningRate_ThrowsNamingParameter(double lr)
    {
        var x = new Parameter<float>("x", [1f]);

        Assert.Throws<ArgumentOutOfRangeException>("learningRate", () => new Sgd<float>([x], learningRate: lr));
    }

    [Fact]
    public void SaveLoad_MidRun_ContinuesBitIdentically()
    {
        var a = new Parameter<float>("w", [1f, -2f, 3f]);
        var b = new Parameter<float>("w", [1f, -2f, 3f]);
        var first = new Sgd<float>([a], 0.01, momentum: 0.9, nesterov: true);
        var second = new Sgd<float>([b], 0.01, momentum: 0.9, nesterov: true);

        Run(first, a, 5);
        using var state = new MemoryStream();
        first.SaveState(state);
        a.Values.CopyTo(b.Values);
        state.Position = 0;
        second.LoadState(state);
        Run(first, a, 5);
        Run(second, b, 5);

        Assert.Equal(a.Values.ToArray(), b.Values.ToArray());
        Assert.Equal(first.StepCount, second.StepCount);
    }

    private static void Run(Sgd<float> sgd, Parameter<float> p, int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            sgd.ZeroGrad();
            for (var j = 0; j < p.Length; j++)
            {
                p.Gradient[j] = 2 * p.Values[j];
            }

            sgd.Step();
        }
    }
}
