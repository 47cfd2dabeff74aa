using LlmCore.Privacy.Accounting;
using LlmCore.Privacy.Budget;
using LlmCore.Privacy.Guarantees;
using LlmCore.Privacy.Mechanisms;
using LlmCore.Privacy.Sampling;
using LlmCore.Privacy.Tests.TestSupport;

namespace LlmCore.Privacy.Tests.Mechanisms;

/// <summary>
/// The mechanisms' calibrations, documented ranges and contracts that the distribution tests leave open (found with
/// scripts/quality/mutation.sh privacy Mechanisms, docs/quality.md): each noise scale is checked against the published
/// law of its output, each guard at its documented bound.
/// </summary>
public class MechanismsMutationGapTests
{
    // AboveThreshold (Lyu, Su and Li 2017, Alg. 1): threshold noise Laplace(2Δ/ε), query noise Laplace(4Δ/ε). The
    // first query q answers "above" iff q + L_q ≥ T + L_T, i.e. L_q − L_T ≥ T − q. For independent Laplace(a) and
    // Laplace(b), a ≠ b, P[L_q − L_T > z] = (a²e^{−z/a} − b²e^{−z/b})/(2(a² − b²)) for z ≥ 0 (the convolution of the two
    // densities). ε = 0.5, Δ = 1, q − T = 8: a = 4, b = 8, P[above] = 1 − 0.2226971 = 0.7773029. The second row, ε = 1
    // and Δ = 2, has the same scales only if both are proportional to Δ (2Δ/ε and 2/Δ/ε agree at Δ = 1 alone).
    [Theory]
    [InlineData(0.5, 1, 2101UL)]
    [InlineData(1, 2, 2121UL)]
    public void AboveThreshold_FirstAnswer_FollowsTheLyuSuLiNoiseScales(double epsilon, double sensitivity, ulong seed)
    {
        double a = 2 * sensitivity / epsilon, b = 4 * sensitivity / epsilon;
        const double d = 8;
        var expected = 1 - (((a * a * Math.Exp(-d / a)) - (b * b * Math.Exp(-d / b))) / (2 * ((a * a) - (b * b))));
        var source = new SeededRandomSource(seed);
        const int trials = 20_000;
        var above = 0;
        for (var i = 0; i < trials; i++)
        {
            if (new AboveThreshold(epsilon, 10, sensitivity, source).Query(18))
            {
                above++;
            }
        }

        Statistics.AssertProportion(expected, above, trials, "AboveThreshold first answer");
    }

    [Fact]
    public void AboveThreshold_BelowAnswer_KeepsTheRunGoing()
    {
        var svt = new AboveThreshold(1, 100, 1, new SeededRandomSource(2102));

        Assert.False(svt.Query(-1000));
        Assert.False(svt.IsHalted);
        Assert.False(svt.Query(-1000));
        Assert.Equal(PrivacyGuarantee.Pure(1), svt.Guarantee);
        Assert.Equal(new Sensitivity(SensitivityNorm.LInfinity, 1), svt.Sensitivity);
    }

