using CsCheck;
using LlmCore.Commercialization.Ranking;

namespace LlmCore.Commercialization.Tests.Ranking;

public class TopsisTests
{
    private static readonly CriterionDirection[] s_directions =
        [CriterionDirection.Benefit, CriterionDirection.Cost, CriterionDirection.Benefit, CriterionDirection.Cost];

    // Worked example computed independently after pyDecision's topsis.py:
    // alternatives API / per-seat SaaS / on-prem over [GM, months to revenue, regulatory fit, CAC], weights the AHP
    // eigenvector [0.482886, 0.156990, 0.271974, 0.088150] → C = [0.531161, 0.651122, 0.468839],
    // D+ = [0.119097, 0.067755, 0.134928], D- = [0.134928, 0.126454, 0.119097].
    [Fact]
    public void Rank_ResearchWorkedExample_MatchesClosenessAndDistances()
    {
        IReadOnlyList<double>[] matrix = [[0.55, 3, 6, 300], [0.70, 6, 7, 1500], [0.80, 12, 9, 40_000]];

        var result = Topsis.Rank(matrix, [0.482886, 0.156990, 0.271974, 0.088150], s_directions);

        // The published figures carry six decimals (truncated), hence the 1e-6 tolerance.
        AssertClose([0.531161, 0.651122, 0.468839], result.Closeness);
        AssertClose([0.119097, 0.067755, 0.134928], result.DistanceToIdeal);
        AssertClose([0.134928, 0.126454, 0.119097], result.DistanceToAntiIdeal);
        Assert.Equal([1, 0, 2], result.Ranking);
    }

    [Fact]
    public void Rank_WeightsNotSummingToOne_AreRejectedNotNormalised()
    {
        IReadOnlyList<double>[] matrix = [[1, 2, 3, 4], [2, 3, 4, 5]];

        var ex = Assert.Throws<ArgumentException>(() => Topsis.Rank(matrix, [0.5, 0.5, 0.5, 0.5], s_directions));

        Assert.Equal("weights", ex.ParamName);
        Assert.Contains("sum to 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rank_NegativeWeight_IsRejected()
    {
        IReadOnlyList<double>[] matrix = [[1, 2, 3, 4], [2, 3, 4, 5]];

        Assert.Throws<ArgumentOutOfRangeException>(() => Topsis.Rank(matrix, [1.2, -0.2, 0, 0], s_directions));
    }

    [Fact]
    public void Rank_SizeMismatch_IsRejected()
    {
        IReadOnlyList<double>[] matrix = [[1, 2, 3], [2, 3, 4, 5]];

        Assert.Throws<ArgumentException>(() => Topsis.Rank(matrix, [0.25, 0.25, 0.25, 0.25], s_directions));
    }

    // Invariants: closeness in [0, 1]; a dominating alternative (best on every criterion) ranks first.
    [Fact]
    public void Rank_RandomMatrices_ClosenessInUnitIntervalAndDominatorFirst()
    {
        Gen.Double[1, 100].Array[4].Array[2, 6].Sample(rows =>
        {
            var best = new double[4];
            for (var j = 0; j < 4; j++)
            {
                best[j] = s_directions[j] == CriterionDirection.Benefit ? rows.Max(r => r[j]) + 1 : rows.Min(r => r[j]) / 2;
            }

            var matrix = rows.Select(static r => (IReadOnlyList<double>)r).Append(best).ToArray();
            var result = Topsis.Rank(matrix, [0.4, 0.3, 0.2, 0.1], s_directions);
            return result.Closeness.All(static c => c is >= 0 and <= 1) && result.Ranking[0] == matrix.Length - 1;
        });
    }

    private static void AssertClose(double[] expected, IReadOnlyList<double> actual)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-6);
        }
    }
}
