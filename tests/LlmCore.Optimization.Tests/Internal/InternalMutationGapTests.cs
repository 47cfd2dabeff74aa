using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Tests.Internal;

/// <summary>
/// The kernels' helpers against independent references: the 8-bit dynamic map against bitsandbytes'
/// <c>create_dynamic_map(signed, max_exponent_bits=7)</c> construction (functional.py) and its fast lookup against a
/// linear scan over every float's upper 16 bits; <c>Negate</c>'s vector body and scalar tail at 0, 1, 7, 33, 1025
/// elements; <c>Run</c>'s chunks covering [0, n) once; the norms (∞-norm propagating NaN, as
/// <c>torch.linalg.vector_norm(ord=inf)</c>); the guards at their documented bounds.
/// </summary>
public class InternalMutationGapTests
{
    [Fact]
    public void SignedMap_IsSymmetricWithBitsandbytesEndpoints()
    {
        // 1 + 2 + … + 64 = 127 magnitudes, each with both signs, then 0 and 1: 256 codes, no padding.
        var map = DynamicQuantization.Signed;
        Assert.Equal(0f, map[127]);
        Assert.Equal(1f, map[255]);
        for (var k = 0; k < 127; k++)
        {
            Assert.Equal(-map[254 - k], map[k]);
        }

        // Smallest magnitude: exponent 10⁻⁶ times the midpoint of linspace(0.1, 1, 2) = 0.55.
        Assert.Equal(0.55e-6f, map[128], 1e-12f);

        // Each decade 10^(i−6) holds 2^i midpoints of linspace(0.1, 1, 2^i + 1).
        for (var i = 0; i < 7; i++)
        {
            var low = (float)Math.Pow(10, i - 6) * 0.1f;
            var high = (float)Math.Pow(10, i - 6);
            Assert.Equal(1 << i, map.Count(v => v > low && v < high));
        }
    }

    [Fact]
    public void UnsignedMap_HasTwiceTheMagnitudesPerDecade()
    {
        // Unsigned: 2^(i+1) midpoints per decade, 2 + 4 + … + 128 = 254 of them, then 0 and 1.
        var map = DynamicQuantization.Unsigned;
        Assert.Equal(0f, map[0]);
        Assert.Equal(1f, map[255]);
        Assert.Equal(0.325e-6f, map[1], 1e-12f);
        for (var i = 0; i < 7; i++)
        {
            var low = (float)Math.Pow(10, i - 6) * 0.1f;
            var high = (float)Math.Pow(10, i - 6);
            Assert.Equal(2 << i, map.Count(v => v > low && v < high));
        }
    }

    [Fact]
    public void NearestFast_EqualsLinearScan_ForEveryUpper16Bits()
    {
        // Every sign, exponent and top mantissa bits, with the lower 16 bits all clear, in the middle and all set:
        // the floor table is indexed by the upper 16 bits, so this visits every table entry at both of its ends.
        foreach (var low in new uint[] { 0x0000, 0x8000, 0xFFFF })
        {
            for (uint key = 0; key < 65536; key++)
            {
                var x = BitConverter.UInt32BitsToSingle((key << 16) | low);
                if (!float.IsFinite(x))
                {
                    continue;
                }

                Assert.True(LinearNearest(DynamicQuantization.Signed, x) == DynamicQuantization.NearestSigned(x), $"x = {x:R} ({BitConverter.SingleToUInt32Bits(x):X8}): scan {LinearNearest(DynamicQuantization.Signed, x)}, fast {DynamicQuantization.NearestSigned(x)}, binary search {DynamicQuantization.Nearest(DynamicQuantization.Signed, x)}");
                if (x >= 0)
                {
                    Assert.True(LinearNearest(DynamicQuantization.Unsigned, x) == DynamicQuantization.NearestUnsigned(x), $"x = {x:R}: scan {LinearNearest(DynamicQuantization.Unsigned, x)}, fast {DynamicQuantization.NearestUnsigned(x)}, binary search {DynamicQuantization.Nearest(DynamicQuantization.Unsigned, x)}, map[254] = {DynamicQuantization.Unsigned[254]:R}");
                }
            }
        }
    }

    [Fact]
    public void NearestFast_NonFinite_ClampsToTheEnds()
    {
        Assert.Equal(255, DynamicQuantization.NearestSigned(float.PositiveInfinity));
        Assert.Equal(0, DynamicQuantization.NearestSigned(float.NegativeInfinity));
        Assert.Equal(255, DynamicQuantization.NearestUnsigned(float.PositiveInfinity));
        Assert.Equal(DynamicQuantization.Nearest(DynamicQuantization.Signed, float.NaN), DynamicQuantization.NearestSigned(float.NaN));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(1025)]
    public void Negate_EveryLength_FlipsEverySign(int n)
    {
        var values = Enumerable.Range(0, n).Select(static i => (i % 3 == 0 ? -1.0 : 1.0) * (i + 0.5)).ToArray();
        var expected = values.Select(static v => -v).ToArray();
        Kernels.Negate<double>(values);
        Assert.Equal(expected, values);

        var floats = Enumerable.Range(0, n).Select(static i => (i % 2 == 0 ? -1f : 1f) * (i + 0.25f)).ToArray();
        var expectedFloats = floats.Select(static v => -v).ToArray();
        Kernels.Negate<float>(floats);
        Assert.Equal(expectedFloats, floats);
    }

