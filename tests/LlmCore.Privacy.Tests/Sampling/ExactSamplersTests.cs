using System.Numerics;
using LlmCore.Privacy.Sampling;
using LlmCore.Privacy.Tests.TestSupport;

namespace LlmCore.Privacy.Tests.Sampling;

public class ExactSamplersTests
{
    [Theory]
    [InlineData(1, 2)]
    [InlineData(23, 10)]
    [InlineData(0, 1)]
    public void BernoulliExp_100kDraws_MatchExpOfMinusGamma(int numerator, int denominator)
    {
        // Binomial check: |hits − np| ≤ 4.4·sd, false-failure rate ≈ 1e-5. Exact probability exp(−γ) (CKS20 Alg. 1).
        var source = new SeededRandomSource(21);
        const int n = 100_000;
        var p = Math.Exp(-(double)numerator / denominator);
        var hits = 0;
        for (var i = 0; i < n; i++)
        {
            if (ExactSamplers.BernoulliExp(source, numerator, denominator))
            {
                hits++;
            }
        }

        var sd = Math.Sqrt(n * p * (1 - p));
        Assert.InRange(hits, (n * p) - (4.4 * sd) - 1e-9, (n * p) + (4.4 * sd) + 1e-9);
    }

    [Theory]
    [InlineData(5, 2)]
    [InlineData(1, 3)]
    public void DiscreteLaplace_100kDraws_PassChiSquare(int scaleNumerator, int scaleDenominator)
    {
        // Chi-square at 0.001 (false-failure rate 0.1%) against P[x] = (1−q)/(1+q)·q^|x|, q = e^{−1/t}.
        var source = new SeededRandomSource(22);
        var t = (double)scaleNumerator / scaleDenominator;
        var q = Math.Exp(-1 / t);
        var samples = new List<long>(100_000);
        for (var i = 0; i < 100_000; i++)
        {
            samples.Add((long)ExactSamplers.DiscreteLaplace(source, scaleNumerator, scaleDenominator));
        }

        var p = Statistics.ChiSquarePValue(samples, x => (1 - q) / (1 + q) * Math.Pow(q, Math.Abs(x)), -30, 30);

        Assert.True(p > 0.001, $"p = {p}");
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(0.7)]
    public void DiscreteGaussian_100kDraws_PassChiSquare(double sigma)
    {
        // Chi-square at 0.001 (false-failure rate 0.1%) against P[x] ∝ exp(−x²/2σ²) (CKS20 Alg. 3), normaliser summed directly.
        var source = new SeededRandomSource(23);
        var samples = new List<long>(100_000);
        for (var i = 0; i < 100_000; i++)
        {
            samples.Add(ExactSamplers.DiscreteGaussian(source, sigma));
        }

        var z = 0.0;
        for (var x = -200; x <= 200; x++)
        {
            z += Math.Exp(-(double)x * x / (2 * sigma * sigma));
        }

        var p = Statistics.ChiSquarePValue(samples, x => Math.Exp(-(double)x * x / (2 * sigma * sigma)) / z, -12, 12);

        Assert.True(p > 0.001, $"p = {p}");
    }

    [Fact]
    public void UniformBelow_NonPowerOfTwo_IsUnbiased()
    {
        // Chi-square at 0.001 over 7 cells.
        var source = new SeededRandomSource(24);
        var samples = Enumerable.Range(0, 70_000).Select(_ => (long)ExactSamplers.UniformBelow(source, 7UL)).ToList();

        Assert.True(Statistics.ChiSquarePValue(samples, static x => x is >= 0 and <= 6 ? 1.0 / 7 : 0, 0, 6) > 0.001);
    }

    [Fact]
    public void UniformBelow_BigBound_StaysBelow()
    {
        var source = new SeededRandomSource(25);
        var bound = (BigInteger.One << 130) + 12345;
        for (var i = 0; i < 1000; i++)
        {
            var value = ExactSamplers.UniformBelow(source, bound);
            Assert.True(value >= 0 && value < bound);
        }
    }

    [Fact]
    public void ToRational_Double_IsExact()
    {
        var (n, d) = ExactSamplers.ToRational(0.1);

        Assert.Equal(0.1, (double)n / (double)d);
        Assert.Equal(BigInteger.One << 55, d);
        Assert.Equal((BigInteger.One, BigInteger.One), ExactSamplers.ToRational(1.0));
        Assert.Equal((new BigInteger(3), new BigInteger(4)), ExactSamplers.ToRational(0.75));
    }

    [Fact]
    public void BadArguments_ThrowNamingTheParameter()
    {
        var source = new SeededRandomSource(1);

        Assert.Equal("scale", Assert.Throws<ArgumentOutOfRangeException>(() => ExactSamplers.DiscreteLaplace(source, double.NaN)).ParamName);
        Assert.Equal("sigma", Assert.Throws<ArgumentOutOfRangeException>(() => ExactSamplers.DiscreteGaussian(source, -1)).ParamName);
        Assert.Equal("numerator", Assert.Throws<ArgumentOutOfRangeException>(() => ExactSamplers.BernoulliExp(source, -1, 1)).ParamName);
        Assert.Equal("exclusiveUpperBound", Assert.Throws<ArgumentOutOfRangeException>(() => ExactSamplers.UniformBelow(source, 0UL)).ParamName);
    }
}
