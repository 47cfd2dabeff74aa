using System.Runtime.InteropServices;
using LlmCore.Privacy.Sampling;
using LlmCore.Privacy.Tests.TestSupport;

namespace LlmCore.Privacy.Tests.Sampling;

/// <summary>
/// The floating-point samplers and the random sources against their published definitions with scripted or reference
/// streams, so each value is checked exactly rather than in distribution: xoshiro256** and SplitMix64 (Blackman and
/// Vigna 2018, the reference C code), Box–Muller (Box and Muller 1958) with the octant symmetries the sampler documents,
/// the Laplace inverse CDF −b·ln u, the two-sided geometric ⌊t·E + c⌋ and the 53-bit uniform grid
/// (scripts/quality/mutation.sh privacy Sampling, docs/quality.md). The vectorised-versus-scalar tests elsewhere compare
/// two paths through the same chunking code; these pin the chunking itself.
/// </summary>
public class SamplingMutationGapTests2
{
    private const double Unit52 = 1.0 / (1UL << 52);

    // xoshiro256** (Blackman and Vigna 2018, xoshiro256starstar.c) seeded by SplitMix64 (splitmix64.c): the scalar stream's
    // state is the first four SplitMix64 outputs; the four vector lanes (fills of ≥ 64 words, documented) take the next 16,
    // lane l holding (x[4 + l], x[8 + l], x[12 + l], x[16 + l]) and block b storing lane l's b-th output at 4b + l. A fill
    // of 67 words is 16 vector blocks and a scalar tail of 3; a byte fill of 11 is one scalar word and the low 3 bytes
    // (little-endian) of the next.
    [Fact]
    public void SeededSource_MatchesTheReferenceXoshiroStreams_ScalarAndLanes()
    {
        const ulong seed = 2026;
        var x = seed;
        var splitMix = new ulong[20];
        for (var i = 0; i < splitMix.Length; i++)
        {
            splitMix[i] = SplitMix64(ref x);
        }

        var scalar = new Xoshiro(splitMix[0], splitMix[1], splitMix[2], splitMix[3]);
        var lanes = Enumerable.Range(0, 4).Select(l => new Xoshiro(splitMix[4 + l], splitMix[8 + l], splitMix[12 + l], splitMix[16 + l])).ToArray();
        var source = new SeededRandomSource(seed);

        var first = new ulong[67];
        source.Fill(first);
        for (var b = 0; b < 16; b++)
        {
            for (var l = 0; l < 4; l++)
            {
                Assert.Equal(lanes[l].Next(), first[(4 * b) + l]);
            }
        }

        Assert.Equal([scalar.Next(), scalar.Next(), scalar.Next()], first[64..]);
        Assert.Equal(scalar.Next(), source.NextUInt64());

        var second = new ulong[64];
        source.Fill(second);
        for (var b = 0; b < 16; b++)
        {
            for (var l = 0; l < 4; l++)
            {
                Assert.Equal(lanes[l].Next(), second[(4 * b) + l]);
            }
        }

        var short63 = new ulong[63];
        source.Fill(short63);
        Assert.Equal(Enumerable.Range(0, 63).Select(_ => scalar.Next()), short63);

        var bytes = new byte[11];
        source.Fill(bytes);
        Assert.Equal(scalar.Next(), MemoryMarshal.Read<ulong>(bytes));
        var last = scalar.Next();
        Assert.Equal([(byte)last, (byte)(last >> 8), (byte)(last >> 16)], bytes[8..]);
        Assert.Equal(scalar.Next(), source.NextUInt64());
        Assert.Equal(seed, source.Seed);
        Assert.False(source.IsCryptographicallySecure);
    }

