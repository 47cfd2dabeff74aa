using LlmCore.Privacy.Sampling;
using LlmCore.Privacy.Tests.TestSupport;
using MathNet.Numerics.Distributions;

namespace LlmCore.Privacy.Tests.Sampling;

public class NoiseSamplerTests
{
    [Fact]
    public void LaplaceFill_100kSamples_PassesKolmogorovSmirnov()
    {
        // KS at level 0.001 (false-failure rate 0.1%) against MathNet's Laplace(0, 1.5) CDF.
        var samples = new double[100_000];
        LaplaceSampler.Fill(new SeededRandomSource(31), 1.5, samples);
        var laplace = new Laplace(0, 1.5);

        Assert.True(Statistics.KolmogorovSmirnov(samples, laplace.CumulativeDistribution) < Statistics.KsCritical001(samples.Length));
    }

    [Fact]
    public void GaussianFill_100kSamples_PassesKolmogorovSmirnov()
    {
        // KS at level 0.001 (false-failure rate 0.1%) against MathNet's N(0, 2²) CDF.
        var samples = new double[100_001];
        GaussianSampler.Fill(new SeededRandomSource(32), 2.0, samples);
        var normal = new Normal(0, 2.0);

        Assert.True(Statistics.KolmogorovSmirnov(samples, normal.CumulativeDistribution) < Statistics.KsCritical001(samples.Length));
    }

    [Fact]
    public void GridLaplace_SmallScale_PassesChiSquareAgainstTwoSidedGeometric()
    {
        // Chi-square at 0.001 (false-failure rate 0.1%): t = 2.5 grid units, P[k] = (1−q)/(1+q)·q^|k|, q = e^{−1/t}.
        const double t = 2.5;
        var q = Math.Exp(-1 / t);
        var noise = new double[100_000];
        GridNoise.FillLaplace(new SeededRandomSource(33), t, 1.0, noise);
        var samples = noise.Select(static x => (long)x).ToList();

        Assert.All(noise, static x => Assert.Equal(Math.Round(x), x));
        Assert.True(Statistics.ChiSquarePValue(samples, x => (1 - q) / (1 + q) * Math.Pow(q, Math.Abs(x)), -25, 25) > 0.001);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(1025)]
    public void GridLaplace_VectorisedKernel_MatchesScalarReference(int length)
    {
        var vector = new double[length];
        var scalar = new double[length];
        GridNoise.FillLaplace(new SeededRandomSource(34), 1e6, 0.25, vector);
        GridNoise.FillLaplaceScalar(new SeededRandomSource(34), 1e6, 0.25, scalar);

        for (var i = 0; i < length; i++)
        {
            // TensorPrimitives.Log may differ from Math.Log by an ulp; that can move a draw by one grid step at most.
            Assert.InRange(Math.Abs(vector[i] - scalar[i]), 0, 0.25);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(1025)]
    public void LaplaceSignAndScale_VectorisedKernel_MatchesScalar(int length)
    {
        var source = new SeededRandomSource(35);
        var words = new ulong[length];
        source.Fill(words);
        var vector = new double[length];
        LaplaceSampler.WordsToOpenUnit(words, vector);
        for (var i = 0; i < length; i++)
        {
            Assert.Equal(LaplaceSampler.OpenUnit(words[i]), vector[i]);
            Assert.InRange(vector[i], double.Epsilon, 1.0);
        }

        var scaled = (double[])vector.Clone();
        LaplaceSampler.ApplySignAndScale(words, -2.0, scaled);
        for (var i = 0; i < length; i++)
        {
            var expected = (words[i] & 1) == 1 ? 2.0 * vector[i] : -2.0 * vector[i];
            Assert.Equal(expected, scaled[i]);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(1025)]
    public void GridRound_VectorisedKernel_MatchesScalar(int length)
    {
        var source = new SeededRandomSource(36);
        var z = new double[length];
        GaussianSampler.Fill(source, 1, z);
        var vector = new double[length];
        GridNoise.RoundToGrid(z, 1e3, 0.5, vector);

        for (var i = 0; i < length; i++)
        {
            Assert.Equal(Math.Floor((z[i] * 1e3) + 0.5) * 0.5, vector[i]);
        }
    }

    [Fact]
    public void Fill_BadScale_ThrowsNamingParameter()
    {
        var source = new SeededRandomSource(1);
        var buffer = new double[4];

        Assert.Equal("scale", Assert.Throws<ArgumentOutOfRangeException>(() => LaplaceSampler.Fill(source, 0, buffer)).ParamName);
        Assert.Equal("sigma", Assert.Throws<ArgumentOutOfRangeException>(() => GaussianSampler.Fill(source, double.PositiveInfinity, buffer)).ParamName);
    }
}
