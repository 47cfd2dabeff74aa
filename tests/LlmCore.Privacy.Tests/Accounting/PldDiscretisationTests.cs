using LlmCore.Privacy.Accounting.Internal;

namespace LlmCore.Privacy.Tests.Accounting;

/// <summary>
/// The single-step discretisations of the Laplace privacy loss against dp_accounting's own expected masses, on a grid of
/// 1 nat where the plain Laplace's atoms at ±sensitivity/parameter lie exactly on grid points (the case that broke the
/// optimistic estimate).
/// </summary>
public class PldDiscretisationTests
{
    private const double Tail = 1e-15;
    private const long Limit = 1 << 20;

    // dp_accounting, python/dp_accounting/dp_accounting/pld/privacy_loss_distribution_test.py,
    // LaplacePrivacyLossDistributionTest.test_laplace_varying_parameter_and_sensitivity_optimistic
    // (from_laplace_mechanism(parameter, sensitivity, pessimistic_estimate=False, value_discretization_interval=1,
    // sampling_prob, use_connect_dots=False)): our scale b is parameter/sensitivity. Masses as "loss:mass" lists; the
    // remove direction is X from the sampled mixture against Lap(0, b), the add direction the reverse (as there).
    [Theory]
    [InlineData(1.0, 1.0, "1:0.5 0:0.19673467 -1:0.30326533", "1:0.5 0:0.19673467 -1:0.30326533")]
    [InlineData(0.5, 1.0, "2:0.5 1:0.19673467 0:0.11932561 -1:0.07237464 -2:0.11156508", "2:0.5 1:0.19673467 0:0.11932561 -1:0.07237464 -2:0.11156508")]
    [InlineData(1.0, 0.8, "0:0.69673467 -1:0.30326533", "0:0.6180408 -1:0.3819592")]
    [InlineData(1.0, 0.5, "0:0.69673467 -1:0.30326533", "0:0.5 -1:0.5")]
    [InlineData(0.5, 0.7, "0:0.81606028 -1:0.08497712 -2:0.09896260", "1:0.49036933 0:0.13605478 -1:0.37357589")]
    [InlineData(0.5, 0.3, "0:0.81606028 -1:0.11302356 -2:0.07091617", "1:0.20651251 0:0.16706338 -1:0.62642411")]
    public void Optimistic_Laplace_MatchesDpAccounting(double scale, double samplingProbability, string add, string remove)
    {
        AssertMasses(add, PrivacyLossDistribution.FromLossVariableOptimistic(new LaplaceAddLoss(samplingProbability, scale), 1.0, Tail, Limit));
        AssertMasses(remove, PrivacyLossDistribution.FromLossVariableOptimistic(new LaplaceRemoveLoss(samplingProbability, scale), 1.0, Tail, Limit));
    }

    // The same file, test_laplace_varying_parameter_and_sensitivity_connect_dots (pessimistic_estimate=True,
    // use_connect_dots=True), the discretisation of the pessimistic estimate.
    [Theory]
    [InlineData(1.0, 1.0, "1:0.62245933 0:0.14855068 -1:0.22898999", "1:0.62245933 0:0.14855068 -1:0.22898999")]
    [InlineData(0.5, 1.0, "2:0.62245933 1:0.14855068 0:0.09010054 -1:0.05464874 -2:0.08424071", "2:0.62245933 1:0.14855068 0:0.09010054 -1:0.05464874 -2:0.08424071")]
    [InlineData(1.0, 0.8, "1:0.49796746 0:0.31884054 -1:0.18319199", "1:0.49796746 0:0.31884054 -1:0.18319199")]
    [InlineData(1.0, 0.5, "1:0.31122967 0:0.57427534 -1:0.11449500", "1:0.31122967 0:0.57427534 -1:0.11449500")]
    [InlineData(0.5, 0.7, "1:0.7 0:0.17131139 -1:0.08129580 -2:0.04739281", "2:0.35018810 1:0.22098490 0:0.17131139 -1:0.25751561")]
    [InlineData(0.5, 0.3, "1:0.3 0:0.59763391 -1:0.09942388 -2:0.00294221", "2:0.02174013 1:0.27026212 0:0.59763391 -1:0.11036383")]
    public void Pessimistic_Laplace_MatchesDpAccountingConnectTheDots(double scale, double samplingProbability, string add, string remove)
    {
        AssertMasses(add, PrivacyLossDistribution.FromLossVariable(new LaplaceAddLoss(samplingProbability, scale), 1.0, Tail, Limit));
        AssertMasses(remove, PrivacyLossDistribution.FromLossVariable(new LaplaceRemoveLoss(samplingProbability, scale), 1.0, Tail, Limit));
    }

    [Theory]
    [InlineData(20.0 / 7, 5e-3)]
    [InlineData(0.5, 1.0)]
    [InlineData(1.0 / 3, 1.0 / 3)]
    [InlineData(2.0, 1e-4)]
    public void Optimistic_PlainLaplace_KeepsTotalMassOne(double scale, double interval)
    {
        // Each bucket edge is evaluated once, so an atom on (or an ulp from) an edge is counted in exactly one bucket; the
        // plain Laplace has no truncated tail, so its masses sum to 1 (the bug: 1.35 at b = 20/7, Δ = 5e-3).
        foreach (LossVariable loss in new LossVariable[] { new LaplaceRemoveLoss(1.0, scale), new LaplaceAddLoss(1.0, scale) })
        {
            var pld = PrivacyLossDistribution.FromLossVariableOptimistic(loss, interval, Tail, Limit);

            Assert.Equal(1.0, pld.Pmf.Sum(), 12);
            Assert.Equal(0.0, pld.InfinityMass);
        }
    }

    private static void AssertMasses(string expected, PrivacyLossDistribution pld)
    {
        var masses = expected.Split(' ').Select(static p => p.Split(':')).ToDictionary(static p => long.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), static p => double.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0.0, pld.InfinityMass, 12);
        for (var i = 0; i < pld.Pmf.Length; i++)
        {
            var loss = pld.Offset + i;
            Assert.True(Math.Abs(masses.GetValueOrDefault(loss) - pld.Pmf[i]) <= 1e-7, $"mass at loss {loss}: expected {masses.GetValueOrDefault(loss)}, got {pld.Pmf[i]} (offset {pld.Offset}, {string.Join(", ", pld.Pmf)})");
            masses.Remove(loss);
        }

        Assert.True(masses.Values.All(static m => m == 0), $"expected masses outside the grid: {string.Join(", ", masses)}");
    }
}
