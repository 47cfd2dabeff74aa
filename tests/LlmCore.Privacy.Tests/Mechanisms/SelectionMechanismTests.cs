using LlmCore.Privacy.Accounting;
using LlmCore.Privacy.Budget;
using LlmCore.Privacy.Mechanisms;
using LlmCore.Privacy.Sampling;
using LlmCore.Privacy.Tests.TestSupport;

namespace LlmCore.Privacy.Tests.Mechanisms;

public class SelectionMechanismTests
{
    [Fact]
    public void Exponential_100kSelections_PassChiSquare()
    {
        // Chi-square at 0.001 (false-failure rate 0.1%) against p_i ∝ exp(ε u_i / (2Δu)) (McSherry and Talwar 2007).
        var mechanism = new ExponentialMechanism(1, 1, source: new SeededRandomSource(71));
        double[] utilities = [0, 1, 2, 3, 5];
        var weights = utilities.Select(static u => Math.Exp(u / 2)).ToArray();
        var total = weights.Sum();
        var samples = Enumerable.Range(0, 100_000).Select(_ => (long)mechanism.Select(utilities)).ToList();

        Assert.True(Statistics.ChiSquarePValue(samples, i => i is >= 0 and < 5 ? weights[i] / total : 0, 0, 4) > 0.001);
    }

    [Fact]
    public void Exponential_ProbabilityRatio_BoundedByEpsilon()
    {
        // Neighbouring utilities differ by at most Δu = 1 in each coordinate: every probability ratio ≤ e^ε.
        var mechanism = new ExponentialMechanism(0.8, 1);
        double[] a = [3, 1, 4, 1, 5];
        double[] b = [2, 2, 5, 0, 5];
        var pa = new double[5];
        var pb = new double[5];
        mechanism.Probabilities(a, pa);
        mechanism.Probabilities(b, pb);

        for (var i = 0; i < 5; i++)
        {
            Assert.True(Math.Abs(Math.Log(pa[i] / pb[i])) <= 0.8 + 1e-12);
        }
    }

    [Fact]
    public void ReportNoisyMax_ClearWinner_IsUsuallySelected()
    {
        var mechanism = new ReportNoisyMax(1, 1, new SeededRandomSource(72));
        double[] utilities = [0, 0, 100, 0];

        var wins = Enumerable.Range(0, 1000).Count(_ => mechanism.Select(utilities) == 2);

        Assert.True(wins > 990);
        Assert.Throws<ArgumentException>(() => mechanism.Select([]));
    }

    [Theory]
    [InlineData("dpacc_rr_replace_one_p0.3_k10_a1.5", 0.3, 10, 1.5, RandomizedResponseAdjacency.ReplaceOne)] // google/differential-privacy dp_accounting rdp_privacy_accountant_test.py
    [InlineData("dpacc_rr_replace_one_p0.3_k10_a5", 0.3, 10, 5, RandomizedResponseAdjacency.ReplaceOne)] // same source
    [InlineData("dpacc_rr_replace_special_p0.3_k10_a1.5", 0.3, 10, 1.5, RandomizedResponseAdjacency.ReplaceSpecial)] // same source
    [InlineData("dpacc_rr_replace_one_p0.1_k10_ainf", 0.1, 10, double.PositiveInfinity, RandomizedResponseAdjacency.ReplaceOne)] // same source
    public void RandomizedResponse_RenyiDivergence_MatchesDpAccounting(string id, double p, int k, double order, RandomizedResponseAdjacency neighbouring)
    {
        Assert.Equal(ReferenceVectors.Recomputed(id), RandomizedResponse.RenyiDivergence(p, k, order, neighbouring), 9);
    }

    [Fact]
    public void RandomizedResponse_KeepProbability_IsExpEpsilonOverExpEpsilonPlusKMinusOne()
    {
        var rr = new RandomizedResponse(Math.Log(3), 4, new SeededRandomSource(73));

        Assert.Equal(3.0 / 6.0, rr.KeepProbability, 12);

        // Max-divergence of the response distributions equals ε (Kairouz, Oh and Viswanath 2016).
        Assert.Equal(Math.Log(3), RandomizedResponse.RenyiDivergence(rr.NoiseProbability, 4, double.PositiveInfinity, RandomizedResponseAdjacency.ReplaceOne), 12);
    }

    [Fact]
    public void RandomizedResponse_100kBinaryResponses_PassChiSquareAndDebias()
    {
        // Chi-square at 0.001 (false-failure rate 0.1%): keep probability e^1/(1+e^1).
        var rr = new RandomizedResponse(1, 2, new SeededRandomSource(74));
        var keep = Math.E / (1 + Math.E);
        var samples = Enumerable.Range(0, 100_000).Select(_ => rr.Respond(true) ? 1L : 0L).ToList();

        Assert.True(Statistics.ChiSquarePValue(samples, x => x switch { 1 => keep, 0 => 1 - keep, _ => 0 }, 0, 1) > 0.001);

        var counts = new long[] { samples.Count(static s => s == 0), samples.Count(static s => s == 1) };
        var estimate = new double[2];
        rr.EstimateFrequencies(counts, estimate);
        Assert.InRange(estimate[1], 0.98, 1.02);
    }

    [Fact]
    public void AboveThreshold_HaltsAfterFirstPositive()
    {
        var svt = new AboveThreshold(1, 100, 1, new SeededRandomSource(75));

        Assert.False(svt.Query(-1000));
        Assert.True(svt.Query(1000));
        Assert.True(svt.IsHalted);
        Assert.Throws<InvalidOperationException>(() => svt.Query(0));
    }

    [Fact]
    public void Select_BudgetExhausted_ThrowsBeforeDrawing()
    {
        var source = new Statistics.CountingSource(new SeededRandomSource(76));
        var mechanism = new ExponentialMechanism(1, 1, source: source);
        var budget = new PrivacyBudget(0.5);

        Assert.Throws<PrivacyBudgetExceededException>(() => mechanism.Select([1, 2], budget));
        Assert.Equal(0, source.Words);
    }
}
