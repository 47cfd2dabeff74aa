using LlmCore.Privacy.Mechanisms;
using LlmCore.Privacy.Sampling;
using LlmCore.Privacy.Tests.TestSupport;

namespace LlmCore.Privacy.Tests.Mechanisms;

public class DiscreteMechanismTests
{
    [Fact]
    public void DiscreteLaplace_100kReleases_PassChiSquare()
    {
        // Chi-square at 0.001 (false-failure rate 0.1%): noise ∝ exp(−ε|k|/Δ), ε = 0.5, Δ = 1.
        var mechanism = new DiscreteLaplaceMechanism(0.5, 1, new SeededRandomSource(61));
        var q = Math.Exp(-0.5);
        var samples = Enumerable.Range(0, 100_000).Select(_ => mechanism.Release(100) - 100).ToList();

        Assert.True(Statistics.ChiSquarePValue(samples, x => (1 - q) / (1 + q) * Math.Pow(q, Math.Abs(x)), -20, 20) > 0.001);
        Assert.Equal(2.0, mechanism.Scale);
    }

    [Fact]
    public void DiscreteGaussian_OpenDpMap_RhoIsDeltaSquaredOverTwoSigmaSquared()
    {
        // opendp rust/src/measurements/noise/distribution/gaussian/test.rs::test_make_gaussian_map (vector opendp_gaussian_map_scale1_din3).
        var id = "opendp_gaussian_map_scale1_din3";
        var mechanism = new DiscreteGaussianMechanism(ReferenceVectors.Input(id, "scale"), (long)ReferenceVectors.Input(id, "d_in"));

        Assert.Equal(ReferenceVectors.Recomputed(id), mechanism.Guarantee.Rho);
    }

    [Fact]
    public void DiscreteGaussian_DpAccountingRdp_IsOrderTimesRho()
    {
        // google/differential-privacy python/dp_accounting/.../rdp_privacy_accountant_test.py::test_discrete_gaussian_rdp (vector dpacc_discrete_gaussian_rdp).
        var id = "dpacc_discrete_gaussian_rdp";
        var mechanism = new DiscreteGaussianMechanism(ReferenceVectors.Input(id, "sigma"), (long)ReferenceVectors.Input(id, "sensitivity"));

        Assert.Equal(ReferenceVectors.Recomputed(id), ReferenceVectors.Input(id, "order") * mechanism.Guarantee.Rho, 7);
    }

    [Fact]
    public void DiscreteGaussian_ExactDelta_MatchesCks20()
    {
        // Canonne, Kamath and Steinke 2020 (Thm 7): σ = 2, ε = 3, Δ = 1 → δ = 4.009028e-10.
        Assert.Equal(4.009028e-10, DiscreteGaussianMechanism.ExactDelta(2, 3, 1), 15);
    }

    [Fact]
    public void DiscreteGaussian_SigmaFor_MatchesDiffprivlib()
    {
        // IBM/differential-privacy-library tests/mechanisms/test_GaussianDiscrete.py::test_sanity_scale (vector diffprivlib_discrete_gaussian_scale).
        var id = "diffprivlib_discrete_gaussian_scale";
        var sigma = DiscreteGaussianMechanism.SigmaFor(ReferenceVectors.Input(id, "epsilon"), ReferenceVectors.Input(id, "delta"), (long)ReferenceVectors.Input(id, "sensitivity"));

        Assert.Equal(ReferenceVectors.Recomputed(id), sigma, 6);
    }

    [Fact]
    public void DiscreteGaussian_100kReleases_PassChiSquare()
    {
        // Chi-square at 0.001 (false-failure rate 0.1%) against N_Z(0, 1.5²).
        var mechanism = new DiscreteGaussianMechanism(1.5, 1, new SeededRandomSource(62));
        var z = Enumerable.Range(-100, 201).Sum(static x => Math.Exp(-(double)x * x / 4.5));
        var samples = Enumerable.Range(0, 100_000).Select(_ => mechanism.Noise()).ToList();

        Assert.True(Statistics.ChiSquarePValue(samples, x => Math.Exp(-(double)x * x / 4.5) / z, -8, 8) > 0.001);
    }

    [Fact]
    public void Constructors_BadInput_ThrowNamingParameter()
    {
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new DiscreteLaplaceMechanism(-1)).ParamName);
        Assert.Equal("sensitivity", Assert.Throws<ArgumentOutOfRangeException>(() => new DiscreteLaplaceMechanism(1, 0)).ParamName);
        Assert.Equal("sigma", Assert.Throws<ArgumentOutOfRangeException>(() => new DiscreteGaussianMechanism(double.NaN)).ParamName);
        Assert.Equal("sensitivity", Assert.Throws<ArgumentOutOfRangeException>(() => new DiscreteGaussianMechanism(1, -3)).ParamName);
    }
}
