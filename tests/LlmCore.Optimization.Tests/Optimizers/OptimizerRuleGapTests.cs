using LlmCore.Optimization.Optimizers;

namespace LlmCore.Optimization.Tests.Optimizers;

/// <summary>
/// Rules and branches that neither tests/reference file reaches, worked by hand from the cited sources:
/// NAdam's and RAdam's decoupled weight decay (torch/optim/nadam.py and radam.py of 2.x: <c>param.mul_(1 − lr·λ)</c>
/// before the update), Lion's sign and decay (lucidrains/lion-pytorch), LARS's and LAMB's zero-norm trust ratio
/// (optax/_src/transform.py scale_by_trust_ratio: the ratio is 1 when either norm is 0) and LARS's Nesterov step, and
/// Muon (torch/optim/_muon.py: momentum by lerp, Newton–Schulz orthogonalisation with the quintic
/// (3.4445, −4.7750, 2.0315), the learning rate times √max(1, rows/cols), decoupled decay), and Adafactor's first step
/// (torch/optim/_adafactor.py: β₂,₁ = 1^c = 1 so the variance is g² and the update sign(g); α = max(ε₂, RMS(θ))·min(lr, 1);
/// decoupled decay θ·(1 − lr·λ); the update divided by max(1, RMS(u)/d); a tensor of rank 3 factored per leading index).
/// </summary>
public class OptimizerRuleGapTests
{
    [Fact]
    public void NAdam_DecoupledWeightDecay_FirstStepDecaysThenSteps()
    {
        // θ₁ = θ₀(1 − lr·λ) − lr(1 − μ₁)/(1 − μ₁)·g/d − lr·μ₂/(1 − μ₁μ₂)·m/d, m = 0.1g, d = |g| + ε; the gradient is g alone.
        const double Lr = 0.1, Wd = 0.5, G = 2.0;
        var mu1 = 0.9 * (1 - (0.5 * Math.Pow(0.96, 0.004)));
        var mu2 = 0.9 * (1 - (0.5 * Math.Pow(0.96, 0.008)));
        var d = Math.Sqrt(0.001 * G * G / 0.001) + 1e-8;
        var expected = (3.0 * (1 - (Lr * Wd))) - (Lr * G / d) - (Lr * mu2 / (1 - (mu1 * mu2)) * (0.1 * G) / d);
        var p = new Parameter<double>("w", [3.0]);
        var nadam = new NAdam<double>([p], Lr, weightDecay: Wd, decoupledWeightDecay: true);
        p.Gradient[0] = G;
        nadam.Step();
        Assert.Equal(expected, p.Values[0], 14);
    }

    [Fact]
    public void RAdam_DecoupledWeightDecay_UnrectifiedStepDecaysThenMoves()
    {
        // Step 1 (ρ₁ = 1 ≤ 5): θ₁ = θ₀(1 − lr·λ) − lr·m̂, m̂ = g.
        var p = new Parameter<double>("w", [3.0]);
        var radam = new RAdam<double>([p], 0.1, weightDecay: 0.5, decoupledWeightDecay: true);
        p.Gradient[0] = 2.0;
        radam.Step();
        Assert.Equal((3.0 * 0.95) - (0.1 * 2.0), p.Values[0], 14);
    }

    [Fact]
    public void RAdam_L2WeightDecay_AddsToTheGradient()
    {
        // Without decoupling, g ← g + λθ = 2 + 0.5·3 and θ₁ = θ₀ − lr·g.
        var p = new Parameter<double>("w", [3.0]);
        var radam = new RAdam<double>([p], 0.1, weightDecay: 0.5);
        p.Gradient[0] = 2.0;
        radam.Step();
        Assert.Equal(3.0 - (0.1 * 3.5), p.Values[0], 14);
    }

