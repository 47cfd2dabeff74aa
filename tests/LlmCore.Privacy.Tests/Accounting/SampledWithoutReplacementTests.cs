using CsCheck;
using LlmCore.Privacy.Accounting;

namespace LlmCore.Privacy.Tests.Accounting;

/// <summary>
/// Fixed-size batches sampled without replacement (replace-one neighbours): dp_accounting's
/// <c>SampledWithoutReplacementDpEvent</c> in the RDP accountant (Wang, Balle and Kasiviswanathan 2019, Theorem 27).
/// </summary>
/// <remarks>
/// dp_accounting's test file (python/dp_accounting/dp_accounting/rdp/rdp_privacy_accountant_test.py at commit b5b0286e)
/// pins no numeric RDP value for this event, only <c>test_zero_fixed_batch_sample</c> and <c>test_supports</c>, both
/// reproduced below. The numeric values come from running dp_accounting's own function
/// <c>_compute_rdp_sample_wor_gaussian</c> and its <c>RdpAccountant(orders, NeighboringRelation.REPLACE_ONE)</c> at the same
/// commit (NumPy 1.24, SciPy 1.10, Debian 12).
/// </remarks>
public class SampledWithoutReplacementTests
{
    // _compute_rdp_sample_wor_gaussian(q, σ, [α]) of dp_accounting (see the remarks): integer orders below 256 (forward
    // differences), fractional orders (interpolated cumulant; on (1, 2] equal to α = 2), and α > 256 (no differences).
    [Theory]
    [InlineData(0.01, 1.0, 2.0, 0.0005435086381094331)]
    [InlineData(0.01, 1.0, 1.5, 0.0005435086381094331)]
    [InlineData(0.01, 1.0, 4.5, 0.0013272292617936346)]
    [InlineData(0.01, 1.0, 10, 0.06742238451337361)]
    [InlineData(0.01, 1.0, 63, 26.831732668763067)]
    [InlineData(0.01, 5.0, 256, 0.5032878088254282)]
    [InlineData(0.01, 5.0, 300, 1.3823900751465086)]
    [InlineData(0.01, 5.0, 512, 5.627174324697842)]
    [InlineData(0.001, 2.0, 32, 1.846472063774705e-05)]
    [InlineData(0.001, 0.5, 4.5, 0.8872204049603957)]
    [InlineData(0.1, 2.0, 3, 0.017630092271796027)]
    [InlineData(0.1, 5.0, 128, 0.31560472595671163)]
    [InlineData(0.5, 1.0, 10, 4.307127555559178)]
    [InlineData(0.5, 5.0, 4.5, 0.09251779210219233)]
    public void ComputeRdp_DpAccountingFunction_MatchesToOnePartInAMillion(double q, double sigma, double order, double expected)
    {
        // Differences of 1e-10 relative come from log1p/gammaln on nearly cancelling terms; 1e-6 leaves room for none else.
        Assertions.Relative(expected, RdpAccountant.ComputeSampledWithoutReplacementGaussianRdp(q, sigma, order), 1e-6);
    }

    // dp_accounting RdpAccountant(orders = Opacus' 151, REPLACE_ONE).compose(SelfComposed(SampledWithoutReplacement(n, b,
    // Gaussian(σ/2)), T)).get_epsilon_and_optimal_order(δ), σ = DP-SGD's noise multiplier (see the remarks).
    [Theory]
    [InlineData(60_000, 256, 1.1, 14_063, 1e-5, 24.082411615411814, 2.0)]
    [InlineData(1_000, 10, 1.0, 1_000, 1e-5, 20.987072439841914, 2.0)]
    [InlineData(50_000, 500, 0.8, 1_000, 1e-6, 111.00910370670367, 2.0)]
    public void DpSgdStep_Composed_MatchesDpAccountingEpsilon(long n, long b, double sigma, long steps, double delta, double expected, double order)
    {
        var accountant = new RdpAccountant();
        accountant.Compose(SampledWithoutReplacementEvent.DpSgdStep(n, b, sigma), steps);
        var result = accountant.GetEpsilonResult(delta);

        Assertions.Relative(expected, result.Epsilon, 1e-8);
        Assert.Equal(order, result.OptimalOrder);
        Assert.Equal(NeighboringRelation.ReplaceOne, accountant.NeighboringRelation);
    }

