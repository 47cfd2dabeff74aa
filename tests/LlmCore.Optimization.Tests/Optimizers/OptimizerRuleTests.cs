using LlmCore.Optimization.Optimizers;

namespace LlmCore.Optimization.Tests.Optimizers;

/// <summary>
/// First steps worked by hand from the update rules documented at pytorch.org/docs/stable/generated/torch.optim.*.html
/// (and Optax's lars), for the rules the reference file does not cover; g is the constant gradient 2 from θ = 1.
/// </summary>
public class OptimizerRuleTests
{
    private const double G = 2.0;

    [Fact]
    public void Adamax_FirstStep_IsLrTimesSign()
    {
        // m = 0.1g, u = |g| + ε, θ ← θ − (lr/0.1)·m/u.
        var expected = 1 - (2e-3 / 0.1 * (0.1 * G) / (G + 1e-8));
        Assert.Equal(expected, First(ps => new Adamax<double>(ps)), 15);
    }

    [Fact]
    public void Adadelta_FirstStep_MatchesRule()
    {
        // v = 0.1g², δ = √ε/√(v + ε)·g, θ ← θ − δ.
        var delta = Math.Sqrt(1e-6) / Math.Sqrt((0.1 * G * G) + 1e-6) * G;
        Assert.Equal(1 - delta, First(ps => new Adadelta<double>(ps)), 15);
    }

    [Fact]
    public void NAdam_FirstStep_MatchesRule()
    {
        var mu1 = 0.9 * (1 - (0.5 * Math.Pow(0.96, 0.004)));
        var mu2 = 0.9 * (1 - (0.5 * Math.Pow(0.96, 0.008)));
        var denom = Math.Sqrt(0.001 * G * G / 0.001) + 1e-8;
        var expected = 1 - (2e-3 * (1 - mu1) / (1 - mu1) * G / denom) - (2e-3 * mu2 / (1 - (mu1 * mu2)) * (0.1 * G) / denom);
        Assert.Equal(expected, First(ps => new NAdam<double>(ps)), 14);
    }

    [Fact]
    public void RAdam_FirstFiveSteps_AreSgdWithBiasCorrectedMomentum()
    {
        // ρ_t ≤ 5 for t ≤ 5 with β₂ = 0.999: θ ← θ − lr·m̂ and m̂ = g for a constant gradient.
        var p = new Parameter<double>("w", [1.0]);
        var radam = new RAdam<double>([p], 0.01);
        for (var t = 1; t <= 5; t++)
        {
            p.Gradient[0] = G;
            radam.Step();
            Assert.Equal(1 - (0.01 * G * t), p.Values[0], 12);
        }

        p.Gradient[0] = G;
        radam.Step();
        Assert.NotEqual(1 - (0.01 * G * 6), p.Values[0], 6);
    }

    [Fact]
    public void Lars_FirstStep_MatchesOptaxRule()
    {
        // u = g + λθ; u·c·‖θ‖/‖u‖; θ ← θ − lr·u (trace starts at 0).
        var u = G + (0.1 * 1);
        var expected = 1 - (0.5 * u * 1e-3 * 1 / u);
        Assert.Equal(expected, First(ps => new Lars<double>(ps, 0.5, weightDecay: 0.1)), 15);
    }

    [Fact]
    public void RmsPropCenteredMomentum_FirstStep_MatchesRule()
    {
        // v = 0.01g², ḡ = 0.01g, avg = √(v − ḡ²) + ε, b = g/avg, θ ← θ − lr·b.
        var v = 0.01 * G * G;
        var a = 0.01 * G;
        var avg = Math.Sqrt(v - (a * a)) + 1e-8;
        Assert.Equal(1 - (0.01 * (G / avg)), First(ps => new RmsProp<double>(ps, momentum: 0.9, centered: true)), 12);
    }

