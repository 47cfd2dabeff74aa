using LlmCore.Privacy.Mechanisms;

namespace LlmCore.Privacy.Tests.Mechanisms;

/// <summary>
/// The Gaussian calibrations at the edges of their searches (docs/quality.md, the Mechanisms run of 2026-12-05): the
/// analytic σ against values computed independently with mpmath, the discrete Gaussian's exact δ against a direct
/// summation in mpmath, and the documented range limits.
/// </summary>
public class CalibrationMutationGapTests
{
    // The analytic Gaussian mechanism (Balle and Wang 2018, Thm 8): σ is the smallest value with
    // Φ(Δ/(2σ) − εσ/Δ) − e^ε·Φ(−Δ/(2σ) − εσ/Δ) ≤ δ. Reference σ computed with mpmath 1.3.0 at 50 digits (ncdf, 400
    // bisection steps in ln σ on the binary64 inputs). The type documents the smallest σ; the root is found with a
    // tolerance of 1e−14 in ln σ and nudged up by single ulps, so it is within 1e−13 relative of the exact value. The
    // rows with ε = 10, 50, 6 and 8·Δ have σ below Δ/2 (the search walks its bracket downwards); 1e−200 and 1e−100 are
    // the log-space range. At ε = 1e−3 the two Φ terms of δ nearly cancel (δ ≈ 2Φ(Δ/(2σ)) − 1 minus a term of order ε), so
    // δ is evaluated to about 1e−12 relative and σ can be as far off (on the safe side, above the exact value): that row
    // allows 1e−12.
    [Theory]
    [InlineData(10, 1e-05, 1, 0.49988861970900851)]
    [InlineData(50, 1e-05, 1, 0.14976060756083602)]
    [InlineData(1, 1e-05, 1, 3.7306316348159418)]
    [InlineData(0.5, 1e-10, 2, 22.872479990184058)]
    [InlineData(3, 1e-100, 1, 7.0360972533622326)]
    [InlineData(0.1, 1e-06, 1, 36.304690426195783)]
    [InlineData(2, 0.001, 5, 7.2261958046489176)]
    [InlineData(0.001, 1e-05, 1, 1724.2590335838075, 1e-12)]
    [InlineData(8, 1e-12, 0.25, 0.22806299970998946)]
    [InlineData(0.05, 0.3, 1, 1.2246377577568426)]
    [InlineData(4, 1e-50, 1, 3.6995032144749084)]
    [InlineData(20, 1e-200, 1, 1.5203496305707265)]
    [InlineData(0.7, 1e-07, 3, 19.638492110910901)]
    [InlineData(1.5, 1e-20, 1, 5.939491091376908)]
    [InlineData(6, 0.01, 1, 0.49987532479798004)]
    [InlineData(0.25, 1e-09, 10, 207.84359117599785)]
    public void AnalyticSigma_MatchesMpmathAndIsSafe(double epsilon, double delta, double sensitivity, double expected, double tolerance = 1e-13)
    {
        var sigma = GaussianCalibration.AnalyticSigma(epsilon, delta, sensitivity);

        Assert.True(Math.Abs(sigma - expected) <= tolerance * expected, $"sigma {sigma:R}, mpmath {expected:R}");
        Assert.True(GaussianCalibration.Delta(sigma, epsilon, sensitivity) <= delta);
    }

    // Far in the tail δ(σ) underflows: at σ = 1e10, Δ = 1, ε = 1 the exact δ is below Φ(−1e10 + 5e−11) ≈ e^{−5e19},
    // 0 in binary64. The documented result is a δ in [0, 1], so 0, never NaN.
    [Theory]
    [InlineData(1e10, 1.0)]
    [InlineData(1e12, 0.5)]
    public void Delta_FarTail_IsZeroNotNaN(double sigma, double epsilon)
    {
        Assert.Equal(0.0, GaussianCalibration.Delta(sigma, epsilon, 1));
    }

    // σ for ε = 1e−10, δ = 1e−5 at Δ = 1e305: for small ε, δ(σ) ≈ Δ/(σ√(2π)), so σ ≈ Δ/(δ√(2π)) ≈ 4e309, above the largest
    // double. The error names ε and says why (σ overflows), so the advice "give a larger epsilon" is the right one.
    [Fact]
    public void AnalyticSigma_AboveTheLargestDouble_SaysSo()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => GaussianCalibration.AnalyticSigma(1e-10, 1e-5, 1e305));

        Assert.Equal("epsilon", error.ParamName);
        Assert.Contains("exceeds the largest double", error.Message, StringComparison.Ordinal);
    }

    // The classic bound holds for ε in (0, 1) only (Dwork and Roth 2014, Thm A.1): ε = 0 is refused with that range.
    [Fact]
    public void ClassicSigma_EpsilonZero_NamesTheRange()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => GaussianCalibration.ClassicSigma(0, 1e-5, 1));

        Assert.Equal("epsilon", error.ParamName);
        Assert.Contains("(0, 1)", error.Message, StringComparison.Ordinal);
    }

    // CKS20 Thm 7: δ = P[Y > εσ²/Δ − Δ/2] − e^ε·P[Y > εσ²/Δ + Δ/2], Y ~ N_ℤ(0, σ²). Reference values by direct
    // summation of e^{−y²/(2σ²)} over |y| ≤ 60σ + 10 in mpmath 1.3.0 at 40 digits. σ = 10 and 25 need the sum out to
    // many σ (the tails are at 10σ); Δ = 2, 3, 4 put Δ in the threshold εσ²/Δ.
    [Theory]
    [InlineData(10, 1, 1, 1.279240856716094e-25)]
    [InlineData(10, 0.5, 3, 0.0075672552384283182)]
    [InlineData(7.5, 1, 2, 9.0775749723119492e-6)]
    [InlineData(25, 0.2, 4, 0.008926119362706062)]
    public void DiscreteGaussian_ExactDelta_MatchesDirectSummation(double sigma, double epsilon, long sensitivity, double expected)
    {
        var delta = DiscreteGaussianMechanism.ExactDelta(sigma, epsilon, sensitivity);

        Assert.True(Math.Abs(delta - expected) <= 1e-9 * expected, $"delta {delta:R}, mpmath {expected:R}");
    }

    // σ = 0.02: all but e^{−1250} of the mass is at 0, so P[Y > εσ² − 1/2] = 1 and P[Y > εσ² + 1/2] = 0 in binary64:
    // δ = 1 (no privacy), not NaN.
    [Fact]
    public void DiscreteGaussian_ExactDelta_TinySigmaIsAPointMass()
    {
        Assert.Equal(1.0, DiscreteGaussianMechanism.ExactDelta(0.02, 1, 1));
    }

    // σ = 1e5 is the top of ExactDelta's documented range (0, 1e5]. For large σ the discrete δ equals the continuous
    // one with the half-integer thresholds (CKS20 §2; the mass at y approximates the density over [y − 1/2, y + 1/2]):
    // Φ(1/(2σ) − εσ) − e^ε·Φ(−1/(2σ) − εσ) = 8.33158871654e−7 at ε = 1e−5 (mpmath); a float summation in Python of the
    // 8·10⁶ terms gave 8.331588716992e−7.
    [Fact]
    public void DiscreteGaussian_ExactDelta_AtTheTopOfItsRange()
    {
        Assert.Equal(8.3315887165e-7, DiscreteGaussianMechanism.ExactDelta(1e5, 1e-5, 1), 1e-15);
    }
}
