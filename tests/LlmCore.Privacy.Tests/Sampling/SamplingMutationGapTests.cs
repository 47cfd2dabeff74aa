using System.Numerics;
using LlmCore.Privacy.Sampling;
using LlmCore.Privacy.Tests.TestSupport;

namespace LlmCore.Privacy.Tests.Sampling;

/// <summary>
/// The exact samplers' rejection bounds, multi-word uniform integers, rational conversion and documented ranges, which
/// the small-bound distribution tests leave open (scripts/quality/mutation.sh privacy Sampling, docs/quality.md).
/// </summary>
public class SamplingMutationGapTests
{
    // Rejection sampling (Lemire 2019, "Fast Random Integer Generation in an Interval"): only words below the largest
    // multiple of n that fits in 2^64 may be reduced mod n. With n = 3·2^62, 2^64 mod n = 2^62; a uniform result has
    // P[result < 2^62] = 1/3, while reducing every word (no rejection) would give 1/2.
    [Fact]
    public void UniformBelow_BoundAboveHalfTheWordRange_RejectsTheBiasedTail()
    {
        var source = new SeededRandomSource(2201);
        const ulong n = 3UL << 62;
        const int trials = 30_000;
        var low = 0;
        for (var i = 0; i < trials; i++)
        {
            var value = ExactSamplers.UniformBelow(source, n);
            Assert.True(value < n);
            if (value < 1UL << 62)
            {
                low++;
            }
        }

        Statistics.AssertProportion(1.0 / 3, low, trials, "UniformBelow(3·2^62)");
    }

    // Powers of two take the mask path: every value below 8 with probability 1/8 (chi-square at 0.001, false-failure
    // rate 0.1 %).
    [Fact]
    public void UniformBelow_PowerOfTwo_IsUniform()
    {
        var source = new SeededRandomSource(2202);
        var samples = Enumerable.Range(0, 40_000).Select(_ => (long)ExactSamplers.UniformBelow(source, 8UL)).ToList();

        Assert.True(Statistics.ChiSquarePValue(samples, static x => x is >= 0 and <= 7 ? 1.0 / 8 : 0, 0, 7) > 0.001);
        Assert.Equal(0UL, ExactSamplers.UniformBelow(source, 1UL));
    }

    // Multi-word bounds: with n = 3·2^64 (two words, two bits in the top word), ⌊value/2^64⌋ is uniform on {0, 1, 2};
    // with n = 2^127 + 1 (a full 64-bit top word), P[value ≥ 2^126] = (2^126 + 1)/(2^127 + 1) ≈ 1/2.
    // Chi-square at 0.001 (false-failure rate 0.1 %) and a 5-standard-error binomial check.
    [Fact]
    public void UniformBelow_MultiWordBounds_AreUniformOverTheTopWord()
    {
        var source = new SeededRandomSource(2203);
        var three = new BigInteger(3) << 64;
        var tops = new List<long>();
        for (var i = 0; i < 30_000; i++)
        {
            var value = ExactSamplers.UniformBelow(source, three);
            Assert.True(value >= 0 && value < three);
            tops.Add((long)(value >> 64));
        }

        Assert.True(Statistics.ChiSquarePValue(tops, static x => x is >= 0 and <= 2 ? 1.0 / 3 : 0, 0, 2) > 0.001);

        var wide = (BigInteger.One << 127) + 1;
        const int trials = 20_000;
        var high = 0;
        for (var i = 0; i < trials; i++)
        {
            var value = ExactSamplers.UniformBelow(source, wide);
            Assert.True(value >= 0 && value < wide);
            if (value >= BigInteger.One << 126)
            {
                high++;
            }
        }

        Statistics.AssertProportion(0.5, high, trials, "UniformBelow(2^127 + 1)");
    }

    // Bernoulli(p) for a rational p = numerator/denominator ∈ [0, 1] (its documented range): exact at the ends,
    // p = 1/3 in between.
    [Fact]
    public void Bernoulli_RationalProbability_AndItsRange()
    {
        var source = new SeededRandomSource(2204);
        const int trials = 30_000;
        var hits = 0;
        for (var i = 0; i < trials; i++)
        {
            if (ExactSamplers.Bernoulli(source, 1, 3))
            {
                hits++;
            }
        }

        Statistics.AssertProportion(1.0 / 3, hits, trials, "Bernoulli(1/3)");
        Assert.All(Enumerable.Range(0, 100), _ => Assert.True(ExactSamplers.Bernoulli(source, 5, 5)));
        Assert.All(Enumerable.Range(0, 100), _ => Assert.False(ExactSamplers.Bernoulli(source, 0, 5)));
        Assert.Equal("denominator", Assert.Throws<ArgumentOutOfRangeException>(() => ExactSamplers.Bernoulli(source, 0, 0)).ParamName);
        Assert.Equal("numerator", Assert.Throws<ArgumentOutOfRangeException>(() => ExactSamplers.Bernoulli(source, -1, 2)).ParamName);
        Assert.Equal("numerator", Assert.Throws<ArgumentOutOfRangeException>(() => ExactSamplers.Bernoulli(source, 3, 2)).ParamName);
        Assert.Throws<ArgumentNullException>("source", () => ExactSamplers.Bernoulli(null!, 1, 2));
    }

