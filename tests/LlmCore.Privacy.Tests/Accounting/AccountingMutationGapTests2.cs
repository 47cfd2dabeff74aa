using LlmCore.Privacy.Accounting.Internal;
using MathNet.Numerics.Distributions;

namespace LlmCore.Privacy.Tests.Accounting;

/// <summary>
/// The PLD accountant's privacy-loss variables against a reference model built from the densities alone
/// (scripts/quality/mutation.sh privacy Accounting, docs/quality.md). For the remove direction the loss is
/// ℓ(x) = ln μ(x)/μ₀(x) with x ~ μ = (1 − q)μ₀ + qμ₁ (upper) and x ~ μ₀ (lower); the add direction is −ℓ with the roles
/// swapped (dp_accounting's <c>privacy_loss_mechanism</c> conventions; μ₀, μ₁ the mechanism's output centred at 0 and 1).
/// A point x gives the loss v = ℓ(x) directly, and since ℓ is increasing in x every tail probability at v is a CDF at x:
/// upper Sf(v) = (1 − q)(1 − F₀(x)) + q(1 − F₁(x)), lower SfLower(v) = 1 − F₀(x), and the hockey stick
/// δ(e^v) = Sf(v) − e^v·SfLower(v) (Balle and Wang 2018; Zhu, Dong and Wang 2022). The code under test inverts v itself
/// (log-ratios, standardisation, the mixture's log), so each method is checked against MathNet's normal CDF and the
/// Laplace CDF ½e^{(x−m)/b} / 1 − ½e^{−(x−m)/b}.
/// </summary>
public class AccountingMutationGapTests2
{
    public static TheoryData<double, double> GaussianCases => new()
    {
        { 1.0, 0.8 },
        { 1.0, 2.0 },
        { 0.3, 0.8 },
        { 0.3, 2.0 },
        { 0.01, 2.0 },
    };

    public static TheoryData<double, double> LaplaceCases => new()
    {
        { 1.0, 0.5 },
        { 1.0, 2.0 },
        { 0.3, 0.5 },
        { 0.3, 2.0 },
    };

    [Theory]
    [MemberData(nameof(GaussianCases))]
    public void GaussianLossVariables_MatchTheDensities(double q, double sigma)
    {
        var remove = new GaussianRemoveLoss(q, sigma);
        var add = new GaussianAddLoss(q, sigma);
        double F0(double x) => Normal.CDF(0, sigma, x);
        double F1(double x) => Normal.CDF(1, sigma, x);
        double LossAt(double x) => Math.Log((1 - q) + (q * Math.Exp(((2 * x) - 1) / (2 * sigma * sigma))));

        foreach (var x in new[] { -2.5 * sigma, -sigma, 0.0, 0.5, 1.0, 2 * sigma, 3.5 * sigma })
        {
            var v = LossAt(x);
            var upper = ((1 - q) * (1 - F0(x))) + (q * (1 - F1(x)));
            var lower = 1 - F0(x);
            Close(upper, remove.Sf(v), $"remove Sf at x = {x}");
            Close(1 - upper, remove.Cdf(v), $"remove Cdf at x = {x}");
            Close(lower, remove.SfLower(v), $"remove SfLower at x = {x}");
            Close(Math.Log(lower), remove.LogSfLower(v), $"remove LogSfLower at x = {x}");
            Close(Math.Max(0, upper - (Math.Exp(v) * lower)), remove.HockeyStick(v), $"remove δ at x = {x}");

            // Add: ℓ_add = −ℓ under μ₀, so ℓ_add > −v ⟺ X < x.
            var addUpper = F0(x);
            var addLower = ((1 - q) * F0(x)) + (q * F1(x));
            Close(addUpper, add.Sf(-v), $"add Sf at x = {x}");
            Close(1 - addUpper, add.Cdf(-v), $"add Cdf at x = {x}");
            Close(addLower, add.SfLower(-v), $"add SfLower at x = {x}");
            Close(Math.Max(0, addUpper - (Math.Exp(-v) * addLower)), add.HockeyStick(-v), $"add δ at x = {x}");
        }

        // The range: a sampled remove loss is never below ln(1 − q), a sampled add loss never above −ln(1 − q); beyond,
        // the tails are 0 or 1. Unsampled (q = 1) the loss is unbounded both ways.
        if (q < 1)
        {
            Assert.Equal(Math.Log(1 - q), remove.MinLoss, 14);
            Assert.Equal(-Math.Log(1 - q), add.MaxLoss, 14);
            var below = Math.Log(1 - q) - 0.01;
            Assert.Equal((0.0, 1.0, 1.0, 0.0), (remove.Cdf(below), remove.Sf(below), remove.SfLower(below), remove.LogSfLower(below)));
            Assert.Equal((1.0, 0.0, 0.0), (add.Cdf(-below), add.Sf(-below), add.SfLower(-below)));
        }
        else
        {
            Assert.Equal(double.NegativeInfinity, remove.MinLoss);
            Assert.Equal(double.PositiveInfinity, add.MaxLoss);
        }

        Assert.Equal(double.PositiveInfinity, remove.MaxLoss);
        Assert.Equal(double.NegativeInfinity, add.MinLoss);
    }