    // The secure source hands out an 8,192-word buffer word by word and refills it; fills of ≥ 8,192 words bypass it.
    // Draws across the refill boundaries, mixed, are all distinct and non-zero (a repeat or a zero among 40,000 random
    // 64-bit words has probability below 1e-10).
    [Fact]
    public void SecureSource_DrawsAcrossBufferRefills_AreDistinctAndNonZero()
    {
        var results = new List<ulong>();
        var thread = new Thread(() =>
        {
            var source = SecureRandomSource.Instance;
            for (var i = 0; i < 9_000; i++)
            {
                results.Add(source.NextUInt64());
            }

            for (var k = 0; k < 3; k++)
            {
                var chunk = new ulong[5_000];
                source.Fill(chunk);
                results.AddRange(chunk);
            }

            var whole = new ulong[8_192];
            source.Fill(whole);
            results.AddRange(whole);
            var bytes = new byte[64];
            source.Fill(bytes);
            results.AddRange(MemoryMarshal.Cast<byte, ulong>(bytes).ToArray());
            Assert.True(source.IsCryptographicallySecure);
        });
        thread.Start();
        thread.Join();

        Assert.Equal(9_000 + 15_000 + 8_192 + 8, results.Count);
        Assert.Equal(results.Count, results.Distinct().Count());
        Assert.DoesNotContain(0UL, results);
    }

    // The angle word: φ = (w ≫ 12)·2⁻⁵²·π/4 ∈ [0, π/4), and its three low bits pick one of the eight symmetries of the
    // square. So {|cos θ|, |sin θ|} = {cos φ, sin φ} for every choice, and the eight choices put θ in eight different
    // octants (the documented claim that the octant maps onto the whole circle once).
    [Theory]
    [InlineData(0x8000000000000UL)]
    [InlineData(0x1234567890ABCUL)]
    [InlineData(0xF000000000000UL)]
    public void Angle_EightSymmetries_CoverEightOctants(ulong mantissa)
    {
        var phi = mantissa * Unit52 * (Math.PI / 4);
        var octants = new HashSet<int>();
        for (var k = 0UL; k < 8; k++)
        {
            var (a, b) = GaussianSampler.Angle((mantissa << 12) | k | 0x5A8);
            var (lo, hi) = (Math.Min(Math.Abs(a), Math.Abs(b)), Math.Max(Math.Abs(a), Math.Abs(b)));
            Assert.Equal(Math.Sin(phi), lo, 1e-15);
            Assert.Equal(Math.Cos(phi), hi, 1e-15);

            // φ is inside (0, π/4) here, so each image lies inside an octant, away from its boundaries.
            octants.Add((int)Math.Floor(Math.Atan2(b, a) / (Math.PI / 4)));
        }

        Assert.Equal(8, octants.Count);
    }