    [Theory]
    [InlineData(1023, 1024)]
    [InlineData(1024, 1024)]
    [InlineData(1025, 1024)]
    [InlineData(4097, 1024)]
    [InlineData(100_003, 1024)]
    public void Run_CoversEveryIndexExactlyOnce(int length, int threshold)
    {
        var hits = new int[length];
        var calls = 0;
        Kernels.Run(length, threshold, (start, count) =>
        {
            Interlocked.Increment(ref calls);
            Assert.InRange(count, 1, length);
            for (var i = start; i < start + count; i++)
            {
                Interlocked.Increment(ref hits[i]);
            }
        });

        Assert.All(hits, static h => Assert.Equal(1, h));
        if (length < threshold)
        {
            Assert.Equal(1, calls);
        }
    }

    [Fact]
    public void Norms_MatchTheirDefinitions()
    {
        float[] values = [3f, -4f, 0f];
        Assert.Equal(25.0, Norms.SumOfSquares<float>(values));
        Assert.Equal(5.0, Norms.L2<float>(values));
        Assert.Equal(4.0, Norms.MaxAbs<float>(values));
        Assert.Equal(0.0, Norms.MaxAbs<double>([]));
        Assert.True(double.IsNaN(Norms.MaxAbs<double>([1.0, double.NaN, 5.0])));
        Assert.True(double.IsNaN(Norms.MaxAbs<double>([double.NaN, 1.0])));

        // Accumulated in double: 10⁴ squares of 10⁻³ summed in float drift by about 10⁻⁹ here; in double by 10⁻¹⁵.
        var small = Enumerable.Repeat(1e-3f, 10_000).ToArray();
        Assert.Equal(10_000 * (double)1e-3f * 1e-3f, Norms.SumOfSquares<float>(small), 13);
    }

    [Fact]
    public void Guards_AcceptTheirBoundsAndRejectJustOutside()
    {
        Assert.Equal(0.0, Guard.Beta(0.0));
        Assert.Equal("beta", Assert.Throws<ArgumentOutOfRangeException>(() => Guard.Beta(1.0, "beta")).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Guard.Beta(-1e-12));
        Assert.Throws<ArgumentOutOfRangeException>(() => Guard.Beta(double.NaN));

        Assert.Equal(0.0, Guard.NonPositiveFinite(0.0));
        Assert.Equal(-0.8, Guard.NonPositiveFinite(-0.8));
        Assert.Throws<ArgumentOutOfRangeException>(() => Guard.NonPositiveFinite(1e-12));
        Assert.Throws<ArgumentOutOfRangeException>(() => Guard.NonPositiveFinite(double.NegativeInfinity));

        Assert.Equal(0.0, Guard.NonNegativeFinite(0.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Guard.NonNegativeFinite(-1e-12));
        Assert.Throws<ArgumentOutOfRangeException>(() => Guard.NonNegativeFinite(double.PositiveInfinity));

        Assert.Throws<ArgumentOutOfRangeException>(() => Guard.PositiveFinite(0.0));
        Assert.Equal(1e-300, Guard.PositiveFinite(1e-300));
        Assert.Throws<ArgumentOutOfRangeException>(() => Guard.PositiveFinite(double.NaN));

        Assert.Equal(-5.0, Guard.Finite(-5.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Guard.Finite(double.NaN));

        Assert.Equal(2.0, Guard.InRange(2.0, 2.0, 3.0));
        Assert.Equal(3.0, Guard.InRange(3.0, 2.0, 3.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Guard.InRange(1.999, 2.0, 3.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Guard.InRange(3.001, 2.0, 3.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Guard.InRange(double.NaN, 2.0, 3.0));
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => Guard.InRange(4.0, 2.0, 3.5, "x"));
        Assert.Contains("[2, 3.5]", range.Message, StringComparison.Ordinal);

        Assert.Null(Guard.PositiveFiniteOrNull(null));
        Assert.Equal(2.0, Guard.PositiveFiniteOrNull(2.0));
        Assert.Equal("eps", Assert.Throws<ArgumentOutOfRangeException>(() => Guard.PositiveFiniteOrNull(0.0, "eps")).ParamName);
    }

    private static byte LinearNearest(float[] map, float x)
    {
        // Outside the map the nearest code is the end; inside, the first code at the smallest float distance (ties go
        // to the lower code, as the binary search's "<="). Float distances to values far above 1 round to ties.
        if (x >= map[^1])
        {
            return (byte)(map.Length - 1);
        }

        if (x <= map[0])
        {
            return 0;
        }

        var best = 0;
        for (var i = 1; i < map.Length; i++)
        {
            if (Math.Abs(x - map[i]) < Math.Abs(x - map[best]))
            {
                best = i;
            }
        }

        return (byte)best;
    }
}
