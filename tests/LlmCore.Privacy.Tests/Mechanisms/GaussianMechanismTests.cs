using CsCheck;
using LlmCore.Privacy.Guarantees;
using LlmCore.Privacy.Mechanisms;
using LlmCore.Privacy.Sampling;
using LlmCore.Privacy.Tests.TestSupport;
using MathNet.Numerics.Distributions;

namespace LlmCore.Privacy.Tests.Mechanisms;

public class GaussianMechanismTests
{
    [Fact]
    public void FillNoise_100kSamples_PassesKolmogorovSmirnovAgainstNormal()
    {
        // KS at level 0.001 (false-failure rate 0.1%) against N(0, σ²).
        var mechanism = new GaussianMechanism(1, 1e-5, 1, source: new SeededRandomSource(51));
        var noise = new double[100_000];
        mechanism.FillNoise(noise);
        var normal = new Normal(0, mechanism.Sigma);

        Assert.True(Statistics.KolmogorovSmirnov(noise, normal.CumulativeDistribution) < Statistics.KsCritical001(noise.Length));
        Assert.All(noise, x => Assert.Equal(Math.Floor(x / mechanism.Granularity), x / mechanism.Granularity));
    }

    [Fact]
    public void Release_AnyFiniteInput_LandsOnTheGrid()
    {
        Gen.Select(Gen.Double[-1e9, 1e9], Gen.Double[0.05, 5], Gen.Double[1e-2, 100]).Sample((value, epsilon, sensitivity) =>
        {
            var mechanism = new GaussianMechanism(epsilon, 1e-6, sensitivity, source: new SeededRandomSource(8));
            var steps = mechanism.Release(value) / mechanism.Granularity;
            return Math.Floor(steps) == steps;
        }, iter: 200);
    }

    [Fact]
    public void Sigma_IsCalibratedAtSensitivityPlusGranularity()
    {
        var mechanism = new GaussianMechanism(Math.Log(3), 1e-5, 1);

        // Balle and Wang 2018 (Thm 8): exact σ = 3.4246624 at Δ = 1; the grid adds g ≤ σ·2^-39 to Δ.
        Assert.InRange(mechanism.Sigma, 3.4246623, 3.4246625 * (1 + 1e-6));
        Assert.True(GaussianCalibration.Delta(mechanism.Sigma, Math.Log(3), 1 + mechanism.Granularity) <= 1e-5);
        Assert.Equal(PrivacyGuaranteeKind.Approximate, mechanism.Guarantee.Kind);
        Assert.Equal(SensitivityNorm.L2, mechanism.Sensitivity.Norm);
    }

    [Fact]
    public void FromSigma_GoogleJavaSigmaForRho_GivesRho()
    {
        // google/differential-privacy java/tests/.../GaussianNoiseTest.java::getSigmaForRho_returnsCorrectly (vector google_java_sigma_for_rho): Δ = 10, ρ = 8 ↔ σ = 2.5.
        var id = "google_java_sigma_for_rho";
        var mechanism = GaussianMechanism.FromSigma(ReferenceVectors.Recomputed(id), ReferenceVectors.Input(id, "l2_sensitivity"));

        Assert.Equal(PrivacyGuaranteeKind.ZeroConcentrated, mechanism.Guarantee.Kind);
        Assert.Equal(ReferenceVectors.Input(id, "rho"), mechanism.Guarantee.Rho, 9);
    }

    [Fact]
    public void Classic_EpsilonAtLeastOne_Throws()
    {
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianMechanism(1.5, 1e-5, 1, GaussianCalibrationMethod.Classic)).ParamName);
    }

    [Theory]
    [InlineData(1, -0.1, 1, "delta")]
    [InlineData(1, 1.0, 1, "delta")]
    [InlineData(0, 1e-5, 1, "epsilon")]
    [InlineData(1, 1e-5, -2, "sensitivity")]
    public void Constructor_BadInput_ThrowsNamingParameter(double epsilon, double delta, double sensitivity, string parameter)
    {
        Assert.Equal(parameter, Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianMechanism(epsilon, delta, sensitivity)).ParamName);
    }
}
