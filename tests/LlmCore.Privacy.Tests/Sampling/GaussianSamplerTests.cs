using LlmCore.Privacy.Mechanisms;
using LlmCore.Privacy.Sampling;
using LlmCore.Privacy.Tests.TestSupport;
using MathNet.Numerics.Distributions;

namespace LlmCore.Privacy.Tests.Sampling;

/// <summary>
/// The vectorised Box–Muller sampler with the octant sine/cosine. Every statistical test rejects at level 0.001
/// (false-failure rate 0.1% each) on a fixed seed, so a given seed either always passes or always fails.
/// </summary>
public class GaussianSamplerTests
{
    [Fact]
    public void Fill_1MSamples_PassesChiSquareOnQuarterSigmaBins()
    {
        // Pearson chi-square at 0.001 of ⌊z/0.25⌋ against P[k] = Φ(0.25(k+1)) − Φ(0.25k); cells with expected count
        // below 5 pooled into the tails.
        var z = new double[1_000_000];
        GaussianSampler.Fill(new SeededRandomSource(301), 1.0, z);
        var bins = z.Select(static x => (long)Math.Floor(x / 0.25)).ToList();

        var p = Statistics.ChiSquarePValue(bins, static k => Normal.CDF(0, 1, 0.25 * (k + 1)) - Normal.CDF(0, 1, 0.25 * k), -24, 23);

        Assert.True(p > 0.001, $"p = {p}");
    }

    [Fact]
    public void Fill_100kSamplesScaled_PassesKolmogorovSmirnov()
    {
        // KS at level 0.001 against N(0, 0.3²), on a length that is not a multiple of the chunk (odd tail).
        var z = new double[100_003];
        GaussianSampler.Fill(new SeededRandomSource(302), 0.3, z);

        Assert.True(Statistics.KolmogorovSmirnov(z, x => Normal.CDF(0, 0.3, x)) < Statistics.KsCritical001(z.Length));
    }

    [Fact]
    public void FillSingle_100kSamples_PassesKolmogorovSmirnov()
    {
        // KS at level 0.001 against N(0, 2²) of the single-precision overload.
        var z = new float[100_000];
        GaussianSampler.Fill(new SeededRandomSource(303), 2.0, z);

        Assert.True(Statistics.KolmogorovSmirnov(z.Select(static x => (double)x).ToArray(), x => Normal.CDF(0, 2, x)) < Statistics.KsCritical001(z.Length));
    }

    [Theory]
    [InlineData(3.0, 304)]
    [InlineData(4.0, 305)]
    [InlineData(4.5, 306)]
    public void Fill_TailFrequencies_AreInsideTheBinomialInterval(double threshold, int seed)
    {
        // 2·10⁶ draws; the counts of z > t and of z < −t are each Binomial(n, Φ(−t)); each must lie inside the central
        // 99.9% interval (two-sided level 0.001 per count, so a false-failure rate below 0.2% per row).
        const int n = 2_000_000;
        var z = new double[n];
        GaussianSampler.Fill(new SeededRandomSource((ulong)seed), 1.0, z);
        var p = Normal.CDF(0, 1, -threshold);
        var upper = z.Count(x => x > threshold);
        var lower = z.Count(x => x < -threshold);
        var (lo, hi) = BinomialInterval(n, p, 0.001);

        Assert.InRange(upper, lo, hi);
        Assert.InRange(lower, lo, hi);
    }

    [Fact]
    public void Fill_PairAngle_IsUniformOnTheCircle()
    {
        // The pair (first, second) of each Box–Muller draw: atan2 must be uniform on (−π, π] (KS at 0.001) whatever the
        // octant and symmetry bits chose. Pairs are (z[k], z[256 + k]) inside each full chunk of 512.
        var z = new double[512 * 400];
        GaussianSampler.Fill(new SeededRandomSource(307), 1.0, z);
        var angles = new List<double>();
        for (var chunk = 0; chunk < z.Length; chunk += 512)
        {
            for (var k = 0; k < 256; k++)
            {
                angles.Add((Math.Atan2(z[chunk + 256 + k], z[chunk + k]) + Math.PI) / (2 * Math.PI));
            }
        }

        Assert.True(Statistics.KolmogorovSmirnov(angles.ToArray(), static u => Math.Clamp(u, 0, 1)) < Statistics.KsCritical001(angles.Count));
    }

