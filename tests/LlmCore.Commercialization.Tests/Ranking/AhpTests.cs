using CsCheck;
using LlmCore.Commercialization.Ranking;

namespace LlmCore.Commercialization.Tests.Ranking;

public class AhpTests
{
    // Worked example computed independently after pyDecision's ahp.py (max-eigen mode):
    // eigen weights [0.482886, 0.156990, 0.271974, 0.088150], λ_max 4.014521, CI 0.004840, CR 0.005378.
    [Fact]
    public void Weigh_ResearchWorkedExample_MatchesWeightsLambdaAndConsistencyRatio()
    {
        IReadOnlyList<double>[] a =
        [
            [1, 3, 2, 5],
            [1.0 / 3, 1, 1.0 / 2, 2],
            [1.0 / 2, 2, 1, 3],
            [1.0 / 5, 1.0 / 2, 1.0 / 3, 1],
        ];

        var result = Ahp.Weigh(a);

        Assert.Equal([0.482886, 0.156990, 0.271974, 0.088150], result.Weights.Select(static w => Math.Round(w, 6)));
        Assert.Equal(4.014521, result.LambdaMax, 1e-6);
        Assert.Equal(0.004840, result.ConsistencyIndex, 1e-6);
        Assert.Equal(0.90, result.RandomIndex);
        Assert.Equal(0.005378, result.ConsistencyRatio, 1e-6);
        Assert.True(result.IsConsistent);
    }

    // Saaty (1980), The Analytic Hierarchy Process, random consistency index for n = 1..10.
    [Theory]
    [InlineData(1, 0.0)]
    [InlineData(2, 0.0)]
    [InlineData(3, 0.58)]
    [InlineData(4, 0.90)]
    [InlineData(5, 1.12)]
    [InlineData(6, 1.24)]
    [InlineData(7, 1.32)]
    [InlineData(8, 1.41)]
    [InlineData(9, 1.45)]
    [InlineData(10, 1.49)]
    public void RandomIndex_SaatyTable_Matches(int n, double expected)
    {
        Assert.Equal(expected, Ahp.RandomIndex(n));
    }

    // Saaty (1977): a consistent matrix a_ij = w_i/w_j has λ_max = n, CI = CR = 0 and w as its eigenvector.
    [Fact]
    public void Weigh_ConsistentMatrix_RecoversWeightsWithZeroConsistencyRatio()
    {
        double[] w = [0.5, 0.25, 0.125, 0.125];
        var a = w.Select(wi => (IReadOnlyList<double>)w.Select(wj => wi / wj).ToArray()).ToArray();

        var result = Ahp.Weigh(a);

        for (var i = 0; i < w.Length; i++)
        {
            Assert.Equal(w[i], result.Weights[i], 1e-12);
        }

        Assert.Equal(4.0, result.LambdaMax, 1e-10);
        Assert.Equal(0.0, result.ConsistencyRatio, 1e-10);
    }

    // An intransitive matrix (A > B > C > A, all at 9) is far from consistent: CR well above 0.10.
    [Fact]
    public void Weigh_IntransitiveJudgments_AreInconsistent()
    {
        IReadOnlyList<double>[] a = [[1, 9, 1.0 / 9], [1.0 / 9, 1, 9], [9, 1.0 / 9, 1]];

        var result = Ahp.Weigh(a);

        Assert.False(result.IsConsistent);
        Assert.True(result.ConsistencyRatio > 1.0);
    }

    [Fact]
    public void Weigh_NotReciprocal_IsRejected()
    {
        IReadOnlyList<double>[] a = [[1, 3], [3, 1]];

        Assert.Throws<ArgumentException>(() => Ahp.Weigh(a));
    }

    // The distributive synthesis of the research example, by hand: for each criterion, local priorities x/Σx
    // (benefit) or (1/x)/Σ(1/x) (cost), weighted and summed; priorities sum to 1 and the usage API wins here while
    // TOPSIS prefers per-seat SaaS (research §4.3 notes the same kind of split between additive and TOPSIS ranking).
    [Fact]
    public void Synthesize_ResearchExample_SumsToOneAndDisagreesWithTopsis()
    {
        IReadOnlyList<double>[] matrix = [[0.55, 3, 6, 300], [0.70, 6, 7, 1500], [0.80, 12, 9, 40_000]];
        double[] weights = [0.482886, 0.156990, 0.271974, 0.088150];
        CriterionDirection[] directions = [CriterionDirection.Benefit, CriterionDirection.Cost, CriterionDirection.Benefit, CriterionDirection.Cost];

        var scores = Ahp.Synthesize(matrix, weights, directions);

        var gm = new[] { 0.55, 0.70, 0.80 }.Select(x => x / 2.05).ToArray();
        var months = new[] { 1 / 3.0, 1 / 6.0, 1 / 12.0 }.Select(x => x / (7.0 / 12)).ToArray();
        var fit = new[] { 6.0, 7, 9 }.Select(x => x / 22).ToArray();
        var cacInv = new[] { 1 / 300.0, 1 / 1500.0, 1 / 40_000.0 };
        var cac = cacInv.Select(x => x / cacInv.Sum()).ToArray();
        for (var i = 0; i < 3; i++)
        {
            var expected = (weights[0] * gm[i]) + (weights[1] * months[i]) + (weights[2] * fit[i]) + (weights[3] * cac[i]);
            Assert.Equal(expected, scores[i], 1e-12);
        }

        Assert.Equal(1.0, scores.Sum(), 1e-6);
        Assert.Equal(0, Array.IndexOf([.. scores], scores.Max()));
        Assert.Equal(1, Topsis.Rank(matrix, weights, directions).Ranking[0]);
    }

    [Fact]
    public void Synthesize_RandomMatrices_PrioritiesSumToOne()
    {
        Gen.Double[0.1, 100].Array[3].Array[2, 8].Sample(rows =>
        {
            var matrix = rows.Select(static r => (IReadOnlyList<double>)r).ToArray();
            var scores = Ahp.Synthesize(matrix, [0.5, 0.3, 0.2], [CriterionDirection.Benefit, CriterionDirection.Cost, CriterionDirection.Benefit]);
            return Math.Abs(scores.Sum() - 1.0) < 1e-9;
        });
    }
}
