namespace LlmCore.Commercialization.Serving;

/// <summary>Summary statistics of one latency over the completed requests, in seconds.</summary>
/// <param name="Count">The number of values.</param>
/// <param name="Mean">The arithmetic mean.</param>
/// <param name="P50">The median.</param>
/// <param name="P90">The 90th percentile.</param>
/// <param name="P99">The 99th percentile.</param>
/// <param name="Max">The largest value.</param>
/// <remarks>Percentiles interpolate linearly between order statistics (Hyndman and Fan's type 7, NumPy's default); all
/// are 0 when <paramref name="Count"/> is 0. Immutable and thread-safe.</remarks>
public readonly record struct LatencyStatistics(int Count, double Mean, double P50, double P90, double P99, double Max)
{
    /// <summary>Computes the statistics of <paramref name="values"/>.</summary>
    /// <param name="values">The values (not modified).</param>
    /// <returns>The statistics.</returns>
    public static LatencyStatistics From(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
        {
            return default;
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        var sum = 0.0;
        foreach (var v in sorted)
        {
            sum += v;
        }

        return new LatencyStatistics(sorted.Length, sum / sorted.Length, Quantile(sorted, 0.5), Quantile(sorted, 0.9), Quantile(sorted, 0.99), sorted[^1]);
    }

    /// <summary>Gets the q-quantile of sorted values (type 7).</summary>
    /// <param name="sorted">Values in ascending order; not empty.</param>
    /// <param name="q">The probability, in [0, 1].</param>
    /// <returns>The quantile.</returns>
    internal static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        var h = (sorted.Length - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }
}