    [Fact]
    public void OctantSinCos_MatchesMathSinCosWithinTwoUlps()
    {
        for (var i = 0; i <= 100_000; i++)
        {
            var phi = i * (Math.PI / 4) / 100_000;
            var (s, c) = GaussianSampler.OctantSinCos(phi);

            Assert.InRange(Math.Abs(s - Math.Sin(phi)), 0, 2 * Ulp(Math.Sin(phi)));
            Assert.InRange(Math.Abs(c - Math.Cos(phi)), 0, 2 * Ulp(Math.Cos(phi)));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(1025)]
    public void Fill_VectorisedKernel_MatchesScalarReference(int length)
    {
        var vector = new double[length];
        var scalar = new double[length];
        GaussianSampler.Fill(new SeededRandomSource(308), 1.5, vector);
        GaussianSampler.FillScalar(new SeededRandomSource(308), 1.5, scalar);

        for (var i = 0; i < length; i++)
        {
            // Same words and the same arithmetic; only TensorPrimitives.Log and Math.Log may differ by an ulp.
            Assert.InRange(Math.Abs(vector[i] - scalar[i]), 0, 1e-14 * Math.Max(1, Math.Abs(scalar[i])));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(1025)]
    public void GridGaussian_VectorisedKernel_MatchesScalarReferenceOnTheGrid(int length)
    {
        var vector = new double[length];
        var scalar = new double[length];
        GridNoise.FillGaussian(new SeededRandomSource(309), 1e6, 0.5, vector);
        GridNoise.FillGaussianScalar(new SeededRandomSource(309), 1e6, 0.5, scalar);

        for (var i = 0; i < length; i++)
        {
            Assert.Equal(Math.Round(vector[i] / 0.5), vector[i] / 0.5);
            Assert.Equal(Math.Round(scalar[i] / 0.5), scalar[i] / 0.5);

            // An ulp of the logarithm can move a draw across a rounding boundary: one grid step at most.
            Assert.InRange(Math.Abs(vector[i] - scalar[i]), 0, 0.5);
        }
    }

    [Fact]
    public void GridGaussian_SmallScale_PassesChiSquareAgainstRoundedNormal()
    {
        // f = σ/g = 2.5 grid steps: P[k] = Φ((k + ½)/f) − Φ((k − ½)/f); chi-square at 0.001 on 200,000 draws.
        const double f = 2.5;
        var noise = new double[200_000];
        GridNoise.FillGaussian(new SeededRandomSource(310), f, 1.0, noise);

        Assert.All(noise, static x => Assert.Equal(Math.Round(x), x));
        var p = Statistics.ChiSquarePValue(noise.Select(static x => (long)x).ToList(), static k => Normal.CDF(0, f, k + 0.5) - Normal.CDF(0, f, k - 0.5), -12, 12);
        Assert.True(p > 0.001, $"p = {p}");
    }

    [Fact]
    public void SecureMechanismNoise_StaysOnTheGridAndPassesKolmogorovSmirnov()
    {
        // The secure source (not reproducible): KS at 0.001 against N(0, σ²) on 100,000 draws; the rounding to g ≈ σ·2^-40
        // is far below the KS resolution. Every draw a multiple of g.
        var mechanism = new GaussianMechanism(1, 1e-6, 1, source: SecureRandomSource.Instance);
        var noise = new double[100_000];
        mechanism.FillNoise(noise);

        Assert.All(noise, x => Assert.Equal(Math.Round(x / mechanism.Granularity), x / mechanism.Granularity));
        Assert.True(Statistics.KolmogorovSmirnov(noise, x => Normal.CDF(0, mechanism.Sigma, x)) < Statistics.KsCritical001(noise.Length));
    }

    [Fact]
    public void Fill_BadArguments_ThrowNamingTheParameter()
    {
        Assert.Equal("source", Assert.Throws<ArgumentNullException>(() => GaussianSampler.Fill(null!, 1.0, new double[2])).ParamName);
        Assert.Equal("sigma", Assert.Throws<ArgumentOutOfRangeException>(() => GaussianSampler.Fill(new SeededRandomSource(1), double.NaN, new float[2])).ParamName);
    }

    private static double Ulp(double x) => Math.BitIncrement(Math.Abs(x)) - Math.Abs(x);

    /// <summary>The central interval [lo, hi] of Binomial(n, p) with P[X &lt; lo] ≤ level/2 and P[X &gt; hi] ≤ level/2.</summary>
    private static (int Lo, int Hi) BinomialInterval(int n, double p, double level)
    {
        // lo: the smallest k with P[X ≤ k] > level/2; hi: the smallest k with P[X > k] ≤ level/2 (both by bisection).
        return (Smallest(n, k => Binomial.CDF(p, n, k) > level / 2), Smallest(n, k => 1 - Binomial.CDF(p, n, k) <= level / 2));
    }

    private static int Smallest(int n, Func<int, bool> holds)
    {
        var (lo, hi) = (0, n);
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            (lo, hi) = holds(mid) ? (lo, mid) : (mid + 1, hi);
        }

        return lo;
    }
}
