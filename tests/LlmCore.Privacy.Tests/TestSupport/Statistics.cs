using System.Text.Json;
using MathNet.Numerics.Distributions;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Tests.TestSupport;

/// <summary>Goodness-of-fit helpers for the distribution tests. Every test rejects at level 0.001 (stated per test).</summary>
internal static class Statistics
{
    /// <summary>The one-sample Kolmogorov–Smirnov statistic D = sup |F_n − F|.</summary>
    public static double KolmogorovSmirnov(double[] samples, Func<double, double> cdf)
    {
        var sorted = (double[])samples.Clone();
        Array.Sort(sorted);
        var n = sorted.Length;
        var d = 0.0;
        for (var i = 0; i < n; i++)
        {
            var f = cdf(sorted[i]);
            d = Math.Max(d, Math.Max(((i + 1.0) / n) - f, f - ((double)i / n)));
        }

        return d;
    }

    /// <summary>The asymptotic KS critical value at level 0.001: 1.949/√n (Kolmogorov distribution).</summary>
    public static double KsCritical001(int n) => 1.949 / Math.Sqrt(n);

    /// <summary>
    /// Asserts that <paramref name="hits"/> of <paramref name="trials"/> is within 5 standard errors of the binomial
    /// proportion <paramref name="expected"/>: a false-failure rate below 1e-6 per assertion.
    /// </summary>
    public static void AssertProportion(double expected, int hits, int trials, string label)
    {
        var observed = (double)hits / trials;
        var standardError = Math.Sqrt(expected * (1 - expected) / trials);
        Assert.True(Math.Abs(observed - expected) <= 5 * standardError, $"{label}: observed {observed:R}, expected {expected:R} ± {5 * standardError:R}");
    }

    /// <summary>
    /// Pearson's chi-square p-value of integer samples against a pmf; cells with expected count below 5 are pooled
    /// into two tail cells.
    /// </summary>
    public static double ChiSquarePValue(IReadOnlyList<long> samples, Func<long, double> pmf, long lowest, long highest)
    {
        var n = samples.Count;
        var observed = new Dictionary<long, long>();
        foreach (var s in samples)
        {
            var key = Math.Clamp(s, lowest - 1, highest + 1);
            observed[key] = observed.GetValueOrDefault(key) + 1;
        }

        var cells = new List<(double Observed, double Expected)>();
        var inner = 0.0;
        for (var k = lowest; k <= highest; k++)
        {
            var p = pmf(k);
            inner += p;
            cells.Add((observed.GetValueOrDefault(k), p * n));
        }

        var lowTail = 0.0;
        for (var k = lowest - 1; k > lowest - 10_000 && pmf(k) > 1e-300; k--)
        {
            lowTail += pmf(k);
        }

        var highTail = Math.Max(0, 1 - inner - lowTail);
        cells.Add((observed.GetValueOrDefault(lowest - 1), lowTail * n));
        cells.Add((observed.GetValueOrDefault(highest + 1), highTail * n));

        // Pool small cells into their neighbour.
        var pooled = new List<(double Observed, double Expected)>();
        (double O, double E) acc = (0, 0);
        foreach (var cell in cells)
        {
            acc = (acc.O + cell.Observed, acc.E + cell.Expected);
            if (acc.E >= 5)
            {
                pooled.Add(acc);
                acc = (0, 0);
            }
        }

        if (acc.E > 0 || acc.O > 0)
        {
            if (pooled.Count == 0)
            {
                pooled.Add(acc);
            }
            else
            {
                var last = pooled[^1];
                pooled[^1] = (last.Observed + acc.O, last.Expected + acc.E);
            }
        }

        var statistic = pooled.Sum(static c => (c.Observed - c.Expected) * (c.Observed - c.Expected) / c.Expected);
        var df = pooled.Count - 1;
        return 1 - ChiSquared.CDF(df, statistic);
    }

    /// <summary>A source that counts the words it hands out, to prove that no noise was drawn.</summary>
    public sealed class CountingSource(IRandomSource inner) : IRandomSource
    {
        private long _words;

        public long Words => Interlocked.Read(ref _words);

        public bool IsCryptographicallySecure => inner.IsCryptographicallySecure;

        public void Fill(Span<byte> destination)
        {
            Interlocked.Add(ref _words, (destination.Length + 7) / 8);
            inner.Fill(destination);
        }

        public void Fill(Span<ulong> destination)
        {
            Interlocked.Add(ref _words, destination.Length);
            inner.Fill(destination);
        }

        public ulong NextUInt64()
        {
            Interlocked.Increment(ref _words);
            return inner.NextUInt64();
        }
    }
}

/// <summary>Reads tests/reference/privacy-vectors.json (copied to the output as reference/privacy-vectors.json).</summary>
internal static class ReferenceVectors
{
    private static readonly Lazy<Dictionary<string, JsonElement>> s_vectors = new(Load);

    public static JsonElement Get(string id) => s_vectors.Value[id];

    public static double Recomputed(string id) => Get(id).GetProperty("recomputed_value").GetDouble();

    public static double Input(string id, string name) => Get(id).GetProperty("inputs").GetProperty(name).GetDouble();

    public static string Note(string id) => Get(id).GetProperty("note").GetString() ?? string.Empty;

    private static Dictionary<string, JsonElement> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "reference", "privacy-vectors.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("vectors").EnumerateArray()
            .ToDictionary(static v => v.GetProperty("id").GetString()!, static v => v.Clone());
    }
}
