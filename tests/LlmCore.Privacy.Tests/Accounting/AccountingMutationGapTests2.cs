using LlmCore.Privacy.Accounting;
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

        // Unsampled, the largest loss is exactly 1/b in both directions (on the grid when 1/b is a multiple of the interval,
        // where the accountant evaluates it): the lower distribution puts no mass above it, and δ there is 0.
        if (q == 1.0)
        {
            Assert.Equal(0.0, remove.SfLower(1 / b));
            Assert.Equal(0.0, add.SfLower(1 / b));
            Assert.Equal(0.0, remove.HockeyStick(1 / b));
            Assert.Equal(0.0, add.HockeyStick(1 / b));
        }
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

    // A discrete privacy-loss distribution worked by hand (interval 1/4, binary-exact): atoms at losses 0.6 (0.5),
    // −0.3 (0.3), +∞ (0.2) and one of probability 0 (dropped). Pessimistic rounding goes up the grid (dp_accounting's
    // connect-the-dots pessimistic estimate): 0.6 → 3/4, −0.3 → −1/4; optimistic goes down: 0.6 → 1/2, −0.3 → −1/2.
    // δ(ε) = P∞ + Σ_{ℓ > ε} p·(1 − e^{ε − ℓ}) (the hockey-stick divergence of a PLD, Sommer, Meiser and Mohammadi 2019):
    // δ(0) = 0.2 + 0.5(1 − e^{−3/4}) = 0.463817; δ(−1) = 0.2 + 0.3(1 − e^{−3/4}) + 0.5(1 − e^{−7/4}) = 0.671104;
    // δ(ε) = P∞ = 0.2 for ε ≥ 3/4. Inverting, for δ(ε) ∈ (0.2, 0.463817] ε = 3/4 + ln((0.7 − δ)/0.5):
    // δ = 0.3 → 0.526856, δ = 0.4 → 0.239174, δ = 0.45 → 0.056853 (below the first positive grid point, 1/4);
    // δ = 0.2 → 3/4 exactly; δ = 0.47 → 0 (the formula is negative); δ &lt; P∞ → +∞.
    [Fact]
    public void DiscretePld_RoundingDeltaAndEpsilon_ByHand()
    {
        (double, double)[] atoms = [(0.6, 0.5), (-0.3, 0.3), (1.7, 0.0), (double.PositiveInfinity, 0.2)];

        var pld = PrivacyLossDistribution.FromDiscrete(atoms, 0.25, 1 << 20);
        Assert.Equal(-1, pld.Offset);
        Assert.Equal([0.3, 0, 0, 0, 0.5], pld.Pmf);
        Assert.Equal(0.2, pld.InfinityMass);
        Assert.True(pld.IsPessimistic);

        var optimistic = PrivacyLossDistribution.FromDiscrete(atoms, 0.25, 1 << 20, pessimistic: false);
        Assert.Equal(-2, optimistic.Offset);
        Assert.Equal([0.3, 0, 0, 0, 0.5], optimistic.Pmf);
        Assert.False(optimistic.IsPessimistic);

        Assert.Equal(0.2 + (0.5 * (1 - Math.Exp(-0.75))), pld.GetDelta(0), 15);
        Assert.Equal(0.463817, pld.GetDelta(0), 6);
        Assert.Equal(0.2 + (0.3 * (1 - Math.Exp(-0.75))) + (0.5 * (1 - Math.Exp(-1.75))), pld.GetDelta(-1), 15);
        Assert.Equal(0.2, pld.GetDelta(0.75), 15);
        Assert.Equal(0.2, pld.GetDelta(5), 15);

        Assert.Equal(0.75 + Math.Log(0.4 / 0.5), pld.GetEpsilon(0.3), 14);
        Assert.Equal(0.526856, pld.GetEpsilon(0.3), 6);
        Assert.Equal(0.239174, pld.GetEpsilon(0.4), 6);
        Assert.Equal(0.75 + Math.Log(0.25 / 0.5), pld.GetEpsilon(0.45), 14);
        Assert.Equal(0.75, pld.GetEpsilon(0.2), 14);
        Assert.Equal(0.0, pld.GetEpsilon(0.47));
        Assert.Equal(double.PositiveInfinity, pld.GetEpsilon(0.19));

        // Only +∞ atoms: an empty finite part.
        var onlyInfinite = PrivacyLossDistribution.FromDiscrete([(double.PositiveInfinity, 0.25)], 0.25, 1 << 20);
        Assert.Equal([0.0], onlyInfinite.Pmf);
        Assert.Equal(0.25, onlyInfinite.InfinityMass);
        Assert.Equal(0.25, onlyInfinite.GetDelta(3));
    }

    // Composition is convolution of the finite parts, and P∞ = 1 − (1 − P∞ᴬ)(1 − P∞ᴮ) (Koskela, Jälkö and Honkela 2020).
    // A = {0: 0.6, 1: 0.3}, P∞ 0.1; B = {−1: 0.5, 2: 0.5}: A∗B = {−1: 0.3, 0: 0.15, 2: 0.3, 3: 0.15}, P∞ = 0.1.
    // Truncation with tail 0.7 keeps all but ≤ 0.35 at each end: pessimistically the low 0.3 moves up onto index 0 and the
    // high 0.15 goes to +∞ (→ {0: 0.45, 2: 0.3}, P∞ 0.25); optimistically the low end is dropped and the high 0.15 moves
    // down onto index 2 (→ {0: 0.15, 2: 0.45}).
    // A∘A∘A (exponentiation by squaring) is (0.6 + 0.3z)³ = 0.216 + 0.324z + 0.162z² + 0.027z³ with P∞ = 1 − 0.9³ = 0.271.
    [Fact]
    public void DiscretePld_ConvolveTruncateAndSelfCompose_ByHand()
    {
        var a = new PrivacyLossDistribution(0.25, 0, [0.6, 0.3], 0.1);
        var b = new PrivacyLossDistribution(0.25, -1, [0.5, 0, 0, 0.5], 0.0);

        var ab = a.Convolve(b, 1e-15, 1 << 20);
        Assert.Equal(-1, ab.Offset);
        AssertPmf([0.3, 0.15, 0, 0.3, 0.15], ab.Pmf);
        Assert.Equal(0.1, ab.InfinityMass, 15);

        var truncated = a.Convolve(b, 0.7, 1 << 20);
        Assert.Equal(0, truncated.Offset);
        AssertPmf([0.45, 0, 0.3], truncated.Pmf);
        Assert.Equal(0.25, truncated.InfinityMass, 15);

        var optimistic = new PrivacyLossDistribution(0.25, 0, [0.6, 0.3], 0.1, pessimistic: false).Convolve(b, 0.7, 1 << 20);
        Assert.Equal(0, optimistic.Offset);
        AssertPmf([0.15, 0, 0.45], optimistic.Pmf);
        Assert.Equal(0.1, optimistic.InfinityMass, 15);
        Assert.False(optimistic.IsPessimistic);

        Assert.Same(a, a.SelfCompose(1, 1e-15, 1 << 20));
        var cubed = a.SelfCompose(3, 1e-15, 1 << 20);
        Assert.Equal(0, cubed.Offset);
        AssertPmf([0.216, 0.324, 0.162, 0.027], cubed.Pmf);
        Assert.Equal(0.271, cubed.InfinityMass, 15);

        // The length limit: A∗B needs 5 points; a limit of 4 refuses, naming the event.
        var refused = Assert.Throws<AccountingLimitExceededException>(() => a.Convolve(b, 1e-15, 4));
        Assert.Equal("privacyEvent", refused.ParamName);
        _ = a.Convolve(b, 1e-15, 5);
    }

    // The FFT paths (supports whose direct convolution would cost more than 4e6 products), checked on two-point
    // distributions whose compositions are binomial: A = ½ at index −5 and ½ at 2042 (2,048 points). A∘A∘A puts 1/8, 3/8,
    // 3/8, 1/8 at −15, 2032, 4079, 6126 (the pessimistic FFT path adds its tail, 1e-15, to P∞); A∗B with
    // B = ¼ at −3, ¾ at 2044 puts 1/8 at −8, ½ at 2039 (⅛ + ⅜) and 3/8 at 4086.
    [Fact]
    public void DiscretePld_FftCompositions_AreBinomial()
    {
        var aPmf = new double[2048];
        aPmf[0] = 0.5;
        aPmf[^1] = 0.5;
        var a = new PrivacyLossDistribution(1e-3, -5, aPmf, 0.0);

        var cubed = a.SelfCompose(3, 1e-15, 1 << 20);
        Assert.Equal(-15, cubed.Offset);
        var expected = new double[6142];
        expected[0] = 0.125;
        expected[2047] = 0.375;
        expected[4094] = 0.375;
        expected[6141] = 0.125;
        AssertPmf(expected, cubed.Pmf, 1e-12);
        Assert.Equal(1e-15, cubed.InfinityMass, 1e-20);

        var optimisticCubed = new PrivacyLossDistribution(1e-3, -5, aPmf, 0.0, pessimistic: false).SelfCompose(3, 1e-15, 1 << 20);
        Assert.Equal(-15, optimisticCubed.Offset);
        AssertPmf(expected, optimisticCubed.Pmf, 1e-12);
        Assert.Equal(0.0, optimisticCubed.InfinityMass);

        var bPmf = new double[2048];
        bPmf[0] = 0.25;
        bPmf[^1] = 0.75;
        var ab = a.Convolve(new PrivacyLossDistribution(1e-3, -3, bPmf, 0.0), 1e-15, 1 << 20);
        Assert.Equal(-8, ab.Offset);
        var expectedAb = new double[4095];
        expectedAb[0] = 0.125;
        expectedAb[2047] = 0.5;
        expectedAb[4094] = 0.375;
        AssertPmf(expectedAb, ab.Pmf, 1e-12);
    }

    // Opacus' get_noise_multiplier (opacus/accountants/utils.py): σ_high = 10, doubled while ε(σ_high) > target; then
    // bisection on [0, σ_high] while target − ε(σ_high) > tolerance, with "if eps < target: σ_high = σ" (strict). With an
    // accountant whose ε is exactly 10/σ, target 1 and tolerance 0.01, by hand: σ_high = 20 (ε 0.5); mid 10 gives ε = 1,
    // not below the target (σ_low = 10); then 15, 12.5, 11.25, 10.625, 10.3125, 10.15625 and 10.078125 (ε 0.992248, within
    // 0.01) each become σ_high. Doubling from 10 to past 1e6 (Opacus' MAX_SIGMA) throws with the numbers.
    [Fact]
    public void FindNoiseMultiplier_OpacusBisection_ByHand()
    {
        var result = NoiseCalibration.FindNoiseMultiplier(1.0, 1e-5, static sigma => new GaussianEvent(sigma), () => new InverseSigmaAccountant(10));

        Assert.Equal(10.078125, result.NoiseMultiplier);
        Assert.Equal(10 / 10.078125, result.Epsilon, 15);
        Assert.Equal(1.0, result.TargetEpsilon);
        Assert.Equal(1e-5, result.Delta);
        Assert.False(result.StoppedAtAccountantLimit);

        // Target 0.25: doubling passes σ = 20 (ε 0.5) and stops at 40 (ε 0.25, not above the target): no bisection needed.
        var exact = NoiseCalibration.FindNoiseMultiplier(0.25, 1e-5, static sigma => new GaussianEvent(sigma), () => new InverseSigmaAccountant(10));
        Assert.Equal(40, exact.NoiseMultiplier);
        Assert.Equal(0.25, exact.Epsilon);

        var impossible = Assert.Throws<PrivacyCalibrationException>(() =>
            NoiseCalibration.FindNoiseMultiplier(1e-5, 1e-6, static sigma => new GaussianEvent(sigma), () => new InverseSigmaAccountant(10)));
        Assert.Equal(1e-5, impossible.TargetEpsilon);
        Assert.Equal(1e-6, impossible.Delta);

        Assert.Equal("epsilonTolerance", Assert.Throws<ArgumentOutOfRangeException>(() =>
            NoiseCalibration.FindNoiseMultiplier(1.0, 1e-5, static sigma => new GaussianEvent(sigma), () => new InverseSigmaAccountant(10), epsilonTolerance: 0)).ParamName);
        Assert.Equal("steps", Assert.Throws<ArgumentOutOfRangeException>(() =>
            NoiseCalibration.FindNoiseMultiplier(1.0, 1e-5, 0.01, 0, () => new InverseSigmaAccountant(10))).ParamName);
        Assert.Equal("sampleRate", Assert.Throws<ArgumentOutOfRangeException>(() =>
            NoiseCalibration.FindNoiseMultiplier(1.0, 1e-5, 0.0, 10, () => new InverseSigmaAccountant(10))).ParamName);
    }

    // The same search when the accountant refuses σ < 10.5 (as the PLD accountant refuses too little noise): a refused σ
    // counts as too small, and the search stops once [σ_low, σ_high] is within 0.1 % of σ_high. By hand: 10 refused; 15,
    // 12.5, 11.25, 10.625 accepted; 10.3125, 10.46875 refused; 10.546875, 10.5078125 accepted; 10.48828125, 10.498046875
    // refused; the bracket is then 0.0098 ≤ 0.0105: σ = 10.5078125, ε = 0.951673, short of the target by more than the
    // tolerance, which the result says.
    [Fact]
    public void FindNoiseMultiplier_AccountantRefusesSmallSigma_StopsAtTheLimitByHand()
    {
        var result = NoiseCalibration.FindNoiseMultiplier(1.0, 1e-5, static sigma => new GaussianEvent(sigma), () => new InverseSigmaAccountant(10, refuseBelow: 10.5));

        Assert.Equal(10.5078125, result.NoiseMultiplier);
        Assert.Equal(10 / 10.5078125, result.Epsilon, 15);
        Assert.True(result.StoppedAtAccountantLimit);

        // A refusal while doubling is passed on.
        Assert.Throws<AccountingLimitExceededException>(() =>
            NoiseCalibration.FindNoiseMultiplier(1.0, 1e-5, static sigma => new GaussianEvent(sigma), () => new InverseSigmaAccountant(10, refuseBelow: 30)));
    }

    // MaxSteps: the largest T with ε(T) ≤ target, found by doubling then bisection. With ε(T) = T/10 exactly (an
    // accountant that charges 0.1 per step): target 1 → 10 (ε(10) = 1 is within budget), 1.05 → 10, 0.05 → 0 (one step
    // already exceeds), and a cap of 37 with a budget of 100 → 37. MaxEpochs with N = 1000, B = 64: T = ⌈E·1000/64⌉ ≤ 100
    // gives E = 6 (94 steps; 7 epochs take 110), and ⌈E·N/B⌉ is the CLI contract's step count.
    [Fact]
    public void MaxStepsAndEpochs_LinearAccountant_ByHand()
    {
        Func<IPrivacyAccountant> linear = () => new InverseSigmaAccountant(perStep: 0.1);
        var step = new GaussianEvent(1.0);

        Assert.Equal(10, NoiseCalibration.MaxSteps(step, 1.0, 1e-5, linear));
        Assert.Equal(10, NoiseCalibration.MaxSteps(step, 1.05, 1e-5, linear));
        Assert.Equal(0, NoiseCalibration.MaxSteps(step, 0.05, 1e-5, linear));
        Assert.Equal(37, NoiseCalibration.MaxSteps(step, 100, 1e-5, linear, maxSteps: 37));
        Assert.Equal(1, NoiseCalibration.MaxSteps(step, 100, 1e-5, linear, maxSteps: 1));
        Assert.Equal(6, NoiseCalibration.MaxEpochs(1000, 64, 1.0, 10.0, 1e-5, () => new InverseSigmaAccountant(perStep: 0.1)));
        Assert.Equal(94, NoiseCalibration.StepsForEpochs(6, 1000, 64));
        Assert.Equal(110, NoiseCalibration.StepsForEpochs(7, 1000, 64));

        // Fractional epochs: ⌈2.5·1000/64⌉ = ⌈39.0625⌉ = 40.
        Assert.Equal(40, NoiseCalibration.StepsForEpochs(2.5, 1000, 64));
        Assert.Equal(0, NoiseCalibration.StepsForEpochs(0, 1000, 64));

        Assert.Equal("maxSteps", Assert.Throws<ArgumentOutOfRangeException>(() => NoiseCalibration.MaxSteps(step, 1.0, 1e-5, linear, maxSteps: 0)).ParamName);
        Assert.Equal("datasetSize", Assert.Throws<ArgumentOutOfRangeException>(() => NoiseCalibration.MaxEpochs(0, 1, 1.0, 1.0, 1e-5, linear)).ParamName);
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => NoiseCalibration.MaxEpochs(10, 11, 1.0, 1.0, 1e-5, linear)).ParamName);
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => NoiseCalibration.MaxEpochs(10, 0, 1.0, 1.0, 1e-5, linear)).ParamName);
        Assert.Equal("epochs", Assert.Throws<ArgumentOutOfRangeException>(() => NoiseCalibration.StepsForEpochs(double.PositiveInfinity, 10, 1)).ParamName);
        Assert.Equal("datasetSize", Assert.Throws<ArgumentOutOfRangeException>(() => NoiseCalibration.StepsForEpochs(1, 0, 1)).ParamName);
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => NoiseCalibration.StepsForEpochs(1, 10, 0)).ParamName);
    }

    // Log-space arithmetic against mpmath (40 digits): ln erfc(19.5) = −383.79409003810050, ln erfc(20) = −403.56934333410423,
    // ln erfc(25) = −628.79203917407169, ln erfc(30) = −903.97411711064388 (the asymptotic branch starts at 20),
    // ln Φ(−40) = −804.60844201375379, Φ(−3) = 0.0013498980316300945, expm1(1e-10) = 1.00000000005e-10,
    // log1p(1e-10) = 9.9999999995e-11.
    [Fact]
    public void LogMath_AgainstHighPrecisionValues()
    {
        Assert.Equal(-383.79409003810050, LogMath.LogErfc(19.5), 1e-10);
        Assert.Equal(-403.56934333410423, LogMath.LogErfc(20.0), 1e-10);
        Assert.Equal(-628.79203917407169, LogMath.LogErfc(25.0), 1e-10);
        Assert.Equal(-903.97411711064388, LogMath.LogErfc(30.0), 1e-10);
        Assert.Equal(-804.60844201375379, LogMath.LogNormalCdf(-40.0), 1e-10);
        Assert.Equal(Math.Log(0.5), LogMath.LogNormalCdf(0.0), 15);
        Assert.Equal(0.0013498980316300945, LogMath.NormalCdf(-3.0), 1e-17);

        Assert.Equal(1.00000000005e-10, LogMath.ExpM1(1e-10), 1e-25);
        Assert.Equal(Math.E - 1, LogMath.ExpM1(1.0), 15);
        Assert.Equal(-1e-300, LogMath.ExpM1(-1e-300));
        Assert.Equal(-1.0, LogMath.ExpM1(-800));
        Assert.Equal(double.PositiveInfinity, LogMath.ExpM1(800));
        Assert.Equal(9.9999999995e-11, LogMath.Log1P(1e-10), 1e-25);
        Assert.Equal(Math.Log(2), LogMath.Log1P(1.0), 15);
        Assert.Equal(-Math.Log(2), LogMath.Log1P(-0.5), 15);
        Assert.Equal(1e-300, LogMath.Log1P(1e-300));
        Assert.Equal(double.NegativeInfinity, LogMath.Log1P(-1.0));
        Assert.Equal(double.PositiveInfinity, LogMath.Log1P(double.PositiveInfinity));

        Assert.Equal(Math.Log(5), LogMath.LogAdd(Math.Log(2), Math.Log(3)), 15);
        Assert.Equal(Math.Log(5), LogMath.LogAdd(Math.Log(3), Math.Log(2)), 15);
        Assert.Equal(1000 + Math.Log(2), LogMath.LogAdd(1000, 1000), 12);
        Assert.Equal(7.0, LogMath.LogAdd(double.NegativeInfinity, 7.0));
        Assert.Equal(7.0, LogMath.LogAdd(7.0, double.NegativeInfinity));
        Assert.Equal(Math.Log(2), LogMath.LogSub(Math.Log(5), Math.Log(3)), 15);
        Assert.Equal(1000 + Math.Log(1 - Math.Exp(-1)), LogMath.LogSub(1000, 999), 12);
        Assert.Equal(7.0, LogMath.LogSub(7.0, double.NegativeInfinity));
        Assert.Equal(double.NegativeInfinity, LogMath.LogSub(3.0, 3.0));
        Assert.True(double.IsNaN(LogMath.LogSub(1.0, 2.0)));
    }

    /// <summary>
    /// ε = scale/σ for a composed <see cref="GaussianEvent"/> (refusing σ below a limit, as the PLD accountant refuses too
    /// little noise), or ε = perStep·T for any event composed T times.
    /// </summary>
    private sealed class InverseSigmaAccountant(double scale = 0, double refuseBelow = 0, double perStep = 0) : IPrivacyAccountant
    {
        private double _epsilon;

        public IReadOnlyList<PrivacyEvent> History => [];

        public bool Supports(PrivacyEvent privacyEvent) => true;

        public IPrivacyAccountant Compose(PrivacyEvent privacyEvent, long count = 1)
        {
            if (perStep > 0)
            {
                _epsilon += perStep * count;
                return this;
            }

            var sigma = ((GaussianEvent)privacyEvent).NoiseMultiplier;
            if (sigma < refuseBelow)
            {
                throw new AccountingLimitExceededException("privacyEvent", 1e9, 1 << 24, "too little noise for the grid");
            }

            _epsilon += scale / sigma;
            return this;
        }

        public double GetEpsilon(double delta) => _epsilon;

        public double GetDelta(double epsilon) => throw new NotSupportedException();

        public double GetEpsilonIfComposed(PrivacyEvent privacyEvent, double delta) => throw new NotSupportedException();

        public double GetDeltaIfComposed(PrivacyEvent privacyEvent, double epsilon) => throw new NotSupportedException();
    }

    // Randomized response's exact Rényi divergences (dp_accounting's _randomized_response_rdp, worked by hand): with
    // p = 0.5, k = 2 the true bucket has a = 1 − p + p/k = 0.75, each other b = p/k = 0.25. Replace-one compares (a, b)
    // with (b, a): α = 2 gives ln(a²/b + b²/a) = ln(7/3) = 0.847298, α = ∞ gives ln(a/b) = ln 3. Replace-special compares
    // with the uniform u = ½ both ways: α = 2 gives max(ln((a² + b²)/u), ln(u²/a + u²/b)) = max(ln 1.25, ln(4/3)) =
    // 0.287682, α = ∞ gives max(ln(a/u), ln(u/b)) = ln 2. k = 3, p = 0.6 (a = 0.6, b = 0.2) replace-one at α = 2 adds the
    // k − 2 unchanged buckets: ln(1.8 + 0.2²/0.6 + 0.2) = ln(2.0666…) = 0.725937. p = 1 outputs uniformly: no loss.
    // Laplace at α = ∞ is pure 1/b (Mironov 2017, Prop. 6).
    [Fact]
    public void RdpMath_RandomizedResponseAndLaplace_ByHand()
    {
        Assert.Equal(Math.Log(7.0 / 3), RdpMath.RandomizedResponse(0.5, 2, RandomizedResponseAdjacency.ReplaceOne, 2.0), 14);
        Assert.Equal(0.847298, RdpMath.RandomizedResponse(0.5, 2, RandomizedResponseAdjacency.ReplaceOne, 2.0), 6);
        Assert.Equal(Math.Log(3), RdpMath.RandomizedResponse(0.5, 2, RandomizedResponseAdjacency.ReplaceOne, double.PositiveInfinity), 14);
        Assert.Equal(Math.Log(4.0 / 3), RdpMath.RandomizedResponse(0.5, 2, RandomizedResponseAdjacency.ReplaceSpecial, 2.0), 14);
        Assert.Equal(Math.Log(2), RdpMath.RandomizedResponse(0.5, 2, RandomizedResponseAdjacency.ReplaceSpecial, double.PositiveInfinity), 14);
        Assert.Equal(Math.Log(1.8 + (0.04 / 0.6) + 0.2), RdpMath.RandomizedResponse(0.6, 3, RandomizedResponseAdjacency.ReplaceOne, 2.0), 14);
        Assert.Equal(0.725937, RdpMath.RandomizedResponse(0.6, 3, RandomizedResponseAdjacency.ReplaceOne, 2.0), 6);
        Assert.Equal(0.0, RdpMath.RandomizedResponse(1.0, 4, RandomizedResponseAdjacency.ReplaceOne, 2.0));
        Assert.Equal(0.0, RdpMath.RandomizedResponse(1.0, 4, RandomizedResponseAdjacency.ReplaceSpecial, 5.0));
        Assert.Equal(0.5, RdpMath.Laplace(2.0, double.PositiveInfinity));

        // Through the accountant: the same values per order.
        var rdp = RdpAccountant.ComputeRdp(new RandomizedResponseEvent(0.5, 2, RandomizedResponseAdjacency.ReplaceSpecial), [2.0]);
        Assert.Equal(Math.Log(4.0 / 3), rdp[0], 14);
    }

    // dp_accounting's _effective_gaussian_noise_multiplier: Gaussians (and zCDP events, ρ = 1/(2σ²)) composed under one
    // sampling are one Gaussian with σ = (Σ σᵢ⁻²)^−½: G(1) + G(1) → 1/√2, G(2) four times → 1, ρ = 1/8 → 2; anything with
    // a Laplace in it has none (and the sampled event is then not supported). A Poisson-sampled composition therefore has
    // the sampled Gaussian's RDP at the equivalent σ.
    [Fact]
    public void EffectiveNoiseMultiplier_ComposedGaussians_ByHand()
    {
        Assert.Equal(1 / Math.Sqrt(2), RdpMath.EffectiveNoiseMultiplier(new ComposedEvent(new GaussianEvent(1), new GaussianEvent(1)))!.Value, 15);
        Assert.Equal(1.0, RdpMath.EffectiveNoiseMultiplier(new SelfComposedEvent(new GaussianEvent(2), 4))!.Value, 15);
        Assert.Equal(2.0, RdpMath.EffectiveNoiseMultiplier(new ZCdpEvent(0.125))!.Value, 15);
        Assert.Null(RdpMath.EffectiveNoiseMultiplier(new ComposedEvent(new GaussianEvent(1), new LaplaceEvent(1))));
        Assert.Null(RdpMath.EffectiveNoiseMultiplier(new SelfComposedEvent(new LaplaceEvent(1), 2)));

        double[] orders = [1.5, 2, 8];
        var composed = RdpAccountant.ComputeRdp(new PoissonSampledEvent(0.05, new ComposedEvent(new GaussianEvent(1), new GaussianEvent(1))), orders);
        for (var i = 0; i < orders.Length; i++)
        {
            Assert.Equal(RdpAccountant.ComputeSampledGaussianRdp(0.05, 1 / Math.Sqrt(2), orders[i]), composed[i], 14);
        }

        var accountant = new RdpAccountant(orders);
        Assert.False(accountant.Supports(new PoissonSampledEvent(0.05, new ComposedEvent(new GaussianEvent(1), new LaplaceEvent(1)))));
        Assert.True(accountant.Supports(new PoissonSampledEvent(1.0, new ComposedEvent(new GaussianEvent(1), new LaplaceEvent(1)))));

        // q = 1 is no sampling: the inner event's own curve, and no neighbouring relation fixed.
        var unsampled = RdpAccountant.ComputeRdp(new PoissonSampledEvent(1.0, new LaplaceEvent(1)), [2.0]);
        Assert.Equal(RdpAccountant.ComputeRdp(new LaplaceEvent(1), [2.0])[0], unsampled[0], 15);
        accountant.Compose(new PoissonSampledEvent(1.0, new GaussianEvent(1)));
        Assert.Null(accountant.NeighboringRelation);
    }

    // The sampled Gaussian at α = 2 in closed form (Mironov, Talwar and Zhang 2019, §3.3: A₂ = 1 + q²(e^{1/σ²} − 1)):
    // q = 0.1, σ = 1 → ln(1 + 0.01·(e − 1)) = 0.0170369. At α = ∞ a sampled Gaussian has no pure-DP bound (+∞) unless
    // q = 0, and q = 0 costs nothing at every order.
    [Fact]
    public void SampledGaussian_OrderTwoAndInfinity_ByHand()
    {
        Assert.Equal(Math.Log(1 + (0.01 * (Math.E - 1))), RdpAccountant.ComputeSampledGaussianRdp(0.1, 1.0, 2.0), 1e-15);
        Assert.Equal(0.0170369, RdpAccountant.ComputeSampledGaussianRdp(0.1, 1.0, 2.0), 7);
        Assert.Equal(double.PositiveInfinity, RdpAccountant.ComputeSampledGaussianRdp(0.1, 1.0, double.PositiveInfinity));
        Assert.Equal(0.0, RdpAccountant.ComputeSampledGaussianRdp(0.0, 1.0, double.PositiveInfinity));
        Assert.Equal(double.PositiveInfinity, RdpAccountant.ComputeSampledWithoutReplacementGaussianRdp(0.1, 1.0, double.PositiveInfinity));
        Assert.Equal(0.0, RdpAccountant.ComputeSampledWithoutReplacementGaussianRdp(0.0, 1.0, 7.5));
        Assert.Equal(7.5 / 2, RdpAccountant.ComputeSampledWithoutReplacementGaussianRdp(1.0, 1.0, 7.5), 15);
    }

    // The events' documented ranges, each just outside (refused, naming the parameter) and at its closed end (accepted).
    [Fact]
    public void Events_DocumentedRanges_AtAndBeyondTheirEnds()
    {
        Assert.Equal("noiseParameter", Assert.Throws<ArgumentOutOfRangeException>(() => new RandomizedResponseEvent(0.0, 2)).ParamName);
        Assert.Equal("noiseParameter", Assert.Throws<ArgumentOutOfRangeException>(() => new RandomizedResponseEvent(1.0000001, 2)).ParamName);
        Assert.Equal("bucketCount", Assert.Throws<ArgumentOutOfRangeException>(() => new RandomizedResponseEvent(0.5, 1)).ParamName);
        Assert.Equal("adjacency", Assert.Throws<ArgumentOutOfRangeException>(() => new RandomizedResponseEvent(0.5, 2, (RandomizedResponseAdjacency)5)).ParamName);
        var rr = new RandomizedResponseEvent(1.0, 2, RandomizedResponseAdjacency.ReplaceSpecial);
        Assert.Equal((1.0, 2, RandomizedResponseAdjacency.ReplaceSpecial), (rr.NoiseParameter, rr.BucketCount, rr.Adjacency));

        Assert.Equal("datasetSize", Assert.Throws<ArgumentOutOfRangeException>(() => new SampledWithoutReplacementEvent(0, 0, new GaussianEvent(1))).ParamName);
        Assert.Equal("sampleSize", Assert.Throws<ArgumentOutOfRangeException>(() => new SampledWithoutReplacementEvent(10, 11, new GaussianEvent(1))).ParamName);
        Assert.Equal("sampleSize", Assert.Throws<ArgumentOutOfRangeException>(() => new SampledWithoutReplacementEvent(10, -1, new GaussianEvent(1))).ParamName);
        Assert.Equal(1.0, new SampledWithoutReplacementEvent(10, 10, new GaussianEvent(1)).SamplingFraction);
        Assert.Equal(0.25, new SampledWithoutReplacementEvent(8, 2, new GaussianEvent(1)).SamplingFraction);

        // DP-SGD's replace-one step: the clipped sum changes by up to 2C, so the Gaussian's multiplier relative to the
        // sensitivity is σ/2 (dp_accounting's "noise_multiplier / 2" for REPLACE_ONE).
        Assert.Equal(0.55, ((GaussianEvent)SampledWithoutReplacementEvent.DpSgdStep(100, 10, 1.1).Event).NoiseMultiplier, 15);

        Assert.Equal("events", Assert.Throws<ArgumentException>(() => new ComposedEvent(Array.Empty<PrivacyEvent>())).ParamName);
        Assert.Equal("events", Assert.Throws<ArgumentNullException>(() => new ComposedEvent(new GaussianEvent(1), null!)).ParamName);
        Assert.Equal("samplingProbability", Assert.Throws<ArgumentOutOfRangeException>(() => new PoissonSampledEvent(0.0, new GaussianEvent(1))).ParamName);
        Assert.Equal("rho", Assert.Throws<ArgumentOutOfRangeException>(() => new ZCdpEvent(0)).ParamName);
        Assert.Equal("scale", Assert.Throws<ArgumentOutOfRangeException>(() => new LaplaceEvent(double.PositiveInfinity)).ParamName);
    }

    // Composed events compare by their sequence of events (the RDP accountant reuses the curve of an equal event): the
    // same events in the same order are equal with equal hashes, another order or another event is not, and composing
    // G(1)+G(2) then G(1)+G(4) adds each one's own curve: at α = 2, (1 + 1/4) + (1 + 1/16) = 2.3125.
    [Fact]
    public void ComposedEvents_EqualityIsBySequence_AndTheCurveCacheRespectsIt()
    {
        var a = new ComposedEvent(new GaussianEvent(1), new GaussianEvent(2));
        var same = new ComposedEvent(new List<PrivacyEvent> { new GaussianEvent(1), new GaussianEvent(2) });
        var swapped = new ComposedEvent(new GaussianEvent(2), new GaussianEvent(1));
        var other = new ComposedEvent(new GaussianEvent(1), new GaussianEvent(4));

        Assert.Equal(a, same);
        Assert.Equal(a.GetHashCode(), same.GetHashCode());
        Assert.NotEqual(a, swapped);
        Assert.NotEqual(a, other);
        Assert.False(a.Equals(null));
        Assert.Equal(2, a.Events.Count);

        var accountant = new RdpAccountant([2.0]);
        accountant.Compose(a).Compose(other);
        Assert.Equal(2.3125, accountant.Rdp[0], 15);
    }

    // The factory hands its options to the accountants it makes, fails at construction on options no accountant accepts,
    // and refuses an undefined kind naming it.
    [Fact]
    public void Factory_OptionsReachTheAccountants()
    {
        var factory = new PrivacyAccountantFactory(new AccountingOptions
        {
            DefaultAccountant = PrivacyAccountantKind.Pld,
            RdpOrders = [2.0, 3.5],
            PldDiscretizationInterval = 1e-3,
            PldTailMassTruncation = 1e-12,
            PldMaxGridPoints = 1 << 20,
        });

        var pld = Assert.IsType<PldAccountant>(factory.Create());
        Assert.Equal((1e-3, 1e-12, 1L << 20), (pld.DiscretizationInterval, pld.TailMassTruncation, pld.MaxGridPoints));
        var rdp = Assert.IsType<RdpAccountant>(factory.Create(PrivacyAccountantKind.Rdp));
        Assert.Equal([2.0, 3.5], rdp.Orders);
        Assert.IsType<RdpAccountant>(new PrivacyAccountantFactory().Create());
        Assert.Equal(RdpAccountant.DefaultOrders, ((RdpAccountant)new PrivacyAccountantFactory().Create()).Orders);

        Assert.Equal("kind", Assert.Throws<ArgumentOutOfRangeException>(() => factory.Create((PrivacyAccountantKind)7)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentOutOfRangeException>(() => new PrivacyAccountantFactory(new AccountingOptions { DefaultAccountant = (PrivacyAccountantKind)9 })).ParamName);
        Assert.Throws<ArgumentException>(() => new PrivacyAccountantFactory(new AccountingOptions { RdpOrders = [] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PrivacyAccountantFactory(new AccountingOptions { PldMaxGridPoints = 10 }));
    }

    // The PLD accountant's documented ranges: interval [1e-6, 0.1], tail mass [1e-30, 1e-6], both ends closed.
    [Fact]
    public void PldAccountant_ConstructorRanges_AtAndBeyondTheirEnds()
    {
        _ = new PldAccountant(1e-6, 1e-30);
        _ = new PldAccountant(0.1, 1e-6);
        Assert.Equal("discretizationInterval", Assert.Throws<ArgumentOutOfRangeException>(() => new PldAccountant(0.1000001)).ParamName);
        Assert.Equal("discretizationInterval", Assert.Throws<ArgumentOutOfRangeException>(() => new PldAccountant(9.99e-7)).ParamName);
        Assert.Equal("discretizationInterval", Assert.Throws<ArgumentOutOfRangeException>(() => new PldAccountant(double.NaN)).ParamName);
        Assert.Equal("tailMassTruncation", Assert.Throws<ArgumentOutOfRangeException>(() => new PldAccountant(1e-4, 1.01e-6)).ParamName);
        Assert.Equal("tailMassTruncation", Assert.Throws<ArgumentOutOfRangeException>(() => new PldAccountant(1e-4, 0.99e-30)).ParamName);

        // An empty accountant has spent nothing.
        var empty = new PldAccountant();
        Assert.Equal(0.0, empty.GetDelta(0.5));
        Assert.Equal(new PldBounds(0, 0), empty.GetEpsilonBounds(1e-5));
        Assert.Equal(new PldBounds(0, 0), empty.GetDeltaBounds(0.5));
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => empty.Compose(new GaussianEvent(1), 0)).ParamName);
    }

    // The PLD accountant checks a new run at the next power of two of its length (so that later steps of DP-SGD are known
    // to fit), and falls back to the exact length when only the probe is too large. A Laplace (b = 1) at interval 0.01
    // spans 201 grid points; k compositions span 200k + 1, so with a limit of 1,024 points 5 fit (squaring builds 401,
    // 801, then 201 ∗ 801 = 1,001) while the probe 8 needs 1,601: composing 5 must succeed, composing 8 must be refused.
    // Pure DP composes to at most 5/b = 5 (plus the pessimistic grid's rounding, under kΔ).
    [Fact]
    public void PldCompose_ProbeBeyondTheLimit_FallsBackToTheExactCount()
    {
        var accountant = new PldAccountant(0.01, 1e-15, 1024);
        accountant.Compose(new LaplaceEvent(1.0), 5);

        var epsilon = accountant.GetEpsilon(1e-5);
        Assert.InRange(epsilon, 0.0, 5.0 + (5 * 0.01));
        Assert.Single(accountant.History);
        Assert.Throws<AccountingLimitExceededException>(() => new PldAccountant(0.01, 1e-15, 1024).Compose(new LaplaceEvent(1.0), 8));
    }

    private static void AssertPmf(double[] expected, double[] actual, double tolerance = 1e-15)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"pmf[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    private static void Close(double expected, double actual, string what)
    {
        var tolerance = 1e-12 + (1e-8 * Math.Abs(expected));
        Assert.True(Math.Abs(actual - expected) <= tolerance, $"{what}: expected {expected:R}, got {actual:R}");
    }
}