    // Box–Muller pair by pair: value k of a chunk of p pairs is σ·√(−2 ln u_k)·cos-part and value p + k its sin-part,
    // u_k = 1 − (r_k ≫ 12)·2⁻⁵² from radius word k and the angle from word p + k; 2·⌈n/2⌉ words, chunks of 256 pairs,
    // the second value of the last pair of an odd length dropped (GaussianSampler's documented layout).
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(1025)]
    public void GaussianFill_ScriptedWords_BoxMullerPairByPair(int n)
    {
        const double sigma = 1.5;
        var words = new ulong[2 * ((n + 1) / 2)];
        new SeededRandomSource(4242).Fill(words);
        var expected = new double[n];
        var done = 0;
        var w = 0;
        while (done < n)
        {
            var pairs = Math.Min(256, (n - done + 1) / 2);
            for (var k = 0; k < pairs; k++)
            {
                var u = 1.0 - ((words[w + k] >> 12) * Unit52);
                var radius = Math.Sqrt(-2.0 * Math.Log(u)) * sigma;
                var (a, b) = GaussianSampler.Angle(words[w + pairs + k]);
                expected[done + k] = radius * a;
                if (pairs + k < n - done)
                {
                    expected[done + pairs + k] = radius * b;
                }
            }

            done += Math.Min(2 * pairs, n - done);
            w += 2 * pairs;
        }

        var doubles = new double[n];
        var doubleSource = new ScriptedRandomSource(words);
        GaussianSampler.Fill(doubleSource, sigma, doubles);
        var floats = new float[n];
        var floatSource = new ScriptedRandomSource(words);
        GaussianSampler.Fill(floatSource, sigma, floats);

        Assert.Equal(words.Length, doubleSource.Drawn);
        Assert.Equal(words.Length, floatSource.Drawn);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(expected[i], doubles[i], 1e-14 * Math.Max(1, Math.Abs(expected[i])));
            Assert.Equal((float)expected[i], floats[i], 1e-6f * MathF.Max(1, MathF.Abs((float)expected[i])));
        }
    }

    // Laplace by inversion: x = ∓b·ln u with u = 1 − (w ≫ 12)·2⁻⁵² ∈ (0, 1] and the sign from bit 0. w = 2⁶³ gives
    // u = 1/2 (x = b·ln 2); w = 2⁶⁴ − 1 gives u = 2⁻⁵², the largest magnitude 52·b·ln 2, negative. Chunks of 512 words.
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(600)]
    public void LaplaceFillAndNext_ScriptedWords_InverseCdf(int n)
    {
        const double b = 2.5;
        var words = new ulong[n];
        new SeededRandomSource(4343).Fill(words);
        words[0] = 1UL << 63;
        if (n > 1)
        {
            words[^1] = ulong.MaxValue;
        }
        var expected = words.Select(word =>
        {
            var magnitude = -b * Math.Log(1.0 - ((word >> 12) * Unit52));
            return (word & 1) == 1 ? -magnitude : magnitude;
        }).ToArray();

        var filled = new double[n];
        LaplaceSampler.Fill(new ScriptedRandomSource(words), b, filled);
        var nextSource = new ScriptedRandomSource(words);
        var next = words.Select(_ => LaplaceSampler.Next(nextSource, b)).ToArray();

        for (var i = 0; i < n; i++)
        {
            Assert.Equal(expected[i], filled[i], 1e-14 * Math.Max(1, Math.Abs(expected[i])));
            Assert.Equal(expected[i], next[i], 1e-14 * Math.Max(1, Math.Abs(expected[i])));
        }

        Assert.Equal(b * Math.Log(2), filled[0], 1e-15);
        if (n > 1)
        {
            Assert.Equal(-52 * b * Math.Log(2), filled[^1], 1e-12);
        }
    }

    // The grid Laplace: g·sign·⌊t·E + c⌋, E = −ln u, c = t·(ln 2 − ln(1 + e^{−1/t})) (so P[|K| ≥ m] = 2q^m/(1 + q),
    // the two-sided geometric); a zero carries no sign (+0.0, whatever the sign bit: −0 would reveal it).
    // t = 1: c = ln 2 − ln(1 + 1/e) = 0.3798854930417224; for large t, c → 1/2 − 1/(8t).
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(600)]
    public void GridLaplace_ScriptedWords_FloorOfScaledExponentialPlusOffset(int n)
    {
        const double t = 1.0;
        const double g = 0.5;
        Assert.Equal(0.3798854930417224, GridNoise.LaplaceOffset(t), 1e-15);
        // The difference ln 2 − ln(1 + e^{−1/t}) cancels: its rounding, times t = 1e6, is ≈ 1e-10 (a shift of the grid
        // boundaries by 1e-10 of a step, immaterial to the distribution).
        Assert.Equal(0.5 - (1.0 / 8e6), GridNoise.LaplaceOffset(1e6), 1e-9);

        var words = new ulong[n];
        new SeededRandomSource(4444).Fill(words);
        words[0] = 1;
        if (n > 1)
        {
            words[^1] = (1UL << 63) | 1;
        }
        var c = Math.Log(2) - Math.Log(1 + Math.Exp(-1.0));
        var expected = words.Select(word =>
        {
            var k = Math.Floor((t * -Math.Log(1.0 - ((word >> 12) * Unit52))) + c) * g;
            return (word & 1) == 1 ? -k : k;
        }).ToArray();

        var vector = new double[n];
        GridNoise.FillLaplace(new ScriptedRandomSource(words), t, g, vector);
        var scalar = new double[n];
        GridNoise.FillLaplaceScalar(new ScriptedRandomSource(words), t, g, scalar);

        Assert.Equal(expected, vector);
        Assert.Equal(expected, scalar);
        Assert.Equal(0UL, BitConverter.DoubleToUInt64Bits(vector[0]));
        Assert.Equal(0UL, BitConverter.DoubleToUInt64Bits(scalar[0]));
        if (n > 1)
        {
            Assert.Equal(-0.5, vector[^1]);
        }
    }

    // The grid Gaussian is the grid rounding g·⌊Z·σ/g + ½⌋ of the continuous sampler's N(0, (σ/g)²) draws from the same
    // words, in chunks of 512.
    [Theory]
    [InlineData(1)]
    [InlineData(33)]
    [InlineData(1025)]
    public void GridGaussian_IsTheRoundedContinuousSample(int n)
    {
        var words = new ulong[2 * ((n + 1) / 2) + 2];
        new SeededRandomSource(4545).Fill(words);
        var continuous = new double[n];
        GaussianSampler.Fill(new ScriptedRandomSource(words), 3.0 / 0.25, continuous);
        var expected = continuous.Select(z => Math.Floor(z + 0.5) * 0.25).ToArray();

        var vector = new double[n];
        GridNoise.FillGaussian(new ScriptedRandomSource(words), 3.0, 0.25, vector);
        var scalar = new double[n];
        GridNoise.FillGaussianScalar(new ScriptedRandomSource(words), 3.0, 0.25, scalar);

        Assert.Equal(expected, vector);
        Assert.Equal(expected, scalar);
    }

    // The 53-bit grid: u = (w ≫ 11)·2⁻⁵³, so w = 2047 gives 0, 2048 gives 2⁻⁵³ and 2⁶⁴ − 1 gives 1 − 2⁻⁵³; fills go in
    // chunks of 256 words.
    [Fact]
    public void Uniform_ScriptedWords_On53BitGrid_AcrossChunks()
    {
        var words = new ulong[300];
        new SeededRandomSource(4646).Fill(words);
        words[0] = 2047;
        words[1] = 2048;
        words[299] = ulong.MaxValue;
        var expected = words.Select(w => (w >> 11) / 9007199254740992.0).ToArray();

        var filled = new double[300];
        UniformSampler.Fill(new ScriptedRandomSource(words), filled);
        var nextSource = new ScriptedRandomSource(words);

        Assert.Equal(expected, filled);
        Assert.Equal(expected, words.Select(_ => UniformSampler.NextDouble(nextSource)));
        Assert.Equal([0.0, Math.Pow(2, -53)], filled[..2]);
        Assert.Equal(1.0 - Math.Pow(2, -53), filled[299]);
        Assert.Throws<ArgumentNullException>("source", () => UniformSampler.NextDouble(null!));
        Assert.Throws<ArgumentNullException>("source", () => UniformSampler.Fill(null!, filled));
    }

    private static ulong SplitMix64(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The reference xoshiro256** of Blackman and Vigna (xoshiro256starstar.c), one stream.</summary>
    private sealed class Xoshiro(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        private readonly ulong[] _s = [s0, s1, s2, s3];

        public ulong Next()
        {
            var result = Rotl(_s[1] * 5, 7) * 9;
            var t = _s[1] << 17;
            _s[2] ^= _s[0];
            _s[3] ^= _s[1];
            _s[1] ^= _s[2];
            _s[0] ^= _s[3];
            _s[2] ^= t;
            _s[3] = Rotl(_s[3], 45);
            return result;
        }

        private static ulong Rotl(ulong x, int k) => (x << k) | (x >> (64 - k));
    }
}
