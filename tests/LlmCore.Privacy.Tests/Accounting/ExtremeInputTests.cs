using LlmCore.Privacy.Accounting;
using LlmCore.Privacy.Mechanisms;
using MathNet.Numerics.Distributions;

namespace LlmCore.Privacy.Tests.Accounting;

/// <summary>
/// Inputs at the ends of double precision (issue 22, found by the CLI's property tests): every call returns a sound,
/// finite answer or refuses with an ArgumentOutOfRangeException naming the parameter; never NaN, a hang, or a
/// negative RDP value.
/// </summary>
public class ExtremeInputTests
{
    [Fact]
    public void AnalyticSigma_EpsilonNearZero_IsTheZeroEpsilonLimit()
    {
        // Balle and Wang 2018, Thm 8 at ε = 0: δ = Φ(Δ/2σ) − Φ(−Δ/2σ), so σ = Δ / (2 Φ⁻¹((1 + δ)/2)).
        const double delta = 1e-5;
        var expected = 1.0 / (2 * Normal.InvCDF(0, 1, (1 + delta) / 2));

        var sigma = GaussianCalibration.AnalyticSigma(1e-320, delta, 1.0);

        Assert.Equal(expected, sigma, expected * 1e-6);
    }

    [Theory]
    [InlineData(1e200)]
    [InlineData(1e300)]
    [InlineData(double.MaxValue)]
    public void AnalyticSigma_EpsilonBeyondDoublePrecision_RefusedNamingEpsilon(double epsilon)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => GaussianCalibration.AnalyticSigma(epsilon, 1e-5, 1.0));

        Assert.Equal("epsilon", ex.ParamName);
    }

    [Fact]
    public void AnalyticSigma_LargeButComputableEpsilon_MeetsDelta()
    {
        var sigma = GaussianCalibration.AnalyticSigma(1e50, 1e-5, 1.0);

        Assert.True(double.IsNormal(sigma) && sigma > 0);
        Assert.True(GaussianCalibration.Delta(sigma, 1e50, 1.0) <= 1e-5);
    }

    [Fact]
    public void ClassicSigma_Overflowing_RefusedNamingEpsilon()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => GaussianCalibration.ClassicSigma(1e-320, 1e-5, 1.0));

        Assert.Equal("epsilon", ex.ParamName);
    }

    [Theory]
    [InlineData(1e-6, 2.777502534804034e167, 2.5)]
    [InlineData(1e-6, 1e150, 32)]
    [InlineData(0.5, 1e100, 1.5)]
    public void SampledGaussianRdp_HugeSigma_IsZeroNotNegative(double q, double sigma, double order)
    {
        // RDP(α) → 0 as σ → ∞ (Mironov, Talwar and Zhang 2019, Sec. 3.3); the series may round below zero, RDP may not.
        Assert.Equal(0.0, RdpAccountant.ComputeSampledGaussianRdp(q, sigma, order), 1e-12);
        Assert.True(RdpAccountant.ComputeSampledGaussianRdp(q, sigma, order) >= 0.0);
    }

    [Fact]
    public void SampledGaussianRdp_SigmaSoSmallThatOneOverSigmaSquaredOverflows_IsInfinite()
    {
        Assert.Equal(double.PositiveInfinity, RdpAccountant.ComputeSampledGaussianRdp(1e-191, 1e-213, 2.5));
    }

    [Theory]
    [InlineData(1.0, 1e200)]
    [InlineData(1.0, 1e300)]
    [InlineData(0.5, 1e200)]
    public void Pld_HugeSigma_GivesAFiniteEpsilonWithinOneGridStepOfZero(double q, double sigma)
    {
        // The Gaussian's ε(δ) → 0 as σ → ∞ (Balle and Wang 2018, Thm 8); the pessimistic grid may round it up by at most
        // one interval.
        var accountant = new PldAccountant();
        accountant.Compose(new PoissonSampledEvent(q, new GaussianEvent(sigma)));

        var epsilon = accountant.GetEpsilon(1e-5);

        Assert.InRange(epsilon, 0.0, accountant.DiscretizationInterval);
    }
}