    // Balle and Wang (2018), Theorem 8: the Gaussian mechanism (sensitivity 1, noise σ) has
    // δ(ε) = Φ(1/(2σ) − εσ) − e^ε·Φ(−1/(2σ) − εσ). At σ = 1, ε = 1: Φ(−0.5) − e·Φ(−1.5) = 0.3085375 − 2.7182818·0.0668072
    // = 0.126937. Far in the tail (σ = 0.05, ε = 800 > 709, where e^ε overflows and the log form must take over):
    // δ = Φ(−30) − e^{800}Φ(−50), and since e^{800}φ(50) = φ(30), δ = φ(30)·(R(30) − R(50)) with Mills' ratio
    // R(z) = Φ(−z)/φ(z) = 1/z − 1/z³ + 3/z⁵ − 15/z⁷ + … (Abramowitz and Stegun 26.2.12), φ(30) = e^{−450}/√(2π): ≈ 1.97e-198.
    [Fact]
    public void GaussianHockeyStick_BalleWang_IncludingBeyondTheOverflowOfExp()
    {
        var loss = new GaussianRemoveLoss(1.0, 1.0);
        Assert.Equal(Normal.CDF(0, 1, -0.5) - (Math.E * Normal.CDF(0, 1, -1.5)), loss.HockeyStick(1.0), 12);
        Assert.Equal(0.126937, loss.HockeyStick(1.0), 6);

        static double Mills(double z) => (1 / z) - (1 / Math.Pow(z, 3)) + (3 / Math.Pow(z, 5)) - (15 / Math.Pow(z, 7)) + (105 / Math.Pow(z, 9));
        var expected = Math.Exp(-450 - (0.5 * Math.Log(2 * Math.PI))) * (Mills(30) - Mills(50));
        var delta = new GaussianRemoveLoss(1.0, 0.05).HockeyStick(800);
        Assert.True(Math.Abs(delta - expected) <= 1e-6 * expected, $"δ(800) = {delta:R}, expected {expected:R}");
    }

