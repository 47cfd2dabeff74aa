using CsCheck;
using LlmCore.Privacy.Accounting;

namespace LlmCore.Privacy.Tests.Accounting;

/// <summary>Invariants of the accountants, checked with CsCheck on random settings (coarse PLD grids to stay fast).</summary>
public class AccountingPropertyTests
{
    private static readonly Gen<double> s_q = Gen.Double[0.001, 0.2];
    private static readonly Gen<double> s_sigma = Gen.Double[0.6, 3.0];
    private static readonly Gen<int> s_steps = Gen.Int[1, 2000];

    private static double RdpEpsilon(double q, double sigma, long steps, double delta = 1e-5)
    {
        var accountant = new RdpAccountant();
        accountant.Compose(new PoissonSampledEvent(q, new GaussianEvent(sigma)), steps);
        return accountant.GetEpsilon(delta);
    }

    [Fact]
    public void RdpEpsilon_GrowsWithStepsAndSampleRate_FallsWithSigma()
    {
        Gen.Select(s_q, s_sigma, s_steps).Sample((q, sigma, steps) =>
        {
            var eps = RdpEpsilon(q, sigma, steps);
            return RdpEpsilon(q, sigma, steps + 100) >= eps
                && RdpEpsilon(Math.Min(1, q * 1.5), sigma, steps) >= eps
                && RdpEpsilon(q, sigma * 1.2, steps) <= eps;
        }, iter: 40);
    }

    [Fact]
    public void RdpCurve_FullBatch_IsGaussianClosedForm()
    {
        Gen.Select(Gen.Double[1.01, 200], Gen.Double[0.1, 50]).Sample((order, sigma) =>
        {
            var rdp = RdpAccountant.ComputeSampledGaussianRdp(1.0, sigma, order);
            return Math.Abs(rdp - order / (2 * sigma * sigma)) <= 1e-12 * rdp;
        });
    }

    [Fact]
    public void RdpCurve_HeterogeneousComposition_IsSumOfParts()
    {
        Gen.Select(s_q, s_sigma, Gen.Int[1, 500], s_q, s_sigma, Gen.Int[1, 500]).Sample((q1, s1, t1, q2, s2, t2) =>
        {
            PrivacyEvent a = new SelfComposedEvent(new PoissonSampledEvent(q1, new GaussianEvent(s1)), t1);
            PrivacyEvent b = new SelfComposedEvent(new PoissonSampledEvent(q2, new GaussianEvent(s2)), t2);
            var orders = RdpAccountant.DefaultOrders;
            var sum = RdpAccountant.ComputeRdp(new ComposedEvent(a, b), orders);
            var ra = RdpAccountant.ComputeRdp(a, orders);
            var rb = RdpAccountant.ComputeRdp(b, orders);
            var accountant = new RdpAccountant();
            accountant.Compose(a).Compose(b);
            var composed = ((RdpAccountant)accountant).Rdp;
            for (var i = 0; i < orders.Count; i++)
            {
                var expected = ra[i] + rb[i];
                if (Math.Abs(sum[i] - expected) > 1e-12 * expected || Math.Abs(composed[i] - expected) > 1e-12 * expected)
                {
                    return false;
                }
            }

            return true;
        }, iter: 30);
    }

    [Fact]
    public void PldEpsilon_IsAtMostRdpEpsilon()
    {
        Gen.Select(Gen.Double[0.005, 0.1], Gen.Double[0.8, 2.0], Gen.Int[10, 300]).Sample((q, sigma, steps) =>
        {
            var pld = new PldAccountant(2e-3);
            var step = new PoissonSampledEvent(q, new GaussianEvent(sigma));
            pld.Compose(step, steps);
            return pld.GetEpsilon(1e-5) <= RdpEpsilon(q, sigma, steps);
        }, iter: 8);
    }

    [Fact]
    public void PldEpsilon_GrowsWithSteps()
    {
        Gen.Select(Gen.Double[0.01, 0.1], Gen.Double[0.8, 2.0], Gen.Int[5, 100]).Sample((q, sigma, steps) =>
        {
            var step = new PoissonSampledEvent(q, new GaussianEvent(sigma));
            var a = new PldAccountant(2e-3);
            a.Compose(step, steps);
            var b = new PldAccountant(2e-3);
            b.Compose(step, steps * 2);
            return b.GetEpsilon(1e-5) >= a.GetEpsilon(1e-5);
        }, iter: 6);
    }
}
