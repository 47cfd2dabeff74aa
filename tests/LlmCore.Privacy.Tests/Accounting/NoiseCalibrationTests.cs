using LlmCore.Privacy.Accounting;

namespace LlmCore.Privacy.Tests.Accounting;

/// <summary>Noise calibration, pinned to Opacus' get_noise_multiplier (RDP, tolerance 0.01, returns σ_high).</summary>
public class NoiseCalibrationTests
{
    // Opacus opacus/tests/accountants_test.py::test_get_noise_multiplier_rdp_epochs: ε = 8, δ = 1e-5, q = 0.04,
    // epochs = 90 (steps = int(90/0.04) = 2250) → 1.416 (places = 4); the research note: the grid point 1.416015625.
    [Fact]
    public void FindNoiseMultiplier_OpacusEpochsTest_ReturnsOpacusGridPoint()
    {
        var result = NoiseCalibration.FindNoiseMultiplier(8, 1e-5, 0.04, 2250, static () => new RdpAccountant());
        Assert.Equal(1.416015625, result.NoiseMultiplier, 12);
        Assert.InRange(result.Epsilon, 8 - NoiseCalibration.DefaultEpsilonTolerance, 8);
    }

    // test_get_noise_multiplier_rdp_steps: steps = 2000 → 1.3562 (places = 4); the grid point 1.356201171875.
    [Fact]
    public void FindNoiseMultiplier_OpacusStepsTest_ReturnsOpacusGridPoint()
    {
        var result = NoiseCalibration.FindNoiseMultiplier(8, 1e-5, 0.04, 2000, static () => new RdpAccountant());
        Assert.Equal(1.356201171875, result.NoiseMultiplier, 12);
    }

    [Fact]
    public void FindNoiseMultiplier_Pld_StaysBelowTargetAndBelowRdpSigma()
    {
        var pld = NoiseCalibration.FindNoiseMultiplier(4, 1e-5, 0.02, 200, static () => new PldAccountant(1e-3));
        var rdp = NoiseCalibration.FindNoiseMultiplier(4, 1e-5, 0.02, 200, static () => new RdpAccountant());
        Assert.InRange(pld.Epsilon, 4 - 0.01, 4);
        Assert.True(pld.NoiseMultiplier <= rdp.NoiseMultiplier);
    }

    [Fact]
    public void FindNoiseMultiplier_ImpossibleBudget_Throws()
    {
        var ex = Assert.Throws<PrivacyCalibrationException>(() =>
            NoiseCalibration.FindNoiseMultiplier(1e-9, 1e-12, 1.0, 1_000_000, static () => new RdpAccountant()));
        Assert.Equal(1e-9, ex.TargetEpsilon);
    }

    [Fact]
    public void MaxSteps_IsTheLastStepCountWithinBudget()
    {
        var step = new PoissonSampledEvent(0.01, new GaussianEvent(1.0));
        var t = NoiseCalibration.MaxSteps(step, 2.0, 1e-5, static () => new RdpAccountant());
        var within = new RdpAccountant();
        within.Compose(step, t);
        var beyond = new RdpAccountant();
        beyond.Compose(step, t + 1);
        Assert.True(within.GetEpsilon(1e-5) <= 2.0);
        Assert.True(beyond.GetEpsilon(1e-5) > 2.0);
    }

    [Fact]
    public void MaxEpochs_Mnist_RespectsBudget()
    {
        var epochs = NoiseCalibration.MaxEpochs(60000, 256, 1.1, 2.0, 1e-5, static () => new RdpAccountant());
        var accountant = new RdpAccountant();
        accountant.Compose(new PoissonSampledEvent(256.0 / 60000, new GaussianEvent(1.1)), NoiseCalibration.StepsForEpochs(epochs, 60000, 256));
        Assert.True(accountant.GetEpsilon(1e-5) <= 2.0);
        var more = new RdpAccountant();
        more.Compose(new PoissonSampledEvent(256.0 / 60000, new GaussianEvent(1.1)), NoiseCalibration.StepsForEpochs(epochs + 1, 60000, 256));
        Assert.True(more.GetEpsilon(1e-5) > 2.0);
    }

    [Fact]
    public void StepsForEpochs_IsCeiling()
    {
        Assert.Equal(14063, NoiseCalibration.StepsForEpochs(60, 60000, 256));
        Assert.Equal(2250, NoiseCalibration.StepsForEpochs(90, 100, 4));
    }

    // Issue 22: a large target ε drives the bisection towards tiny σ, where the PLD accountant's grid grows without bound.
    // With a small grid limit (2^16 points) the accountant refuses σ below ~0.3 at q = 0.01, T = 10; the search must stop at
    // the smallest σ it can certify, keep ε ≤ target, and say so.
    [Fact]
    public void FindNoiseMultiplier_PldRefusesSmallSigma_StopsAtTheLimitAndSaysSo()
    {
        static PldAccountant Small() => new(1e-4, 1e-15, 1 << 16);
        var result = NoiseCalibration.FindNoiseMultiplier(200.0, 1e-5, 0.01, 10, Small);

        Assert.True(result.StoppedAtAccountantLimit);
        Assert.True(result.Epsilon <= 200.0);
        var below = Small();
        Assert.Throws<AccountingLimitExceededException>(() => below.Compose(new PoissonSampledEvent(0.01, new GaussianEvent(result.NoiseMultiplier * 0.99)), 10));
    }

    [Fact]
    public void FindNoiseMultiplier_WithinLimits_DoesNotClaimTheLimit()
    {
        var result = NoiseCalibration.FindNoiseMultiplier(2.0, 1e-5, 0.01, 100, static () => new RdpAccountant());

        Assert.False(result.StoppedAtAccountantLimit);
    }
}