    [Fact]
    public void Lion_SignOfInterpolationAndDecay_ThreeStepsByHand()
    {
        // c = β₁m + (1 − β₁)g; θ ← θ(1 − lr·λ) − lr·sign(c); m ← β₂m + (1 − β₂)g; β = (0.9, 0.99). One element per
        // lane kind: a tensor of 9 runs a Vector<double> body of 8 and a scalar tail of 1, with the same values.
        const double Lr = 0.1, Wd = 0.5;
        var p = new Parameter<double>("w", Enumerable.Repeat(1.0, 9).ToArray());
        var lion = new Lion<double>([p], Lr, weightDecay: Wd);
        double[] gradients = [2.0, -1.0, 0.0];

        // Step 1: c = 0.2 > 0; m = 0.02. Step 2: c = 0.018 − 0.1 < 0; m = 0.0198 − 0.01 = 0.0098.
        // Step 3: c = 0.00882 > 0 (g = 0 leaves the sign to the momentum).
        double[] signs = [1, -1, 1];
        var theta = 1.0;
        for (var step = 0; step < 3; step++)
        {
            p.Gradient.Fill(gradients[step]);
            lion.Step();
            theta = (theta * (1 - (Lr * Wd))) - (Lr * signs[step]);
            Assert.All(p.Values.ToArray(), v => Assert.Equal(theta, v, 14));
        }
    }

    [Fact]
    public void Lion_ZeroGradientAndMomentum_OnlyDecays()
    {
        // sign(0) = 0 (torch.sign): with m = 0 and g = 0 the parameter only decays.
        var p = new Parameter<double>("w", Enumerable.Repeat(2.0, 9).ToArray());
        var lion = new Lion<double>([p], 0.1, weightDecay: 0.5);
        lion.Step();
        Assert.All(p.Values.ToArray(), v => Assert.Equal(2.0 * 0.95, v, 15));
    }

    [Fact]
    public void Lars_ZeroParameterNorm_TrustRatioIsOne()
    {
        // θ = 0: ‖θ‖ = 0, so the ratio is 1 and θ₁ = −lr·g (momentum trace starts at 0).
        var p = new Parameter<double>("w", [0.0, 0.0]);
        var lars = new Lars<double>([p], 0.1);
        p.Gradient[0] = 3;
        p.Gradient[1] = 4;
        lars.Step();
        Assert.Equal([-0.3, -0.4], p.Values.ToArray().Select(static v => Math.Round(v, 14)));
    }

    [Fact]
    public void Lars_ZeroUpdateNorm_LeavesParametersFinite()
    {
        // u = 0 with ε = 0: c·‖θ‖/(‖u‖ + ε) would be +∞ and 0·∞ NaN; the ratio is 1 and nothing moves.
        var p = new Parameter<double>("w", [1.0, 2.0]);
        var lars = new Lars<double>([p], 0.1);
        lars.Step();
        Assert.Equal([1.0, 2.0], p.Values.ToArray());
    }

    [Fact]
    public void Lars_Nesterov_TwoStepsByHand()
    {
        // u = −lr·ratio·(g + λθ), b ← u + μb, θ ← θ + u + μb; ratio = c‖θ‖/‖u‖ with ε = 0.
        const double Lr = 0.5, Mu = 0.9, C = 0.1;
        var p = new Parameter<double>("w", [3.0, 4.0]);
        var lars = new Lars<double>([p], Lr, trustCoefficient: C, momentum: Mu, nesterov: true);
        var theta = new[] { 3.0, 4.0 };
        var trace = new double[2];
        double[][] gradients = [[0.6, 0.8], [-1.2, 0.5]];
        foreach (var g in gradients)
        {
            g.CopyTo(p.Gradient);
            lars.Step();
            var ratio = C * Norm(theta) / Norm(g);
            for (var i = 0; i < 2; i++)
            {
                var u = -Lr * ratio * g[i];
                trace[i] = u + (Mu * trace[i]);
                theta[i] += u + (Mu * trace[i]);
            }

            Assert.Equal(theta[0], p.Values[0], 13);
            Assert.Equal(theta[1], p.Values[1], 13);
        }
    }

