namespace LlmCore.Optimization.Internal;

/// <summary>
/// The 8-bit dynamic (tree) quantization maps of Dettmers et al. 2022 ("8-bit Optimizers via Block-wise
/// Quantization"), built as bitsandbytes' <c>create_dynamic_map</c>: for exponent e = 0..6, the midpoints of
/// linspace(0.1, 1) scaled by 10^(e − 6), with 2^e (signed) or 2^(e + 1) (unsigned) values per exponent, plus 0 and 1.
/// </summary>
internal static class DynamicQuantization
{
    public static readonly float[] Signed = Create(signed: true);

    public static readonly float[] Unsigned = Create(signed: false);

    private static readonly byte[] s_signedFloor = FloorTable(Signed);

    private static readonly byte[] s_unsignedFloor = FloorTable(Unsigned);

    /// <summary>The nearest code of a signed value, via a 65,536-entry table on the float's top 16 bits (equal to <see cref="Nearest"/>).</summary>
    public static byte NearestSigned(float x) => NearestFast(Signed, s_signedFloor, x);

    /// <summary>The nearest code of an unsigned value (equal to <see cref="Nearest"/>).</summary>
    public static byte NearestUnsigned(float x) => NearestFast(Unsigned, s_unsignedFloor, x);

    private static byte NearestFast(float[] map, byte[] floor, float x)
    {
        if (float.IsNaN(x))
        {
            return Nearest(map, x);
        }

        int lo = floor[BitConverter.SingleToUInt32Bits(x) >> 16];
        while (lo < map.Length - 1 && map[lo + 1] <= x)
        {
            lo++;
        }

        if (lo == map.Length - 1 || x < map[lo])
        {
            return Nearest(map, x);
        }

        return (byte)(x - map[lo] <= map[lo + 1] - x ? lo : lo + 1);
    }

    private static byte[] FloorTable(float[] map)
    {
        var table = new byte[65536];
        for (var key = 0; key < 65536; key++)
        {
            var bits = (uint)key << 16;
            var low = (bits & 0x8000_0000u) == 0 ? BitConverter.UInt32BitsToSingle(bits) : BitConverter.UInt32BitsToSingle(bits | 0xFFFFu);
            var index = 0;
            if (!float.IsNaN(low))
            {
                while (index < map.Length - 1 && map[index + 1] <= low)
                {
                    index++;
                }
            }

            table[key] = (byte)index;
        }

        return table;
    }

    /// <summary>Returns the index of the map value nearest to <paramref name="x"/> (x in [−1, 1]).</summary>
    public static byte Nearest(float[] map, float x)
    {
        int lo = 0, hi = map.Length - 1;
        while (hi - lo > 1)
        {
            var mid = (lo + hi) >> 1;
            if (map[mid] <= x)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return (byte)(x - map[lo] <= map[hi] - x ? lo : hi);
    }

    private static float[] Create(bool signed)
    {
        const int MaxExponentBits = 7;
        var data = new List<float>(256);
        for (var i = 0; i < MaxExponentBits; i++)
        {
            var items = signed ? (1 << i) + 1 : (1 << (i + 1)) + 1;
            var scale = (float)Math.Pow(10, -(MaxExponentBits - 1) + i);
            for (var k = 0; k < items - 1; k++)
            {
                var a = 0.1f + ((0.9f * k) / (items - 1));
                var b = 0.1f + ((0.9f * (k + 1)) / (items - 1));
                var mean = (a + b) / 2f;
                data.Add(scale * mean);
                if (signed)
                {
                    data.Add(-scale * mean);
                }
            }
        }

        data.Add(0f);
        data.Add(1f);
        while (data.Count < 256)
        {
            data.Add(0f);
        }

        data.Sort();
        return [.. data];
    }
}
