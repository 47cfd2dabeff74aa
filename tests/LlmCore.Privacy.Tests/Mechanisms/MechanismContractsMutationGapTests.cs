using LlmCore.Privacy.Budget;
using LlmCore.Privacy.Mechanisms;
using LlmCore.Privacy.Sampling;
using LlmCore.Privacy.Tests.TestSupport;

namespace LlmCore.Privacy.Tests.Mechanisms;

/// <summary>
/// Contracts of the mechanisms left open by the Mechanisms mutation run of 2026-12-05 (docs/quality.md): the given
/// random source being the one used, the symmetry of report-noisy-max, the half-open intervals of the inverse-CDF
/// draws (with a scripted source), and the grid rounding at a granularity other than 1.
/// </summary>
public class MechanismContractsMutationGapTests
{
    // Report-noisy-max is the argmax of i.i.d. noisy utilities, so equal utilities are chosen uniformly (exchangeability).
    // Five candidates, 20,000 draws, chi-square against 1/5 each; the p-value threshold 1e−4 is a false-failure rate of
    // 1e−4 for this fixed seed's draw.
    [Fact]
    public void ReportNoisyMax_EqualUtilities_AreChosenUniformly()
    {
        var mechanism = new ReportNoisyMax(1, 1, new SeededRandomSource(2123));
        var picks = new List<long>();
        for (var i = 0; i < 20_000; i++)
        {
            picks.Add(mechanism.Select([3, 3, 3, 3, 3]));
        }

        Assert.True(Statistics.ChiSquarePValue(picks, k => k is >= 0 and <= 4 ? 0.2 : 0, 0, 4) > 1e-4);
    }

    // Select draws u uniform on the grid k·2^−53 in [0, 1) and returns the i with c_{i−1} ≤ u < c_i (c the cumulative
    // probabilities), which gives each i the probability p_i exactly. Two equal utilities: p = (1/2, 1/2), so u = 1/2
    // (the word 2^63) selects 1 and the next grid point below selects 0. Ten equal utilities: the cumulative sum of ten
    // binary64 0.1 is 1 − 2^−53, the largest u (the word 2^64 − 1); that u belongs to the last candidate.
    [Fact]
    public void Exponential_Select_UsesHalfOpenIntervals()
    {
        var half = new ScriptedSource(1UL << 63);
        var belowHalf = new ScriptedSource((1UL << 63) - (1UL << 11));
        var top = new ScriptedSource(ulong.MaxValue);

        Assert.Equal(1, new ExponentialMechanism(1, 1, source: half).Select([5, 5]));
        Assert.Equal(0, new ExponentialMechanism(1, 1, source: belowHalf).Select([5, 5]));
        Assert.Equal(9, new ExponentialMechanism(1, 1, source: top).Select([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]));
        Assert.Equal(0, half.Remaining + belowHalf.Remaining + top.Remaining);
    }

    // Randomized response replaces the answer when u < p, which has probability p exactly when p is on the 2^−53 grid
    // (p = 2/(e^ε + 1) is in (1/2, 1) for small ε, so it is). u = p keeps the true answer and draws nothing more.
    [Fact]
    public void RandomizedResponse_UEqualToP_KeepsTheAnswer()
    {
        var p = new RandomizedResponse(0.25, 2).NoiseProbability;
        var grid = p * Math.Pow(2, 53);
        Assert.Equal(Math.Floor(grid), grid);
        var source = new ScriptedSource((ulong)grid << 11);

        Assert.Equal(0, new RandomizedResponse(0.25, 2, source).Respond(0));
        Assert.Equal(0, source.Remaining);
    }

    // At ε = 40 the replacement probability 2/(e^40 + 1) ≈ 8.5e−18: both bits come back as they went in.
    [Fact]
    public void RandomizedResponse_Bits_AreKeptAtLargeEpsilon()
    {
        var rr = new RandomizedResponse(40, 2, new SeededRandomSource(2124));
        for (var i = 0; i < 200; i++)
        {
            Assert.False(rr.Respond(false));
            Assert.True(rr.Respond(true));
        }
    }