    [Theory]
    [MemberData(nameof(LaplaceCases))]
    public void LaplaceLossVariables_MatchTheDensities(double q, double b)
    {
        var remove = new LaplaceRemoveLoss(q, b);
        var add = new LaplaceAddLoss(q, b);
        double L0(double x) => x < 0 ? 0.5 * Math.Exp(x / b) : 1 - (0.5 * Math.Exp(-x / b));
        double L1(double x) => L0(x - 1);

        // On [0, 1] the log-ratio of Lap(1, b) to Lap(0, b) is (2x − 1)/b; it is constant outside.
        double LossAt(double x) => Math.Log((1 - q) + (q * Math.Exp(((2 * x) - 1) / b)));

        foreach (var x in new[] { 0.1, 0.37, 0.5, 0.8, 0.95 })
        {
            var v = LossAt(x);
            var upper = ((1 - q) * (1 - L0(x))) + (q * (1 - L1(x)));
            var lower = 1 - L0(x);
            Close(upper, remove.Sf(v), $"remove Sf at x = {x}");
            Close(upper, remove.SfAtOrAbove(v), $"remove SfAtOrAbove at x = {x}");
            Close(1 - upper, remove.Cdf(v), $"remove Cdf at x = {x}");
            Close(1 - upper, remove.CdfBelow(v), $"remove CdfBelow at x = {x}");
            Close(lower, remove.SfLower(v), $"remove SfLower at x = {x}");
            Close(Math.Log(lower), remove.LogSfLower(v), $"remove LogSfLower at x = {x}");
            Close(Math.Max(0, upper - (Math.Exp(v) * lower)), remove.HockeyStick(v), $"remove δ at x = {x}");

            var addUpper = L0(x);
            var addLower = ((1 - q) * L0(x)) + (q * L1(x));
            Close(addUpper, add.Sf(-v), $"add Sf at x = {x}");
            Close(addUpper, add.SfAtOrAbove(-v), $"add SfAtOrAbove at x = {x}");
            Close(1 - addUpper, add.Cdf(-v), $"add Cdf at x = {x}");
            Close(1 - addUpper, add.CdfBelow(-v), $"add CdfBelow at x = {x}");
            Close(addLower, add.SfLower(-v), $"add SfLower at x = {x}");
            Close(Math.Max(0, addUpper - (Math.Exp(-v) * addLower)), add.HockeyStick(-v), $"add δ at x = {x}");
        }

        // The atoms: X ≥ 1 gives the largest remove loss ln(1 − q + q·e^{1/b}), X ≤ 0 the smallest ln(1 − q + q·e^{−1/b}).
        // Under μ the top atom has mass (1 − q)·½e^{−1/b} + q·½, the bottom one (1 − q)·½ + q·½e^{−1/b}. Cdf counts the
        // atom (it jumps there: 1 − top just below, 1 above), CdfBelow does not; Sf excludes it, SfAtOrAbove includes it.
        // CdfBelow and SfAtOrAbove are evaluated at the atom itself (they snap a loss within 1e-12 of it), Cdf and Sf 1e-10
        // to either side (the loss's density there moves them by less than 1e-9).
        const double h = 1e-10;
        var max = LossAt(1);
        var min = LossAt(0);
        var top = ((1 - q) * 0.5 * Math.Exp(-1 / b)) + (q * 0.5);
        var bottom = ((1 - q) * 0.5) + (q * 0.5 * Math.Exp(-1 / b));
        Assert.Equal(max, remove.MaxLoss, 14);
        Assert.Equal(min, remove.MinLoss, 14);
        Close(1 - top, remove.Cdf(max - h), "remove Cdf below the top atom");
        Assert.Equal(1.0, remove.Cdf(max + h));
        Close(1 - top, remove.CdfBelow(max), "remove CdfBelow at the top atom");
        Close(top, remove.Sf(max - h), "remove Sf below the top atom");
        Assert.Equal(0.0, remove.Sf(max + h));
        Close(top, remove.SfAtOrAbove(max), "remove SfAtOrAbove at the top atom");
        Assert.Equal(0.0, remove.Cdf(min - h));
        Close(bottom, remove.Cdf(min + h), "remove Cdf above the bottom atom");
        Assert.Equal(0.0, remove.CdfBelow(min));
        Assert.Equal(1.0, remove.Sf(min - h));
        Close(1 - bottom, remove.Sf(min + h), "remove Sf above the bottom atom");
        Assert.Equal(1.0, remove.SfAtOrAbove(min));
        Assert.Equal((0.0, 1.0), (remove.Cdf(min - 0.1), remove.Sf(min - 0.1)));
        Assert.Equal((1.0, 0.0, 0.0), (remove.Cdf(max + 0.1), remove.Sf(max + 0.1), remove.SfLower(max + 0.1)));
        Assert.Equal(1.0, remove.SfLower(min - 0.1));
        Assert.Equal(double.NegativeInfinity, remove.LogSfLower(max + 0.1));
        Assert.Equal(0.0, remove.LogSfLower(min - 0.1));

        // Add: the loss −ℓ under μ₀; its top atom (at −min) is X ≤ 0, mass ½, its bottom atom (at −max) X ≥ 1, mass ½e^{−1/b}.
        Assert.Equal(-min, add.MaxLoss, 14);
        Assert.Equal(-max, add.MinLoss, 14);
        var addTop = 0.5;
        var addBottom = 0.5 * Math.Exp(-1 / b);
        Close(1 - addTop, add.Cdf(-min - h), "add Cdf below the top atom");
        Assert.Equal(1.0, add.Cdf(-min + h));
        Close(1 - addTop, add.CdfBelow(-min), "add CdfBelow at the top atom");
        Close(addTop, add.Sf(-min - h), "add Sf below the top atom");
        Assert.Equal(0.0, add.Sf(-min + h));
        Close(addTop, add.SfAtOrAbove(-min), "add SfAtOrAbove at the top atom");
        Assert.Equal(0.0, add.Cdf(-max - h));
        Close(addBottom, add.Cdf(-max + h), "add Cdf above the bottom atom");
        Assert.Equal(0.0, add.CdfBelow(-max));
        Assert.Equal(1.0, add.Sf(-max - h));
        Close(1 - addBottom, add.Sf(-max + h), "add Sf above the bottom atom");
        Assert.Equal(1.0, add.SfAtOrAbove(-max));
        Assert.Equal((1.0, 0.0, 0.0), (add.Cdf(-min + 0.1), add.Sf(-min + 0.1), add.SfLower(-min + 0.1)));
        Assert.Equal((0.0, 1.0, 1.0), (add.Cdf(-max - 0.1), add.Sf(-max - 0.1), add.SfLower(-max - 0.1)));
    }

