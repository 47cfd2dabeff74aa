using LlmCore.Privacy.Accounting.Internal;
using LlmCore.Privacy.Mechanisms;
using LlmCore.Privacy.Tests.TestSupport;

namespace LlmCore.Privacy.Tests.Mechanisms;

public class GaussianCalibrationTests
{
    [Theory]
    [InlineData("google_go_delta_for_gaussian_s10_e0.1")] // google/differential-privacy go/noise/gaussian_noise_test.go::TestDeltaForGaussian
    [InlineData("google_go_delta_for_gaussian_s10_eln3_D5")] // same source
    [InlineData("google_go_delta_for_gaussian_s0.5_e0")] // same source
    [InlineData("google_go_delta_for_gaussian_s500_e0.5_D10_tiny")] // go/noise/gaussian_noise_test.go::TestDeltaForGaussianInvertsSigma (comment)
    public void Delta_ReferenceVectors_MatchToRelative1e8(string id)
    {
        var sigma = ReferenceVectors.Input(id, "sigma");
        var epsilon = ReferenceVectors.Input(id, "epsilon");
        var sensitivity = ReferenceVectors.Input(id, "l2_sensitivity");
        var expected = ReferenceVectors.Recomputed(id);

        var delta = GaussianCalibration.Delta(sigma, epsilon, sensitivity);

        Assert.True(Math.Abs(delta - expected) <= 1e-8 * expected, $"{delta} vs {expected}");
    }

    [Theory]
    // The vectors pin Google's 1e-3 bisection grid; their notes give the exact BW18 variance, which the analytic σ must reproduce.
    [InlineData("google_go_gauss_variance_ln3_1e-10", 28.74553182)] // go/noise/gaussian_noise_test.go::TestGaussianStatistics (note: exact BW18 variance)
    [InlineData("google_go_gauss_variance_ln3_1e-5", 11.72831254)] // same source
    [InlineData("google_go_gauss_variance_2ln3_1e-10_l0_2", 15.31733780)] // same source, L2 sensitivity √2 (l0 = 2, linf = 1)
    [InlineData("google_go_gauss_variance_2ln3_1e-10", 7.65866890)] // same source
    public void AnalyticSigma_GoogleStatisticsVectors_MatchExactVariance(string id, double exactVariance)
    {
        var epsilon = ReferenceVectors.Input(id, "epsilon");
        var delta = ReferenceVectors.Input(id, "delta");
        var sensitivity = Math.Sqrt(ReferenceVectors.Input(id, "l0")) * ReferenceVectors.Input(id, "linf");

        var sigma = GaussianCalibration.AnalyticSigma(epsilon, delta, sensitivity);

        Assert.True(Math.Abs((sigma * sigma) - exactVariance) <= 1e-7 * exactVariance, $"{sigma * sigma} vs {exactVariance}");

        // Google's grid value (the vector) is an upper bound of the exact one within its 1e-3 relative accuracy.
        var grid = ReferenceVectors.Recomputed(id);
        Assert.InRange(grid / (sigma * sigma), 1.0, 1.0021);
    }

    [Fact]
    public void AnalyticSigma_GoogleCcVarianceAtHalfDelta_MatchesExact()
    {
        // google/differential-privacy cc/algorithms/numerical-mechanisms_test.cc::GaussianMechanismCdf (vector google_cc_gauss_variance_eps1_d0.5): note gives exact BW18 variance 0.257115.
        var sigma = GaussianCalibration.AnalyticSigma(1, 0.5, 1);

        Assert.Equal(0.257115, sigma * sigma, 6);
    }

    [Fact]
    public void AnalyticSigma_Ln3At1e5_MatchesBalleWang()
    {
        // Balle and Wang 2018 (Thm 8), solved exactly: ε = ln 3, δ = 1e-5 → exact σ 3.4246624 (Google's grid returns 3.42578125).
        var sigma = GaussianCalibration.AnalyticSigma(Math.Log(3), 1e-5, 1);

        Assert.Equal(3.4246624, sigma, 6);
    }