    // exp(−0) = 1: BernoulliExp with γ = 0 never fails (CKS20 Alg. 1 at its lower end).
    [Fact]
    public void BernoulliExp_GammaZero_AlwaysSucceeds_AndRangesAreChecked()
    {
        var source = new SeededRandomSource(2205);

        Assert.All(Enumerable.Range(0, 200), _ => Assert.True(ExactSamplers.BernoulliExp(source, 0, 7)));
        Assert.Equal("denominator", Assert.Throws<ArgumentOutOfRangeException>(() => ExactSamplers.BernoulliExp(source, 1, 0)).ParamName);
        Assert.Equal("exclusiveUpperBound", Assert.Throws<ArgumentOutOfRangeException>(() => ExactSamplers.UniformBelow(source, BigInteger.Zero)).ParamName);
        Assert.Equal("scaleNumerator", Assert.Throws<ArgumentOutOfRangeException>(() => ExactSamplers.DiscreteLaplace(source, BigInteger.Zero, BigInteger.One)).ParamName);
        Assert.Equal("scaleDenominator", Assert.Throws<ArgumentOutOfRangeException>(() => ExactSamplers.DiscreteLaplace(source, BigInteger.One, BigInteger.MinusOne)).ParamName);
        Assert.Equal("varianceNumerator", Assert.Throws<ArgumentOutOfRangeException>(() => ExactSamplers.DiscreteGaussian(source, BigInteger.Zero, BigInteger.One)).ParamName);
        Assert.Equal("varianceDenominator", Assert.Throws<ArgumentOutOfRangeException>(() => ExactSamplers.DiscreteGaussian(source, BigInteger.One, BigInteger.Zero)).ParamName);
        Assert.Throws<ArgumentNullException>("source", () => ExactSamplers.DiscreteLaplace(null!, BigInteger.One, BigInteger.One));
        Assert.Throws<ArgumentNullException>("source", () => ExactSamplers.DiscreteGaussian(null!, BigInteger.One, BigInteger.One));
    }

    // The documented range of the double overloads is (0, 1e15], closed at 1e15 (ExactSamplers.MaxScale).
    [Fact]
    public void DoubleOverloads_MaxScale_IsAccepted()
    {
        var source = new SeededRandomSource(2206);

        _ = ExactSamplers.DiscreteLaplace(source, ExactSamplers.MaxScale);
        _ = ExactSamplers.DiscreteGaussian(source, ExactSamplers.MaxScale);
        Assert.Equal("scale", Assert.Throws<ArgumentOutOfRangeException>(() => ExactSamplers.DiscreteLaplace(source, Math.BitIncrement(ExactSamplers.MaxScale))).ParamName);
        Assert.Equal("scale", Assert.Throws<ArgumentOutOfRangeException>(() => ExactSamplers.DiscreteLaplace(source, 0)).ParamName);
    }

    // IEEE 754 binary64: the smallest subnormal is 2^−1074, the smallest normal 2^−1022, and 3·2^60 is an integer;
    // ToRational returns each in lowest terms with a power-of-two denominator.
    [Fact]
    public void ToRational_SubnormalNormalAndInteger_AreExactInLowestTerms()
    {
        Assert.Equal((BigInteger.One, BigInteger.One << 1074), ExactSamplers.ToRational(double.Epsilon));
        Assert.Equal((new BigInteger(3), BigInteger.One << 1074), ExactSamplers.ToRational(3 * double.Epsilon));
        Assert.Equal((BigInteger.One, BigInteger.One << 1022), ExactSamplers.ToRational(Math.Pow(2, -1022)));
        Assert.Equal((new BigInteger(3) << 60, BigInteger.One), ExactSamplers.ToRational(3 * Math.Pow(2, 60)));
        Assert.Equal((new BigInteger(1_000_000_000_000_000), BigInteger.One), ExactSamplers.ToRational(1e15));
        Assert.Equal((new BigInteger(5), new BigInteger(2)), ExactSamplers.ToRational(2.5));
    }
}