    // dp_accounting (LaplacePrivacyLoss.get_delta_for_epsilon): the Laplace mechanism with parameter b and sensitivity 1
    // has δ(ε) = max(0, 1 − e^{(ε − 1/b)/2}) for ε ≥ −1/b. b = 1, ε = 0.5: 1 − e^{−0.25} = 0.221199; ε ≥ 1/b gives 0.
    [Fact]
    public void LaplaceHockeyStick_IsTheClosedForm()
    {
        var loss = new LaplaceRemoveLoss(1.0, 1.0);
        Assert.Equal(1 - Math.Exp(-0.25), loss.HockeyStick(0.5), 14);
        Assert.Equal(0.221199, loss.HockeyStick(0.5), 6);
        Assert.Equal(1 - Math.Exp(-0.5), loss.HockeyStick(0.0), 14);
        Assert.Equal(0.0, loss.HockeyStick(1.0));
        Assert.Equal(0.0, loss.HockeyStick(3.0));
        Assert.Equal(0.0, new LaplaceAddLoss(1.0, 1.0).HockeyStick(1.0), 14);
        Assert.Equal(1 - Math.Exp(-0.25), new LaplaceAddLoss(1.0, 1.0).HockeyStick(0.5), 14);
    }

    private static void Close(double expected, double actual, string what)
    {
        var tolerance = 1e-12 + (1e-8 * Math.Abs(expected));
        Assert.True(Math.Abs(actual - expected) <= tolerance, $"{what}: expected {expected:R}, got {actual:R}");
    }
}