    // The source given to a mechanism is the one it draws from (the constructors' documentation): two mechanisms built
    // on the same seed answer alike. Each answer below is a fair coin, so two independent sources would agree on all
    // 200 with probability about 2^−200.
    [Fact]
    public void Mechanisms_DrawFromTheGivenSource()
    {
        var svt = new bool[2][];
        var noisyMax = new int[2][];
        var gaussian = new double[2][];
        for (var run = 0; run < 2; run++)
        {
            svt[run] = new bool[200];
            noisyMax[run] = new int[200];
            gaussian[run] = new double[200];
            var maxMechanism = new ReportNoisyMax(1, 1, new SeededRandomSource(2125));
            var gaussianMechanism = new GaussianMechanism(1, 1e-5, 1, GaussianCalibrationMethod.Analytic, new SeededRandomSource(2126));
            var fromSigma = GaussianMechanism.FromSigma(1, 1, new SeededRandomSource(2129));
            for (var i = 0; i < 200; i++)
            {
                svt[run][i] = new AboveThreshold(1, 0, 1, new SeededRandomSource(3000 + (ulong)i)).Query(0);
                noisyMax[run][i] = maxMechanism.Select([0, 0]);
                gaussian[run][i] = (gaussianMechanism.Release(0) > 0 ? 1 : 0) + (fromSigma.Release(0) > 0 ? 2 : 0);
            }
        }

        Assert.Equal(svt[0], svt[1]);
        Assert.Equal(noisyMax[0], noisyMax[1]);
        Assert.Equal(gaussian[0], gaussian[1]);
        Assert.Contains(true, svt[0]);
        Assert.Contains(false, svt[0]);
    }

    // RoundToGrid at g = 2^−40 (Δ = ε = 1, or σ = Δ = 1: g = 2^⌈log₂(1/2^40)⌉): the nearest multiple of g, ties to
    // even, so 1.5g → 2g, 2.5g → 2g, and 0.3 moves by at most g/2.
    [Fact]
    public void RoundToGrid_FineGrid_NearestMultipleTiesToEven()
    {
        var g = Math.Pow(2, -40);
        var laplace = new LaplaceMechanism(1, 1);
        var gaussian = GaussianMechanism.FromSigma(1, 1);
        Assert.Equal(g, laplace.Granularity);
        Assert.Equal(g, gaussian.Granularity);
        foreach (var round in new Func<double, double>[] { laplace.RoundToGrid, gaussian.RoundToGrid })
        {
            Assert.Equal(2 * g, round(1.5 * g));
            Assert.Equal(2 * g, round(2.5 * g));
            Assert.Equal(-4 * g, round(-3.5 * g));
            var r = round(0.3);
            Assert.True(Math.Abs(r - 0.3) <= g / 2);
            Assert.Equal(Math.Round(r / g), r / g);
        }
    }

    // One release is value + Laplace(b) noise on the grid: E|X − value| = b for the Laplace law (b = Scale). 20,000
    // draws, 5 standard errors (the standard deviation of |X| is b).
    [Fact]
    public void Laplace_SingleRelease_AddsNoiseOfTheScale()
    {
        var mechanism = new LaplaceMechanism(1, 1, new SeededRandomSource(2127));
        const int n = 20_000;
        var sum = 0.0;
        for (var i = 0; i < n; i++)
        {
            sum += Math.Abs(mechanism.Release(100) - 100);
        }

        Assert.True(Math.Abs((sum / n) - mechanism.Scale) <= 5 * mechanism.Scale / Math.Sqrt(n), $"mean |noise| {sum / n:R}, scale {mechanism.Scale:R}");
    }

    // The span release is one ε-DP release of the vector (Laplace mechanism at L1 sensitivity): it charges ε once, and a
    // refused spend draws nothing (the type's order of effects).
    [Fact]
    public void SpanRelease_ChargesTheBudgetOnce()
    {
        var source = new Statistics.CountingSource(new SeededRandomSource(2128));
        var mechanism = new LaplaceMechanism(0.5, 1, source);
        var values = new double[300];
        var destination = new double[300];
        var budget = new PrivacyBudget(0.7);

        mechanism.Release(values, destination, budget);
        Assert.Equal(0.5, budget.EpsilonSpent);
        var words = source.Words;
        Assert.Throws<PrivacyBudgetExceededException>(() => mechanism.Release(values, destination, budget));
        Assert.Equal(words, source.Words);
    }

    // ε is documented as finite and > 0: ε = 0 is refused by name (it would give an infinite noise scale; a pure
    // guarantee alone would accept ε = 0).
    [Fact]
    public void EpsilonZero_IsRefused()
    {
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new DiscreteLaplaceMechanism(0)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new ReportNoisyMax(0, 1)).ParamName);
    }

    /// <summary>A random source that hands out a fixed list of words and fails when it runs out.</summary>
    private sealed class ScriptedSource(params ulong[] words) : IRandomSource
    {
        private int _next;

        public int Remaining => words.Length - _next;

        public bool IsCryptographicallySecure => false;

        public void Fill(Span<byte> destination) => throw new InvalidOperationException("The scripted source hands out words only.");

        public void Fill(Span<ulong> destination)
        {
            for (var i = 0; i < destination.Length; i++)
            {
                destination[i] = NextUInt64();
            }
        }

        public ulong NextUInt64() => _next < words.Length ? words[_next++] : throw new InvalidOperationException("The scripted source is exhausted.");
    }
}