    // dp_accounting test_zero_fixed_batch_sample: SampledWithoutReplacement(1000, 0, Gaussian(1)) gives ε = 0 and δ = 0 at 1e-10.
    [Fact]
    public void Compose_EmptyBatch_CostsNothing()
    {
        var accountant = new RdpAccountant([3.14159]);
        accountant.Compose(new SampledWithoutReplacementEvent(1000, 0, new GaussianEvent(1.0)));

        Assert.Equal(0, accountant.GetEpsilon(1e-10));
        Assert.Equal(0, accountant.GetDelta(1e-10));
    }

    // dp_accounting test_supports: a sampled-without-replacement Gaussian (or composition of Gaussians) is supported under
    // replace-one only, a Poisson-sampled one under add/remove only. Here the first sampled event fixes the relation.
    [Fact]
    public void Supports_RelationFixedByFirstSampledEvent_RefusesTheOther()
    {
        var composedGaussian = new ComposedEvent(new GaussianEvent(1.0), new GaussianEvent(2.0));
        var withoutReplacement = new SampledWithoutReplacementEvent(1000, 10, composedGaussian);
        var poisson = new PoissonSampledEvent(0.1, new GaussianEvent(1.0));

        var replaceOne = new RdpAccountant();
        Assert.True(replaceOne.Supports(withoutReplacement));
        Assert.Null(replaceOne.NeighboringRelation);
        replaceOne.Compose(new GaussianEvent(3.0));
        Assert.Null(replaceOne.NeighboringRelation);
        replaceOne.Compose(withoutReplacement);
        Assert.Equal(NeighboringRelation.ReplaceOne, replaceOne.NeighboringRelation);
        Assert.False(replaceOne.Supports(poisson));
        Assert.Throws<UnsupportedPrivacyEventException>(() => replaceOne.Compose(poisson));
        Assert.Throws<UnsupportedPrivacyEventException>(() => replaceOne.GetEpsilonIfComposed(poisson, 1e-5));

        var addRemove = new RdpAccountant();
        addRemove.Compose(poisson);
        Assert.Equal(NeighboringRelation.AddOrRemoveOne, addRemove.NeighboringRelation);
        Assert.False(addRemove.Supports(withoutReplacement));
        var ex = Assert.Throws<UnsupportedPrivacyEventException>(() => addRemove.Compose(withoutReplacement));
        Assert.Contains("one accountant per neighbouring relation", ex.Message, StringComparison.Ordinal);
        Assert.Single(addRemove.History);

        Assert.False(new RdpAccountant().Supports(new ComposedEvent(poisson, withoutReplacement)));
        Assert.False(new RdpAccountant().Supports(new SampledWithoutReplacementEvent(1000, 10, new LaplaceEvent(1.0))));
    }

    // dp_accounting's PLD accountant has no SampledWithoutReplacementDpEvent branch; ours says so through Supports.
    [Fact]
    public void PldAccountant_DoesNotSupportSamplingWithoutReplacement()
    {
        var accountant = new PldAccountant();
        var step = SampledWithoutReplacementEvent.DpSgdStep(1000, 10, 1.0);

        Assert.False(accountant.Supports(step));
        var ex = Assert.Throws<UnsupportedPrivacyEventException>(() => accountant.Compose(step));
        Assert.Contains("RDP accountant only", ex.Message, StringComparison.Ordinal);
    }

    // q = 1 is the unsampled Gaussian under dp_accounting's convention (_compute_rdp_sample_wor_gaussian_scalar returns
    // α/(2σ²) at q = 1, σ relative to the replace-one sensitivity); DpSgdStep halves DP-SGD's σ for the 2C sensitivity.
    [Fact]
    public void FullBatch_EqualsTheUnsampledGaussian()
    {
        var orders = RdpAccountant.DpAccountingOrders;
        var full = RdpAccountant.ComputeRdp(new SampledWithoutReplacementEvent(500, 500, new GaussianEvent(1.3)), orders);
        var gaussian = RdpAccountant.ComputeRdp(new GaussianEvent(1.3), orders);
        var dpSgd = RdpAccountant.ComputeRdp(SampledWithoutReplacementEvent.DpSgdStep(500, 500, 2.6), orders);

        Assert.Equal(gaussian, full);
        Assert.Equal(gaussian, dpSgd);
    }