    [Fact]
    public void AnalyticSigma_DeltaOf6e47_Is14()
    {
        // Google dp_accounting (computed in log δ with log_ndtr): σ(δ = 6.49e-47, ε = 1) = 14.0.
        var sigma = GaussianCalibration.AnalyticSigma(1, 6.49e-47, 1);

        Assert.Equal(14.0, sigma, 2);
    }

    [Theory]
    [InlineData(1e-300)]
    [InlineData(1e-200)]
    [InlineData(1e-100)]
    public void AnalyticSigma_TinyDelta_IsFiniteTightAndSafe(double delta)
    {
        var sigma = GaussianCalibration.AnalyticSigma(1, delta, 1);

        Assert.True(double.IsFinite(sigma));
        var atSigma = GaussianCalibration.Delta(sigma, 1, 1);
        var below = GaussianCalibration.Delta(sigma * (1 - 1e-6), 1, 1);
        Assert.True(atSigma <= delta, $"delta(sigma = {sigma}) = {atSigma}");
        Assert.True(below > delta, $"delta(sigma*(1-1e-6)) = {below}");
    }

    [Theory]
    [InlineData(0.5, 1e-5, 1.0)]
    [InlineData(0.1, 1e-6, 3.0)]
    public void ClassicSigma_BelowOne_IsDworkRothFormulaAndLooserThanAnalytic(double epsilon, double delta, double sensitivity)
    {
        // Dwork and Roth 2014, Thm A.1: σ = Δ·√(2 ln(1.25/δ))/ε.
        var expected = sensitivity * Math.Sqrt(2 * Math.Log(1.25 / delta)) / epsilon;

        Assert.Equal(expected, GaussianCalibration.ClassicSigma(epsilon, delta, sensitivity), 12);
        Assert.True(GaussianCalibration.AnalyticSigma(epsilon, delta, sensitivity) < expected);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.5)]
    public void ClassicSigma_EpsilonAtLeastOne_Throws(double epsilon)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => GaussianCalibration.ClassicSigma(epsilon, 1e-5, 1));

        Assert.Equal("epsilon", ex.ParamName);
    }

    [Theory]
    [InlineData(double.NaN, 1e-5, 1, "epsilon")]
    [InlineData(0, 1e-5, 1, "epsilon")]
    [InlineData(-1, 1e-5, 1, "epsilon")]
    [InlineData(double.PositiveInfinity, 1e-5, 1, "epsilon")]
    [InlineData(1, 0, 1, "delta")]
    [InlineData(1, 1, 1, "delta")]
    [InlineData(1, double.NaN, 1, "delta")]
    [InlineData(1, 1e-5, 0, "sensitivity")]
    [InlineData(1, 1e-5, double.NaN, "sensitivity")]
    public void AnalyticSigma_BadInput_ThrowsNamingParameter(double epsilon, double delta, double sensitivity, string parameter)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => GaussianCalibration.AnalyticSigma(epsilon, delta, sensitivity));

        Assert.Equal(parameter, ex.ParamName);
    }

    [Fact]
    public void LogNormalCdf_FarTail_MatchesAsymptoticAndErfcRegions()
    {
        // ln Φ(x) from mpmath (30 digits): both sides of LogMath's switch from MathNet's erfc to the
        // asymptotic series (x = −20·√2 ≈ −28.28), one shared routine for the analytic Gaussian and the PLD accountant.
        Assert.Equal(-53.2312851505124705, LogMath.LogNormalCdf(-10), 11);
        Assert.Equal(-203.917155371097264, LogMath.LogNormalCdf(-20), 10);
        Assert.Equal(-396.2524145116310384, LogMath.LogNormalCdf(-28), 9);
        Assert.Equal(-410.3950700020256018, LogMath.LogNormalCdf(-28.5), 9);
        Assert.Equal(-454.321213923083998, LogMath.LogNormalCdf(-29.999999), 9);
        Assert.Equal(-454.321243956343197, LogMath.LogNormalCdf(-30), 9);
        Assert.Equal(-804.6084420137537882, LogMath.LogNormalCdf(-40), 9);
    }
}
