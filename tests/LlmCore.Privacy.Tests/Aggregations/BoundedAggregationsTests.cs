using CsCheck;
using LlmCore.Privacy.Aggregations;
using LlmCore.Privacy.Budget;
using LlmCore.Privacy.Guarantees;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Tests.Aggregations;

public class BoundedAggregationsTests
{
    private static List<(int Id, double Value)> Records(int users, int perUser, Func<int, double> value) =>
        [.. Enumerable.Range(0, users).SelectMany(u => Enumerable.Range(0, perUser).Select(j => (u, value((u * perUser) + j))))];

    [Fact]
    public void Count_BoundsContributionsPerUser()
    {
        var aggregations = new BoundedAggregations(new SeededRandomSource(81));
        var ids = Enumerable.Range(0, 1000).SelectMany(static u => Enumerable.Repeat(u, 5)).ToList();

        // 1000 users × 5 records, at most 2 each: true bounded count 2000; noise scale 2/ε = 0.002.
        var result = aggregations.Count(ids, 1000, maxContributionsPerUser: 2);

        Assert.InRange(result.Value, 1990, 2010);
        Assert.Equal(PrivacyGuarantee.Pure(1000), result.Guarantee);
    }

    [Fact]
    public void Sum_ClampsValues()
    {
        var aggregations = new BoundedAggregations(new SeededRandomSource(82));
        var records = Records(100, 1, static i => i % 2 == 0 ? 1e6 : -1e6);

        // 50 × 10 + 50 × 0 after clamping to [0, 10]; noise scale 10/ε = 0.01.
        var result = aggregations.Sum(records, 1000, 0, 10);

        Assert.InRange(result.Value, 499, 501);
    }

    [Fact]
    public void MeanAndVariance_AlwaysWithinClampRange()
    {
        Gen.Select(Gen.Double[-100, 100].Array[1, 50], Gen.Double[0.01, 5]).Sample((values, epsilon) =>
        {
            var aggregations = new BoundedAggregations(new SeededRandomSource(83));
            var records = values.Select(static (v, i) => (i, v)).ToList();
            var mean = aggregations.Mean(records, epsilon, -10, 10).Value;
            var variance = aggregations.Variance(records, epsilon, -10, 10).Value;
            var quantile = aggregations.Quantile(records, 0.5, epsilon, -10, 10).Value;
            return mean is >= -10 and <= 10 && variance is >= 0 and <= 100 && quantile is >= -10 and <= 10;
        }, iter: 100);
    }

    [Fact]
    public void MeanVarianceQuantile_LargeEpsilon_AreAccurate()
    {
        var aggregations = new BoundedAggregations(new SeededRandomSource(84));
        var records = Records(10_000, 1, static i => i % 100);

        Assert.InRange(aggregations.Mean(records, 100, 0, 100).Value, 49.4, 49.6);
        Assert.InRange(aggregations.Variance(records, 100, 0, 100).Value, 830, 836); // (100² − 1)/12 = 833.25
        Assert.InRange(aggregations.Quantile(records, 0.5, 10, 0, 100).Value, 48, 51);
    }

    [Fact]
    public void Histogram_PartitionSelection_DropsRareKeysAndStatesDelta()
    {
        var aggregations = new BoundedAggregations(new SeededRandomSource(85));
        var records = new List<(int, string)>();
        for (var u = 0; u < 500; u++)
        {
            records.Add((u, "common"));
            records.Add((u, $"rare-{u}"));
            records.Add((u, "common"));
        }

        var histogram = aggregations.Histogram(records, 1, 1e-6, new ContributionBounds(2, 1));

        Assert.True(histogram.Counts.ContainsKey("common"));
        Assert.InRange(histogram.Counts["common"], 470, 530);
        Assert.DoesNotContain(histogram.Counts.Keys, static k => k.StartsWith("rare", StringComparison.Ordinal));
        Assert.Equal(PrivacyGuarantee.Approximate(1, 1e-6), histogram.Guarantee);

        // Threshold: L∞ + m with L0·q^m/(1+q) ≤ δ, q = e^{−ε/(L0·L∞)} (discrete Laplace tail).
        var q = Math.Exp(-0.5);
        var m = histogram.Threshold - 1;
        Assert.True(2 * Math.Pow(q, m) / (1 + q) <= 1e-6);
        Assert.True(2 * Math.Pow(q, m - 1) / (1 + q) > 1e-6);
    }

    [Fact]
    public void Mean_BudgetExhausted_ThrowsBeforeNoise()
    {
        var source = new TestSupport.Statistics.CountingSource(new SeededRandomSource(86));
        var aggregations = new BoundedAggregations(source);
        var budget = new PrivacyBudget(0.5);

        Assert.Throws<PrivacyBudgetExceededException>(() => aggregations.Mean(Records(10, 1, static i => i), 1, 0, 10, budget: budget));
        Assert.Equal(0, source.Words);
    }

    [Fact]
    public void BadInput_ThrowsNamingParameter()
    {
        var aggregations = new BoundedAggregations(new SeededRandomSource(87));
        var records = Records(3, 1, static i => i);

        Assert.Equal("upper", Assert.Throws<ArgumentOutOfRangeException>(() => aggregations.Sum(records, 1, 5, 5)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => aggregations.Mean(records, 0, 0, 1)).ParamName);
        Assert.Equal("quantile", Assert.Throws<ArgumentOutOfRangeException>(() => aggregations.Quantile(records, 1.5, 1, 0, 1)).ParamName);
        Assert.Equal("lower", Assert.Throws<ArgumentOutOfRangeException>(() => aggregations.Variance(records, 1, double.NaN, 1)).ParamName);
        Assert.Equal("maxPartitionsContributed", Assert.Throws<ArgumentOutOfRangeException>(() => new ContributionBounds(0, 1)).ParamName);
    }
}