    [Fact]
    public void Lamb_ZeroParameterNorm_TrustRatioIsOne()
    {
        // θ = 0: m̂ = g, v̂ = g², u = g/(|g| + 10⁻⁶), ratio 1, θ₁ = −lr·u.
        var p = new Parameter<double>("w", [0.0, 0.0]);
        var lamb = new Lamb<double>([p], 0.1);
        p.Gradient[0] = 3;
        p.Gradient[1] = -4;
        lamb.Step();
        Assert.Equal(1.0, lamb.LastTrustRatio);
        Assert.Equal(-0.1 * 3 / (3 + 1e-6), p.Values[0], 14);
        Assert.Equal(0.1 * 4 / (4 + 1e-6), p.Values[1], 14);
    }

    [Fact]
    public void Lamb_TrustRatio_IsParameterNormOverUpdateNorm()
    {
        // θ = (3, 4), g = (1, 1), λ = 0.5: u = g/(|g| + 10⁻⁶) + λθ, ratio = ‖θ‖/‖u‖ = 5/‖u‖.
        var p = new Parameter<double>("w", [3.0, 4.0]);
        var lamb = new Lamb<double>([p], 0.1, weightDecay: 0.5);
        p.Gradient.Fill(1);
        lamb.Step();
        var s = 1 / (1 + 1e-6);
        double[] u = [s + 1.5, s + 2.0];
        var ratio = 5 / Norm(u);
        Assert.Equal(ratio, lamb.LastTrustRatio, 14);
        Assert.Equal(3 - (0.1 * ratio * u[0]), p.Values[0], 14);
        Assert.Equal(4 - (0.1 * ratio * u[1]), p.Values[1], 14);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Muon_DiagonalGradients_TwoStepsBySingularValues(bool nesterov)
    {
        // A diagonal matrix's Newton–Schulz iterate is diagonal: each entry d/‖D‖_F goes through p(x) = ax + bx³ + cx⁵
        // five times (odd, so signs stay). Two steps with different diagonals tell the momentum forms apart.
        const double Lr = 0.1, Wd = 0.2, Mu = 0.95;
        var p = new Parameter<double>("w", [1.0, 0.0, 0.0, 1.0], 2, 2);
        var muon = new Muon<double>([p], Lr, Wd, Mu, nesterov);
        double[] theta = [1.0, 0.0, 0.0, 1.0];
        double[] buf = [0, 0];
        double[][] diagonals = [[3.0, 4.0], [4.0, -3.0]];
        foreach (var d in diagonals)
        {
            p.Gradient.Clear();
            p.Gradient[0] = d[0];
            p.Gradient[3] = d[1];
            muon.Step();
            var update = new double[2];
            for (var i = 0; i < 2; i++)
            {
                buf[i] += (1 - Mu) * (d[i] - buf[i]);
                update[i] = nesterov ? d[i] + (Mu * (buf[i] - d[i])) : buf[i];
            }

            var orthogonal = NewtonSchulzDiagonal(update);
            theta[0] = (theta[0] * (1 - (Lr * Wd))) - (Lr * orthogonal[0]);
            theta[3] = (theta[3] * (1 - (Lr * Wd))) - (Lr * orthogonal[1]);
            for (var k = 0; k < 4; k++)
            {
                Assert.Equal(theta[k], p.Values[k], 12);
            }
        }
    }

    [Theory]
    [InlineData(3, 2)]
    [InlineData(2, 3)]
    public void Muon_TallAndWideMatrices_ScaleByRowsOverColumns(int rows, int cols)
    {
        // G has 3 and 4 on its diagonal; its orthogonalised form has p⁵(0.6) and p⁵(0.8) there, and the step is
        // lr·√max(1, rows/cols) times it: √1.5 for 3×2 (the transposed path), 1 for 2×3.
        const double Lr = 0.1;
        var p = new Parameter<double>("w", new double[rows * cols], rows, cols);
        var muon = new Muon<double>([p], Lr, weightDecay: 0, nesterov: false);
        p.Gradient[0] = 3;
        p.Gradient[cols + 1] = 4;
        muon.Step();
        var orthogonal = NewtonSchulzDiagonal([3.0, 4.0]);
        var scale = Lr * Math.Sqrt(Math.Max(1.0, (double)rows / cols));
        var expected = new double[rows * cols];
        expected[0] = -scale * orthogonal[0];
        expected[cols + 1] = -scale * orthogonal[1];
        for (var k = 0; k < expected.Length; k++)
        {
            Assert.Equal(expected[k], p.Values[k], 12);
        }
    }

    [Fact]
    public void Muon_NotAMatrix_ThrowsNamingTheParameter()
    {
        var p = new Parameter<double>("bias", [1.0, 2.0]);
        var muon = new Muon<double>([p]);
        var ex = Assert.Throws<InvalidOperationException>(muon.Step);
        Assert.Contains("'bias'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(0.5, 2.0)]
    public void Adafactor_VectorFirstStep_DecaysAndClipsByHand(double clipThreshold, double divisor)
    {
        // θ = (3, 4): RMS = √12.5; g = (1, −2): u = sign(g), RMS(u) = 1, so the divisor is max(1, 1/d).
        const double Lr = 0.1, Wd = 0.5;
        var p = new Parameter<double>("w", [3.0, 4.0]);
        var adafactor = new Adafactor<double>([p], Lr, clipThreshold: clipThreshold, weightDecay: Wd);
        p.Gradient[0] = 1;
        p.Gradient[1] = -2;
        adafactor.Step();
        var alpha = Math.Sqrt(12.5) * Lr / divisor;
        Assert.Equal((3 * (1 - (Lr * Wd))) - alpha, p.Values[0], 13);
        Assert.Equal((4 * (1 - (Lr * Wd))) + alpha, p.Values[1], 13);
    }

    [Fact]
    public void Adafactor_ZeroParameters_StepIsEpsilon2TimesLearningRate()
    {
        // RMS(θ) = 0 < ε₂ = 10⁻³, so α = ε₂·lr.
        var p = new Parameter<double>("w", [0.0, 0.0, 0.0]);
        var adafactor = new Adafactor<double>([p], 0.1);
        p.Gradient[0] = 2;
        p.Gradient[1] = -3;
        p.Gradient[2] = 0.5;
        adafactor.Step();
        Assert.Equal(-1e-4, p.Values[0], 1e-18);
        Assert.Equal(1e-4, p.Values[1], 1e-18);
        Assert.Equal(-1e-4, p.Values[2], 1e-18);
    }

    [Fact]
    public void Adafactor_Rank3_FactorsEachLeadingIndex()
    {
        // Shape 2×2×3, gradient 1 in slice 0 and 2 in slice 1: in each slice the row and column means of g² factor g²
        // exactly (v = r·c/mean(r) = g²), so u = 1 everywhere and θ₁ = θ₀ − α with α = RMS(θ₀)·lr = 1·0.1.
        var p = new Parameter<double>("w", Enumerable.Repeat(1.0, 12).ToArray(), 2, 2, 3);
        var adafactor = new Adafactor<double>([p], 0.1);
        for (var k = 0; k < 12; k++)
        {
            p.Gradient[k] = k < 6 ? 1 : 2;
        }

        adafactor.Step();
        Assert.All(p.Values.ToArray(), static v => Assert.Equal(0.9, v, 14));
    }

    private static double[] NewtonSchulzDiagonal(double[] diagonal)
    {
        var norm = Norm(diagonal);
        return diagonal.Select(d =>
        {
            var x = d / norm;
            for (var k = 0; k < 5; k++)
            {
                x = (3.4445 * x) + (-4.7750 * x * x * x) + (2.0315 * x * x * x * x * x);
            }

            return x;
        }).ToArray();
    }

    private static double Norm(double[] v) => Math.Sqrt(v.Sum(static x => x * x));
}
