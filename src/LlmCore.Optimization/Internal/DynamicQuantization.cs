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