    [Fact]
    public void AdagradLrDecay_SecondStep_UsesDecayedRate()
    {
        var p = new Parameter<double>("w", [1.0]);
        var adagrad = new Adagrad<double>([p], 0.1, learningRateDecay: 0.5, initialAccumulatorValue: 0.1);
        p.Gradient[0] = G;
        adagrad.Step();
        var after1 = 1 - (0.1 * G / (Math.Sqrt(0.1 + (G * G)) + 1e-10));
        Assert.Equal(after1, p.Values[0], 15);
        p.Gradient[0] = G;
        adagrad.Step();
        Assert.Equal(after1 - (0.1 / 1.5 * G / (Math.Sqrt(0.1 + (2 * G * G)) + 1e-10)), p.Values[0], 15);
    }

    [Fact]
    public void SgdDampeningWeightDecay_SecondStep_MatchesRule()
    {
        // Step 1: b = g + λθ (no dampening); step 2: b = μb + (1 − τ)(g + λθ).
        var p = new Parameter<double>("w", [1.0]);
        var sgd = new Sgd<double>([p], 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01);
        p.Gradient[0] = G;
        sgd.Step();
        var b1 = G + 0.01;
        var t1 = 1 - (0.1 * b1);
        Assert.Equal(t1, p.Values[0], 15);
        p.Gradient[0] = G;
        sgd.Step();
        var b2 = (0.9 * b1) + (0.9 * (G + (0.01 * t1)));
        Assert.Equal(t1 - (0.1 * b2), p.Values[0], 15);
    }

    [Fact]
    public void AmsGrad_DecreasingGradient_UsesMaximumOfRawSecondMoment()
    {
        var p = new Parameter<double>("w", [0.0]);
        var adam = new Adam<double>([p], 0.1, amsGrad: true);
        p.Gradient[0] = 10;
        adam.Step();
        p.Gradient[0] = 0;
        adam.Step();

        // Step 2: m = 0.09·10... v = 0.999·0.1 = 0.0999 < v_max = 0.1, so v_max = 0.1 divides.
        var m = 0.9 * 1.0;
        var step1 = -0.1 * 10 / (Math.Sqrt(100) + 1e-8);
        var denom = (Math.Sqrt(0.1) / Math.Sqrt(1 - (0.999 * 0.999))) + 1e-8;
        Assert.Equal(step1 - (0.1 / (1 - 0.81) * m / denom), p.Values[0], 12);
    }

    public static TheoryData<string, Action> BadInputs() => new()
    {
        { "learningRate", () => _ = new Adam<float>([P()], learningRate: -1) },
        { "beta1", () => _ = new Adam<float>([P()], beta1: 1.0) },
        { "beta2", () => _ = new AdamW<float>([P()], beta2: -0.1) },
        { "epsilon", () => _ = new Adam<float>([P()], epsilon: 0) },
        { "epsilon", () => _ = new RmsProp<float>([P()], epsilon: -1e-8) },
        { "beta1", () => _ = new Lion<float>([P()], beta1: double.NaN) },
        { "weightDecay", () => _ = new Sgd<float>([P()], weightDecay: -1) },
        { "momentum", () => _ = new Muon<float>([P()], momentum: 1) },
        { "learningRate", () => _ = new Lamb<float>([P()], learningRate: double.PositiveInfinity) },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Constructor_BadHyperparameter_ThrowsNamingIt(string name, Action create)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(create);
        Assert.Equal(name, ex.ParamName);
    }

    [Fact]
    public void Parameter_MismatchedShape_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>("shape", () => new Parameter<float>("w", [1f, 2f, 3f], 2, 2));
    }

    private static Parameter<float> P() => new("w", [1f, 2f]);

    private static double First(Func<Parameter<double>[], IOptimizer<double>> create)
    {
        var p = new Parameter<double>("w", [1.0]);
        var optimizer = create([p]);
        p.Gradient[0] = G;
        optimizer.Step();
        return p.Values[0];
    }
}