    [Fact]
    public void AboveThreshold_BadInput_ThrowsNamingTheArgument()
    {
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new AboveThreshold(0, 1, 1)).ParamName);
        Assert.Equal("threshold", Assert.Throws<ArgumentOutOfRangeException>(() => new AboveThreshold(1, double.NaN, 1)).ParamName);
        Assert.Equal("sensitivity", Assert.Throws<ArgumentOutOfRangeException>(() => new AboveThreshold(1, 1, 0)).ParamName);
        Assert.Equal("queryValue", Assert.Throws<ArgumentOutOfRangeException>(() => new AboveThreshold(1, 1, 1).Query(double.PositiveInfinity)).ParamName);
    }

    // Report-noisy-max with Laplace(2Δu/ε) noise (Dwork and Roth 2014, §3.3). Two candidates with utilities 0 and d:
    // candidate 1 wins iff N₀ − N₁ < d; for i.i.d. Laplace(b), P[N₀ − N₁ > z] = e^{−z/b}(2 + z/b)/4 (z ≥ 0).
    // ε = 0.5, Δu = 1, d = 4: b = 4, P[1 wins] = 1 − 3e^{−1}/4 = 0.7240904. Again at ε = 1, Δu = 2 (b = 4 only if the
    // scale is proportional to Δu).
    [Theory]
    [InlineData(0.5, 1, 2103UL)]
    [InlineData(1, 2, 2122UL)]
    public void ReportNoisyMax_TwoCandidates_FollowsLaplaceTwoDeltaOverEpsilon(double epsilon, double utilitySensitivity, ulong seed)
    {
        var b = 2 * utilitySensitivity / epsilon;
        const double d = 4;
        var expected = 1 - (Math.Exp(-d / b) * (2 + (d / b)) / 4);
        var mechanism = new ReportNoisyMax(epsilon, utilitySensitivity, new SeededRandomSource(seed));
        const int trials = 20_000;
        var wins = 0;
        for (var i = 0; i < trials; i++)
        {
            if (mechanism.Select([0, d]) == 1)
            {
                wins++;
            }
        }

        Statistics.AssertProportion(expected, wins, trials, "ReportNoisyMax");
    }

    [Fact]
    public void ReportNoisyMax_BadInputOrExhaustedBudget_ThrowsBeforeDrawing()
    {
        var source = new Statistics.CountingSource(new SeededRandomSource(2104));
        var mechanism = new ReportNoisyMax(1, 1, source);

        Assert.Equal("utilities", Assert.Throws<ArgumentOutOfRangeException>(() => mechanism.Select([1, double.NaN])).ParamName);
        Assert.Throws<PrivacyBudgetExceededException>(() => mechanism.Select([1, 2], new PrivacyBudget(0.5)));
        Assert.Equal(0, source.Words);
        var budget = new PrivacyBudget(2);
        mechanism.Select([1, 2], budget);
        Assert.Equal(1, budget.EpsilonSpent);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new ReportNoisyMax(double.NaN, 1)).ParamName);
        Assert.Equal("utilitySensitivity", Assert.Throws<ArgumentOutOfRangeException>(() => new ReportNoisyMax(1, -1)).ParamName);
        Assert.Equal(new Sensitivity(SensitivityNorm.LInfinity, 1), mechanism.Sensitivity);
    }

    // McSherry and Talwar 2007: p_i ∝ exp(ε·u_i/(2Δu)); for a monotone utility ∝ exp(ε·u_i/Δu) (Dwork and Roth
    // 2014, §3.4). With ε = 1 and utilities 0, Δu: p₁/p₀ = e^{1/2}, or e when monotone, for Δu = 1 and Δu = 2 alike.
    [Theory]
    [InlineData(false, 0.5, 1.0)]
    [InlineData(true, 1.0, 1.0)]
    [InlineData(false, 0.5, 2.0)]
    [InlineData(true, 1.0, 2.0)]
    public void Exponential_Probabilities_UseTheDocumentedExponent(bool monotonic, double exponent, double utilitySensitivity)
    {
        var mechanism = new ExponentialMechanism(1, utilitySensitivity, monotonic);
        var p = new double[2];

        mechanism.Probabilities([0, utilitySensitivity], p);

        Assert.Equal(Math.Exp(exponent), p[1] / p[0], 12);
        Assert.Equal(1, p[0] + p[1], 14);
    }

    // The maximum utility is subtracted before exponentiating (the type's remarks): exp(1000) overflows, yet the
    // probabilities are exact, e^{−1000} = 0 in binary64 and 1.
    [Fact]
    public void Exponential_LargeUtilities_DoNotOverflow()
    {
        var mechanism = new ExponentialMechanism(2, 1, source: new SeededRandomSource(2105));
        var p = new double[3];

        mechanism.Probabilities([-1000, 1000, 0], p);

        Assert.Equal(new[] { 0.0, 1.0, 0.0 }, p);
        Assert.All(Enumerable.Range(0, 50), _ => Assert.Equal(1, mechanism.Select([-1000, 1000, 0])));
    }

    [Fact]
    public void Exponential_BadInput_ThrowsNamingTheArgument()
    {
        var mechanism = new ExponentialMechanism(1, 1);

        Assert.Equal("utilities", Assert.Throws<ArgumentException>(() => mechanism.Probabilities([], [])).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => mechanism.Probabilities([1, 2], new double[3])).ParamName);
        Assert.Equal("utilities", Assert.Throws<ArgumentOutOfRangeException>(() => mechanism.Probabilities([1, double.NegativeInfinity], new double[2])).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialMechanism(0, 1)).ParamName);
        Assert.Equal("utilitySensitivity", Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialMechanism(1, double.PositiveInfinity)).ParamName);
        Assert.Equal(PrivacyGuarantee.Pure(1), mechanism.Guarantee);
        Assert.Equal(new Sensitivity(SensitivityNorm.LInfinity, 1), mechanism.Sensitivity);
    }

    // k-ary randomized response (Kairouz, Oh and Viswanath 2016): the true category is kept with probability
    // e^ε/(e^ε + k − 1) and each other one reported with 1/(e^ε + k − 1). ε = ln 3, k = 4: 1/2 and 1/6 each.
    // Chi-square at 0.001 (false-failure rate 0.1 %).
    [Fact]
    public void RandomizedResponse_KAry_ReportsEachOtherCategoryUniformly()
    {
        var rr = new RandomizedResponse(Math.Log(3), 4, new SeededRandomSource(2106));
        var samples = Enumerable.Range(0, 60_000).Select(_ => (long)rr.Respond(2)).ToList();

        Assert.True(Statistics.ChiSquarePValue(samples, x => x switch { 2 => 0.5, 0 or 1 or 3 => 1.0 / 6, _ => 0 }, 0, 3) > 0.001);
        Assert.Equal(4.0 / 6.0, rr.NoiseProbability, 14);
        Assert.Equal(4, rr.Categories);
    }

    // The debiasing estimator f̂_j = (c_j/n − p/k)/(1 − p) by hand: ε = ln 3, k = 4, p = 4/(3 + 3) = 2/3, so
    // f̂_j = 3(c_j/n − 1/6); counts 3, 1, 0, 0 give 1.75, 0.25, −0.5, −0.5 (summing to 1, as the estimator must).
    [Fact]
    public void RandomizedResponse_EstimateFrequencies_ByHand()
    {
        var rr = new RandomizedResponse(Math.Log(3), 4);
        var estimate = new double[4];

        rr.EstimateFrequencies([3, 1, 0, 0], estimate);

        Assert.Equal(1.75, estimate[0], 12);
        Assert.Equal(0.25, estimate[1], 12);
        Assert.Equal(-0.5, estimate[2], 12);
        Assert.Equal(-0.5, estimate[3], 12);
    }

    [Fact]
    public void RandomizedResponse_BadInput_ThrowsNamingTheArgument()
    {
        var rr = new RandomizedResponse(1, 3, new SeededRandomSource(2107));

        Assert.Equal("category", Assert.Throws<ArgumentOutOfRangeException>(() => rr.Respond(-1)).ParamName);
        Assert.Equal("category", Assert.Throws<ArgumentOutOfRangeException>(() => rr.Respond(3)).ParamName);
        Assert.InRange(rr.Respond(2), 0, 2);
        Assert.Throws<InvalidOperationException>(() => rr.Respond(true));
        Assert.Equal("reportedCounts", Assert.Throws<ArgumentException>(() => rr.EstimateFrequencies([1, 2], new double[3])).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => rr.EstimateFrequencies([1, 2, 3], new double[2])).ParamName);
        Assert.Equal("reportedCounts", Assert.Throws<ArgumentException>(() => rr.EstimateFrequencies([0, 0, 0], new double[3])).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new RandomizedResponse(0)).ParamName);
        Assert.Equal("categories", Assert.Throws<ArgumentOutOfRangeException>(() => new RandomizedResponse(1, 1)).ParamName);
        Assert.Equal(PrivacyGuarantee.Pure(1), rr.Guarantee);
        Assert.Equal(new Sensitivity(SensitivityNorm.L1, 1), rr.Sensitivity);
    }

    // RenyiDivergence's documented ranges: p ∈ (0, 1] (p = 1, pure noise, has divergence 0), k ≥ 2, α > 1 or +∞.
    [Fact]
    public void RandomizedResponse_RenyiDivergence_DocumentedRanges()
    {
        Assert.Equal(0, RandomizedResponse.RenyiDivergence(1, 2, 2, RandomizedResponseAdjacency.ReplaceOne), 12);
        Assert.Equal("noiseProbability", Assert.Throws<ArgumentOutOfRangeException>(() => RandomizedResponse.RenyiDivergence(0, 2, 2, RandomizedResponseAdjacency.ReplaceOne)).ParamName);
        Assert.Equal("noiseProbability", Assert.Throws<ArgumentOutOfRangeException>(() => RandomizedResponse.RenyiDivergence(1.5, 2, 2, RandomizedResponseAdjacency.ReplaceOne)).ParamName);
        Assert.Equal("categories", Assert.Throws<ArgumentOutOfRangeException>(() => RandomizedResponse.RenyiDivergence(0.5, 1, 2, RandomizedResponseAdjacency.ReplaceOne)).ParamName);
        Assert.Equal("order", Assert.Throws<ArgumentOutOfRangeException>(() => RandomizedResponse.RenyiDivergence(0.5, 2, 1, RandomizedResponseAdjacency.ReplaceOne)).ParamName);
        Assert.Equal("order", Assert.Throws<ArgumentOutOfRangeException>(() => RandomizedResponse.RenyiDivergence(0.5, 2, double.NaN, RandomizedResponseAdjacency.ReplaceOne)).ParamName);
        Assert.Equal("neighbouring", Assert.Throws<ArgumentOutOfRangeException>(() => RandomizedResponse.RenyiDivergence(0.5, 2, 2, (RandomizedResponseAdjacency)99)).ParamName);
    }

    // Discrete Laplace with Δ₁ = 3, ε = 1.5: the scale is Δ₁/ε = 2, P[K = k] ∝ exp(−|k|/2), the same law as Δ₁ = 1,
    // ε = 0.5 (Ghosh, Roughgarden and Sundararajan 2009). Chi-square at 0.001 (false-failure rate 0.1 %).
    [Fact]
    public void DiscreteLaplace_SensitivityAboveOne_ScalesTheNoise()
    {
        var mechanism = new DiscreteLaplaceMechanism(1.5, 3, new SeededRandomSource(2108));
        var q = Math.Exp(-0.5);
        var samples = Enumerable.Range(0, 50_000).Select(_ => mechanism.Noise()).ToList();

        Assert.True(Statistics.ChiSquarePValue(samples, x => (1 - q) / (1 + q) * Math.Pow(q, Math.Abs(x)), -15, 15) > 0.001);
        Assert.Equal(2.0, mechanism.Scale);
        Assert.Equal(new Sensitivity(SensitivityNorm.L1, 3), mechanism.Sensitivity);
        Assert.Equal(PrivacyGuarantee.Pure(1.5), mechanism.Guarantee);
    }

    // Release is value + noise (same seed, same noise), pays the budget first, and a sum outside long is an
    // OverflowException (documented), never a wrapped value: with scale 1000 about half of the draws are positive.
    [Fact]
    public void DiscreteMechanisms_Release_IsValuePlusNoiseCheckedAndPaid()
    {
        var laplace = new DiscreteLaplaceMechanism(0.5, 1, new SeededRandomSource(2109));
        var laplaceTwin = new DiscreteLaplaceMechanism(0.5, 1, new SeededRandomSource(2109));
        var gaussian = new DiscreteGaussianMechanism(3, 1, new SeededRandomSource(2110));
        var gaussianTwin = new DiscreteGaussianMechanism(3, 1, new SeededRandomSource(2110));
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(1000 + laplaceTwin.Noise(), laplace.Release(1000));
            Assert.Equal(-7 + gaussianTwin.Noise(), gaussian.Release(-7));
        }

        var budget = new PrivacyBudget(1, 0, 1);
        laplace.Release(0, budget);
        Assert.Equal(0.5, budget.EpsilonSpent);
        gaussian.Release(0, budget);
        Assert.Equal(1.0 / 18, budget.RhoSpent, 15);

        var wide = new DiscreteLaplaceMechanism(1e-3, 1, new SeededRandomSource(2111));
        var wideGaussian = new DiscreteGaussianMechanism(1000, 1, new SeededRandomSource(2112));
        // Each mechanism on its own: about half of the 64 draws push past the end of the long range and must throw; the
        // others stay within 40 scales of the value (a wrapped-around result would be at the other end of the range).
        var laplaceOverflows = 0;
        var gaussianOverflows = 0;
        for (var i = 0; i < 64; i++)
        {
            try
            {
                Assert.True(wide.Release(long.MaxValue) >= long.MaxValue - 40_000);
            }
            catch (OverflowException)
            {
                laplaceOverflows++;
            }

            try
            {
                Assert.True(wideGaussian.Release(long.MinValue) <= long.MinValue + 40_000);
            }
            catch (OverflowException)
            {
                gaussianOverflows++;
            }
        }

        Assert.InRange(laplaceOverflows, 1, 64);
        Assert.InRange(gaussianOverflows, 1, 64);
    }

    // CKS20 Thm 7 at ε = 0: δ = P[−Δ/2 < Y ≤ Δ/2], the total variation distance. With σ = 1 the normaliser is
    // Σ_y e^{−y²/2} = √(2π)(1 + 2e^{−2π²} + …) by Poisson summation, so δ = 1/Z for Δ = 1 (Y = 0 only) and
    // (1 + e^{−1/2})/Z for Δ = 2 (Y ∈ {0, 1}).
    [Fact]
    public void DiscreteGaussian_ExactDeltaAtEpsilonZero_IsTheMassBetweenTheHalfSensitivities()
    {
        var z = Math.Sqrt(2 * Math.PI) * (1 + (2 * Math.Exp(-2 * Math.PI * Math.PI)));

        Assert.Equal(1 / z, DiscreteGaussianMechanism.ExactDelta(1, 0, 1), 12);
        Assert.Equal((1 + Math.Exp(-0.5)) / z, DiscreteGaussianMechanism.ExactDelta(1, 0, 2), 12);
    }

    // SigmaFor's contract: the smallest σ to a relative 1e−9, on the safe side. So δ(σ) ≤ δ and δ(σ(1 − 1e−8)) > δ.
    [Theory]
    [InlineData(1.0, 1e-6, 1L)]
    [InlineData(0.5, 1e-5, 3L)]
    public void DiscreteGaussian_SigmaFor_IsTheSmallestSafeSigma(double epsilon, double delta, long sensitivity)
    {
        var sigma = DiscreteGaussianMechanism.SigmaFor(epsilon, delta, sensitivity);

        Assert.True(DiscreteGaussianMechanism.ExactDelta(sigma, epsilon, sensitivity) <= delta);
        Assert.True(DiscreteGaussianMechanism.ExactDelta(sigma * (1 - 1e-8), epsilon, sensitivity) > delta);
    }

    [Fact]
    public void DiscreteGaussian_StaticBadInput_ThrowsNamingTheArgument()
    {
        Assert.Equal("sigma", Assert.Throws<ArgumentOutOfRangeException>(() => DiscreteGaussianMechanism.ExactDelta(1e5 * (1 + 1e-12), 1)).ParamName);
        Assert.Equal("sigma", Assert.Throws<ArgumentOutOfRangeException>(() => DiscreteGaussianMechanism.ExactDelta(0, 1)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => DiscreteGaussianMechanism.ExactDelta(1, -1e-9)).ParamName);
        Assert.Equal("sensitivity", Assert.Throws<ArgumentOutOfRangeException>(() => DiscreteGaussianMechanism.ExactDelta(1, 1, 0)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => DiscreteGaussianMechanism.SigmaFor(0, 1e-6)).ParamName);
        Assert.Equal("delta", Assert.Throws<ArgumentOutOfRangeException>(() => DiscreteGaussianMechanism.SigmaFor(1, 0)).ParamName);
        Assert.Equal("sensitivity", Assert.Throws<ArgumentOutOfRangeException>(() => DiscreteGaussianMechanism.SigmaFor(1, 1e-6, 0)).ParamName);
        Assert.Equal(3, new DiscreteGaussianMechanism(3).Sigma);
    }

    // Google's granularity (go/noise/laplace_noise.go): g = 2^⌈log₂((Δ₁/ε)/2^40)⌉. With Δ₁ = 1 and ε = 2^−40,
    // Δ₁/ε = 2^40, so g = 1 and the effective scale is b = (Δ₁ + g)/ε = 2^41 exactly. Rounding to the grid is to
    // the nearest multiple, ties to even (the documented RoundToGrid).
    [Fact]
    public void Laplace_UnitGrid_ScaleAndRoundingByHand()
    {
        var mechanism = new LaplaceMechanism(Math.Pow(2, -40), 1, new SeededRandomSource(2113));

        Assert.Equal(1.0, mechanism.Granularity);
        Assert.Equal(Math.Pow(2, 41), mechanism.Scale);
        Assert.Equal(2.0, mechanism.RoundToGrid(2.5));
        Assert.Equal(4.0, mechanism.RoundToGrid(3.5));
        Assert.Equal(-2.0, mechanism.RoundToGrid(-2.5));
        Assert.Equal(3.0, mechanism.RoundToGrid(2.6));
        Assert.Equal(2.0, LaplaceMechanism.GranularityFor(Math.Pow(2, -40), 1.5));
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => LaplaceMechanism.GranularityFor(0, 1)).ParamName);
        Assert.Equal("sensitivity", Assert.Throws<ArgumentOutOfRangeException>(() => LaplaceMechanism.GranularityFor(1, double.NaN)).ParamName);
    }

    // FromSigma: g = 2^⌈log₂(σ/2^40)⌉ and ρ = (Δ₂ + g)²/(2σ²) (Bun and Steinke 2016, Prop. 1.6, at the grid's
    // sensitivity). σ = 2^40, Δ₂ = 1: g = 1, ρ = 4/2^81. σ = 1.5·2^40: g = 2.
    [Fact]
    public void Gaussian_FromSigma_GridAndRhoByHand()
    {
        var unit = GaussianMechanism.FromSigma(Math.Pow(2, 40), 1);

        Assert.Equal(1.0, unit.Granularity);
        Assert.Equal(4 / Math.Pow(2, 81), unit.Rho);
        Assert.Equal(unit.Rho, unit.Guarantee.Rho);
        Assert.Equal(2.0, unit.RoundToGrid(2.5));
        Assert.Equal(-4.0, unit.RoundToGrid(-3.5));
        Assert.Equal(2.0, GaussianMechanism.FromSigma(1.5 * Math.Pow(2, 40), 1).Granularity);
        Assert.Equal("sigma", Assert.Throws<ArgumentOutOfRangeException>(() => GaussianMechanism.FromSigma(0, 1)).ParamName);
        Assert.Equal("sensitivity", Assert.Throws<ArgumentOutOfRangeException>(() => GaussianMechanism.FromSigma(1, double.NaN)).ParamName);
    }

    // The (ε, δ) constructor: the guarantee is (ε, δ) and ρ = (Δ₂ + g)²/(2σ²) with the recalibrated σ.
    [Fact]
    public void Gaussian_Calibrated_GuaranteeAndRho()
    {
        var mechanism = new GaussianMechanism(0.5, 1e-6, 2, GaussianCalibrationMethod.Classic);
        var g = mechanism.Granularity;

        Assert.Equal(PrivacyGuarantee.Approximate(0.5, 1e-6), mechanism.Guarantee);
        Assert.Equal((2 + g) * (2 + g) / (2 * mechanism.Sigma * mechanism.Sigma), mechanism.Rho, 15);
        Assert.Equal(GaussianCalibration.ClassicSigma(0.5, 1e-6, 2 + g), mechanism.Sigma);
        Assert.Equal(2, mechanism.Sensitivity.Value);
    }

    [Fact]
    public void GaussianCalibration_MethodAndClassicRange()
    {
        Assert.Equal(GaussianCalibration.ClassicSigma(0.5, 1e-5, 1), GaussianCalibration.Sigma(0.5, 1e-5, 1, GaussianCalibrationMethod.Classic));
        Assert.Equal(GaussianCalibration.AnalyticSigma(0.5, 1e-5, 1), GaussianCalibration.Sigma(0.5, 1e-5, 1, GaussianCalibrationMethod.Analytic));
        Assert.Equal("method", Assert.Throws<ArgumentOutOfRangeException>(() => GaussianCalibration.Sigma(0.5, 1e-5, 1, (GaussianCalibrationMethod)7)).ParamName);

        // ε = 1e−310 is in (0, 1) but Δ·√(2 ln(1.25/δ))/ε overflows: the documented range error, not +∞.
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => GaussianCalibration.ClassicSigma(1e-310, 1e-5, 1)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => GaussianCalibration.ClassicSigma(0, 1e-5, 1)).ParamName);
        Assert.Equal("delta", Assert.Throws<ArgumentOutOfRangeException>(() => GaussianCalibration.ClassicSigma(0.5, 1, 1)).ParamName);
        Assert.Equal("sensitivity", Assert.Throws<ArgumentOutOfRangeException>(() => GaussianCalibration.ClassicSigma(0.5, 1e-5, 0)).ParamName);
        Assert.Equal("sigma", Assert.Throws<ArgumentOutOfRangeException>(() => GaussianCalibration.Delta(0, 1, 1)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => GaussianCalibration.Delta(1, -1, 1)).ParamName);
        Assert.Equal("sensitivity", Assert.Throws<ArgumentOutOfRangeException>(() => GaussianCalibration.Delta(1, 1, -1)).ParamName);
    }

    // Every factory method builds the mechanism it names with the factory's source: the same seed gives the same draws
    // as the mechanism built directly, with the arguments passed through.
    [Fact]
    public void MechanismFactory_CreatesEachMechanismWithItsSource()
    {
        static IMechanismFactory Factory() => new MechanismFactory(new SeededRandomSource(2114));
        static SeededRandomSource Source() => new(2114);

        Assert.Equal(new LaplaceMechanism(0.7, 2, Source()).Release(5), Factory().CreateLaplace(0.7, 2).Release(5));
        Assert.Equal(new GaussianMechanism(0.7, 1e-6, 2, GaussianCalibrationMethod.Classic, Source()).Release(5), Factory().CreateGaussian(0.7, 1e-6, 2, GaussianCalibrationMethod.Classic).Release(5));
        Assert.Equal(new DiscreteLaplaceMechanism(0.7, 2, Source()).Release(5), Factory().CreateDiscreteLaplace(0.7, 2).Release(5));
        Assert.Equal(new DiscreteGaussianMechanism(4, 2, Source()).Release(5), Factory().CreateDiscreteGaussian(4, 2).Release(5));
        Assert.Equal(new ExponentialMechanism(0.7, 2, true, Source()).Select([1, 2, 3]), Factory().CreateExponential(0.7, 2, true).Select([1, 2, 3]));
        Assert.Equal(new RandomizedResponse(0.7, 3, Source()).Respond(1), Factory().CreateRandomizedResponse(0.7, 3).Respond(1));

        var factory = Factory();
        Assert.Equal(3, factory.CreateRandomizedResponse(0.7, 3).Categories);
        Assert.Equal(2, factory.CreateDiscreteGaussian(4, 2).Sensitivity.Value);
        Assert.Equal(PrivacyGuarantee.Approximate(0.7, 1e-6), factory.CreateGaussian(0.7, 1e-6, 2).Guarantee);
        Assert.Equal(0.7, factory.CreateExponential(0.7, 2).Guarantee.Epsilon);
        Assert.Equal(2, factory.CreateDiscreteLaplace(0.7, 2).Sensitivity.Value);
        Assert.Equal(2, factory.CreateLaplace(0.7, 2).Sensitivity.Value);
        Assert.Throws<ArgumentNullException>("randomSource", () => new MechanismFactory(null!));
    }
}