    // Theory: for an integer order every term of the WBK19 Gaussian bound dominates the matching term
    // C(α, j) q^j E[(L − 1)^j] of the exact Poisson-sampled A_α (Mironov, Talwar and Zhang 2019): 4·√(Δ^{2⌊j/2⌋}Δ^{2⌈j/2⌉})
    // ≥ E|L − 1|^j by Cauchy–Schwarz and 2E[L^j] ≥ E[max(L, 1)^j]. Between integers the bound interpolates the cumulant
    // linearly, which dominates the convex Poisson cumulant. So with the same q and σ, RDP without replacement ≥ Poisson.
    [Fact]
    public void Rdp_AtLeastThePoissonValue_ForTheSameRateAndNoise()
    {
        Gen.Select(Gen.Double[1e-4, 0.9], Gen.Double[0.4, 8.0], Gen.Int[0, RdpAccountant.DefaultOrders.Count - 1]).Sample((q, sigma, index) =>
        {
            var order = RdpAccountant.DefaultOrders[index];
            var wor = RdpAccountant.ComputeSampledWithoutReplacementGaussianRdp(q, sigma, order);
            var poisson = RdpAccountant.ComputeSampledGaussianRdp(q, sigma, order);
            return wor >= poisson * (1 - 1e-9);
        }, iter: 300);
    }

    [Fact]
    public void ComposedGaussians_UseTheEquivalentNoiseMultiplier()
    {
        // dp_accounting _effective_gaussian_noise_multiplier: Gaussians σ₁, σ₂ compose into one with σ = (σ₁⁻² + σ₂⁻²)^−½,
        // and ρ-zCDP is the Gaussian with σ = 1/√(2ρ) (test_effective_gaussian_noise_multiplier_composed, ..._zcdp_basic).
        var effective = 1 / Math.Sqrt((1 / (1.0 * 1.0)) + (1 / (2.0 * 2.0)));
        var composed = RdpAccountant.ComputeRdp(new SampledWithoutReplacementEvent(100, 7, new ComposedEvent(new GaussianEvent(1.0), new GaussianEvent(2.0))), [2, 3.5, 20]);
        var single = RdpAccountant.ComputeRdp(new SampledWithoutReplacementEvent(100, 7, new GaussianEvent(effective)), [2, 3.5, 20]);
        var zcdp = RdpAccountant.ComputeRdp(new PoissonSampledEvent(0.07, new ZCdpEvent(1 / (2 * effective * effective))), [2, 3.5, 20]);
        var poisson = RdpAccountant.ComputeRdp(new PoissonSampledEvent(0.07, new GaussianEvent(effective)), [2, 3.5, 20]);

        for (var i = 0; i < 3; i++)
        {
            Assertions.Relative(single[i], composed[i], 1e-12);
            Assertions.Relative(poisson[i], zcdp[i], 1e-12);
        }
    }

    [Theory]
    [InlineData(0, 0, "datasetSize")]
    [InlineData(10, -1, "sampleSize")]
    [InlineData(10, 11, "sampleSize")]
    public void Constructor_BadSizes_ThrowNamingTheParameter(long n, long m, string parameter)
    {
        Assert.Equal(parameter, Assert.Throws<ArgumentOutOfRangeException>(() => new SampledWithoutReplacementEvent(n, m, new GaussianEvent(1))).ParamName);
    }

    [Fact]
    public void DpSgdStep_BadNoise_ThrowsNamingTheParameter()
    {
        Assert.Equal("noiseMultiplier", Assert.Throws<ArgumentOutOfRangeException>(() => SampledWithoutReplacementEvent.DpSgdStep(10, 2, 0)).ParamName);
        Assert.Equal("samplingFraction", Assert.Throws<ArgumentOutOfRangeException>(() => RdpAccountant.ComputeSampledWithoutReplacementGaussianRdp(1.5, 1, 2)).ParamName);
    }
}
