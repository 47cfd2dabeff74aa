using LlmCore.Commercialization.Ranking;

namespace LlmCore.Commercialization.Tests.Ranking;

/// <summary>
/// AHP and TOPSIS against published and hand-worked examples, and every documented range, that the worked-example
/// tests leave open (read against Stryker's mutators for scripts/quality/mutation.sh commercialization Ranking,
/// docs/quality.md): Saaty's house example, the orders 1, 2 and 15, the reciprocity tolerance, the eigenvector
/// equation, TOPSIS by hand with a cost criterion, a zero column, ties, and each guard naming its parameter.
/// </summary>
public class RankingMutationGapTests
{
    private static readonly CriterionDirection[] s_benefitCost = [CriterionDirection.Benefit, CriterionDirection.Cost];

    // Saaty, T. L. (1990), "How to make a decision: The Analytic Hierarchy Process", European Journal of Operational
    // Research 48:9–26, Table 2 (buying a house, eight criteria: size, transportation, neighbourhood, age, yard space,
    // modern facilities, general condition, financing): priorities .173 .054 .188 .018 .031 .036 .167 .333,
    // λ_max = 9.669, C.I. = 0.238, C.R. = 0.169 (so the judgments are not accepted: CR ≥ 0.10). RI(8) = 1.41.
    [Fact]
    public void Weigh_SaatyHouseExample_MatchesThePublishedPrioritiesAndConsistency()
    {
        var a = SaatyHouseCriteria();

        var result = Ahp.Weigh(a);

        Assert.Equal([0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333], result.Weights.Select(static w => Math.Round(w, 3)));
        Assert.Equal(9.669, result.LambdaMax, 5e-4);
        Assert.Equal(0.238, result.ConsistencyIndex, 5e-4);
        Assert.Equal(1.41, result.RandomIndex);
        Assert.Equal(0.169, result.ConsistencyRatio, 5e-4);
        Assert.False(result.IsConsistent);
        Assert.Equal(1.0, result.Weights.Sum(), 1e-12);
    }

    // The principal eigenvector satisfies A·w = λ_max·w component by component (Saaty 1977, §2): a power iteration
    // stopped early leaves (A·w)_i / w_i spread around λ_max. The house matrix converges slowly enough (about 30
    // iterations to 1e-13) for an early stop to show at 1e-9.
    [Fact]
    public void Weigh_SaatyHouseExample_WeightsSolveTheEigenvectorEquation()
    {
        var a = SaatyHouseCriteria();

        var result = Ahp.Weigh(a);

        for (var i = 0; i < a.Length; i++)
        {
            var aw = 0.0;
            for (var j = 0; j < a.Length; j++)
            {
                aw += a[i][j] * result.Weights[j];
            }

            Assert.Equal(result.LambdaMax, aw / result.Weights[i], 1e-9);
        }
    }

    // n = 1: the single weight is 1, λ_max = 1, and CI and CR are 0 by definition (CI's n − 1 would divide by zero).
    [Fact]
    public void Weigh_OrderOne_IsTriviallyConsistent()
    {
        var result = Ahp.Weigh([[1.0]]);

        Assert.Equal([1.0], result.Weights);
        Assert.Equal(1.0, result.LambdaMax, 1e-12);
        Assert.Equal(0.0, result.ConsistencyIndex);
        Assert.Equal(0.0, result.RandomIndex);
        Assert.Equal(0.0, result.ConsistencyRatio);
        Assert.True(result.IsConsistent);
    }

    // n = 2: every reciprocal 2×2 matrix is consistent; [[1, 3], [1/3, 1]] gives w = (3/4, 1/4) and λ_max = 2 by hand,
    // and RI(2) = 0, so CR is defined as 0 (AhpResult's documentation), never CI/0.
    [Fact]
    public void Weigh_OrderTwo_HasZeroConsistencyRatio()
    {
        var result = Ahp.Weigh([[1.0, 3.0], [1.0 / 3, 1.0]]);

        Assert.Equal(0.75, result.Weights[0], 1e-12);
        Assert.Equal(0.25, result.Weights[1], 1e-12);
        Assert.Equal(2.0, result.LambdaMax, 1e-12);
        Assert.Equal(0.0, result.ConsistencyIndex, 1e-12);
        Assert.Equal(0.0, result.ConsistencyRatio);
        Assert.True(result.IsConsistent);
    }

    // The documented order range is 1…15 (RI tabulated to 15, as in pyDecision's ahp_method inc_rat): 15 is accepted,
    // 0 and 16 are rejected naming the matrix.
    [Fact]
    public void Weigh_OrderRange_Is1To15()
    {
        var w = Enumerable.Range(1, 15).Select(static k => (double)k).ToArray();
        var consistent = w.Select(wi => (IReadOnlyList<double>)w.Select(wj => wi / wj).ToArray()).ToArray();

        var result = Ahp.Weigh(consistent);

        Assert.Equal(1.59, result.RandomIndex);
        Assert.Equal(w[14] / w.Sum(), result.Weights[14], 1e-12);
        Assert.Equal(0.0, result.ConsistencyRatio, 1e-10);

        var sixteen = Enumerable.Range(0, 16).Select(static _ => (IReadOnlyList<double>)Enumerable.Repeat(1.0, 16).ToArray()).ToArray();
        Assert.Equal("pairwise", Assert.Throws<ArgumentOutOfRangeException>(() => Ahp.Weigh(sixteen)).ParamName);
        Assert.Equal("pairwise", Assert.Throws<ArgumentOutOfRangeException>(() => Ahp.Weigh([])).ParamName);
        Assert.Throws<ArgumentNullException>(() => Ahp.Weigh(null!));
    }

    // pyDecision's ahp_method (inc_rat) and Saaty's table: RI(11..15) = 1.51, 1.48, 1.56, 1.57, 1.59; outside 1…15 the
    // index is not tabulated.
    [Theory]
    [InlineData(11, 1.51)]
    [InlineData(12, 1.48)]
    [InlineData(13, 1.56)]
    [InlineData(14, 1.57)]
    [InlineData(15, 1.59)]
    public void RandomIndex_ExtendedTable_Matches(int n, double expected)
    {
        Assert.Equal(expected, Ahp.RandomIndex(n));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    public void RandomIndex_OutsideTheTable_IsRejectedNamingN(int n)
    {
        Assert.Equal("n", Assert.Throws<ArgumentOutOfRangeException>(() => Ahp.RandomIndex(n)).ParamName);
    }

    public static TheoryData<double[][]> BadPairwise => new()
    {
        // not square: a short row, then a null row
        { [[1.0, 2.0], [0.5]] },
        { [[1.0, 2.0], null!] },

        // entries not finite or not > 0; the negative pair is reciprocal (−2 · −½ = 1), so only positivity rejects it
        { [[1.0, double.NaN], [double.NaN, 1.0]] },
        { [[1.0, double.PositiveInfinity], [0.0, 1.0]] },
        { [[1.0, 0.0], [double.PositiveInfinity, 1.0]] },
        { [[1.0, -2.0], [-0.5, 1.0]] },
        { [[-1.0, 1.0], [1.0, -1.0]] },

        // not reciprocal: a_ij·a_ji = 1 + 1e-7, beyond the documented 1e-9
        { [[1.0, 3.0], [(1.0 / 3) * (1 + 1e-7), 1.0]] },
        { [[1.0, 3.0], [(1.0 / 3) * (1 - 1e-7), 1.0]] },
        { [[2.0, 1.0], [1.0, 0.5]] },
    };

    [Theory]
    [MemberData(nameof(BadPairwise))]
    public void Weigh_BadMatrix_IsRejectedNamingPairwise(double[][] rows)
    {
        var matrix = rows.Select(static r => (IReadOnlyList<double>)r).ToArray();

        var ex = Assert.Throws<ArgumentException>(() => Ahp.Weigh(matrix));

        Assert.Equal("pairwise", ex.ParamName);
    }

    // Reciprocity is checked within 1e-9 relative (Weigh's documentation): an error of 1e-12, as 1/3 typed with twelve
    // decimals gives, is accepted.
    [Fact]
    public void Weigh_ReciprocalWithinTolerance_IsAccepted()
    {
        var result = Ahp.Weigh([[1.0, 3.0], [0.333333333333, 1.0]]);

        Assert.Equal(0.75, result.Weights[0], 1e-9);
    }

    // Distributive synthesis by hand: benefit column (2, 6) → local (1/4, 3/4); cost column (1, 3) → reciprocals
    // (1, 1/3) / (4/3) = (3/4, 1/4); with weights (3/4, 1/4): S = (3/16 + 3/16, 9/16 + 1/16) = (3/8, 5/8).
    [Fact]
    public void Synthesize_BenefitAndCostByHand()
    {
        var scores = Ahp.Synthesize([[2.0, 1.0], [6.0, 3.0]], [0.75, 0.25], s_benefitCost);

        Assert.Equal(0.375, scores[0], 1e-12);
        Assert.Equal(0.625, scores[1], 1e-12);
    }

    // AHP synthesis works on a ratio scale: a benefit value of 0 (or below) is rejected too, not only a cost's.
    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    public void Synthesize_NonPositiveBenefit_IsRejectedNamingTheMatrix(double value)
    {
        var ex = Assert.Throws<ArgumentException>(() => Ahp.Synthesize([[value, 1.0], [2.0, 1.0]], [0.5, 0.5], s_benefitCost));

        Assert.Equal("decisionMatrix", ex.ParamName);
    }

    // TOPSIS by hand (Hwang and Yoon 1981, steps 1–6): benefit column (3, 4) and cost column (6, 8) both normalise to
    // (0.6, 0.8); weights (3/4, 1/4) give v_A = (0.45, 0.15), v_B = (0.6, 0.2); ideal (max, min) = (0.6, 0.15),
    // anti-ideal (0.45, 0.2); D⁺ = (0.15, 0.05), D⁻ = (0.05, 0.15); C = (0.25, 0.75).
    [Fact]
    public void Rank_BenefitAndCostByHand()
    {
        var result = Topsis.Rank([[3.0, 6.0], [4.0, 8.0]], [0.75, 0.25], s_benefitCost);

        AssertClose([0.25, 0.75], result.Closeness);
        AssertClose([0.15, 0.05], result.DistanceToIdeal);
        AssertClose([0.05, 0.15], result.DistanceToAntiIdeal);
        Assert.Equal([1, 0], result.Ranking);
    }

    // One benefit criterion (3, 4, 0): norm 5, v = (0.6, 0.8, 0); ideal 0.8, anti-ideal 0; C_i = v_i / 0.8.
    // A benefit value may be 0 or negative (only cost values must be > 0).
    [Fact]
    public void Rank_OneCriterionByHand()
    {
        var result = Topsis.Rank([[3.0], [4.0], [0.0]], [1.0], [CriterionDirection.Benefit]);

        AssertClose([0.75, 1.0, 0.0], result.Closeness);
        AssertClose([0.2, 0.0, 0.8], result.DistanceToIdeal);
        AssertClose([0.6, 0.8, 0.0], result.DistanceToAntiIdeal);
        Assert.Equal([1, 0, 2], result.Ranking);

        var negative = Topsis.Rank([[-3.0], [4.0]], [1.0], [CriterionDirection.Benefit]);
        AssertClose([0.0, 1.0], negative.Closeness);
    }

    // A column of zeros has no norm: it carries no information and must not turn every closeness into NaN; the other
    // column (3, 4) decides alone, C = (0, 1).
    [Fact]
    public void Rank_ZeroColumn_IsIgnored()
    {
        var result = Topsis.Rank([[0.0, 3.0], [0.0, 4.0]], [0.5, 0.5], [CriterionDirection.Benefit, CriterionDirection.Benefit]);

        AssertClose([0.0, 1.0], result.Closeness);
        AssertClose([0.1, 0.0], result.DistanceToIdeal);
    }

    // Identical alternatives are at distance 0 from both the ideal and the anti-ideal: closeness 0.5 (neither better
    // nor worse), and ties keep input order (TopsisResult.Ranking's documentation).
    [Fact]
    public void Rank_IdenticalAlternatives_HalfClosenessAndInputOrder()
    {
        var single = Topsis.Rank([[2.0, 5.0]], [0.5, 0.5], s_benefitCost);
        Assert.Equal([0.5], single.Closeness);
        Assert.Equal([0], single.Ranking);

        var same = Topsis.Rank([[2.0, 5.0], [2.0, 5.0], [2.0, 5.0], [2.0, 5.0]], [0.5, 0.5], s_benefitCost);
        Assert.Equal([0.5, 0.5, 0.5, 0.5], same.Closeness);
        Assert.Equal([0, 1, 2, 3], same.Ranking);

        // ties between the two best keep input order too: C = (0.25, 0.75, 0.75), the same ratios as the hand example above
        var tied = Topsis.Rank([[3.0, 6.0], [4.0, 8.0], [4.0, 8.0]], [0.75, 0.25], s_benefitCost);
        Assert.Equal([1, 2, 0], tied.Ranking);
    }

    [Fact]
    public void Rank_NullArguments_AreRejectedByName()
    {
        IReadOnlyList<double>[] matrix = [[1.0, 2.0]];

        Assert.Equal("decisionMatrix", Assert.Throws<ArgumentNullException>(() => Topsis.Rank(null!, [0.5, 0.5], s_benefitCost)).ParamName);
        Assert.Equal("weights", Assert.Throws<ArgumentNullException>(() => Topsis.Rank(matrix, null!, s_benefitCost)).ParamName);
        Assert.Equal("directions", Assert.Throws<ArgumentNullException>(() => Topsis.Rank(matrix, [0.5, 0.5], null!)).ParamName);
    }

    public static TheoryData<double[][], double[], CriterionDirection[], string> BadDecisions => new()
    {
        { [], [0.5, 0.5], s_benefitCost, "decisionMatrix" },
        { [[1.0, 2.0]], [], [], "weights" },
        { [[1.0, 2.0]], [0.5, 0.5], [CriterionDirection.Benefit], "directions" },
        { [[1.0, 2.0]], [0.5, 0.5], [CriterionDirection.Benefit, CriterionDirection.Cost, CriterionDirection.Cost], "directions" },
        { [[1.0, 2.0], null!], [0.5, 0.5], s_benefitCost, "decisionMatrix" },
        { [[1.0, 2.0], [1.0]], [0.5, 0.5], s_benefitCost, "decisionMatrix" },
        { [[1.0, 2.0], [1.0, 2.0, 3.0]], [0.5, 0.5], s_benefitCost, "decisionMatrix" },
        { [[double.NaN, 2.0]], [0.5, 0.5], s_benefitCost, "decisionMatrix" },
        { [[double.PositiveInfinity, 2.0]], [0.5, 0.5], s_benefitCost, "decisionMatrix" },
        { [[1.0, double.PositiveInfinity]], [0.5, 0.5], s_benefitCost, "decisionMatrix" },
        { [[1.0, 0.0]], [0.5, 0.5], s_benefitCost, "decisionMatrix" },
        { [[1.0, -2.0]], [0.5, 0.5], s_benefitCost, "decisionMatrix" },

        // weights summing to 1 ± 2e-6, beyond the documented 1e-6, on either side
        { [[1.0, 2.0]], [0.5, 0.500002], s_benefitCost, "weights" },
        { [[1.0, 2.0]], [0.5, 0.499998], s_benefitCost, "weights" },
    };

    [Theory]
    [MemberData(nameof(BadDecisions))]
    public void Rank_And_Synthesize_BadDecision_AreRejectedNamingTheArgument(double[][] rows, double[] weights, CriterionDirection[] directions, string parameter)
    {
        var matrix = rows.Select(static r => (IReadOnlyList<double>)r).ToArray();

        var topsis = Assert.Throws<ArgumentException>(() => Topsis.Rank(matrix, weights, directions));
        var ahp = Assert.Throws<ArgumentException>(() => Ahp.Synthesize(matrix, weights, directions));

        Assert.Equal(parameter, topsis.ParamName);
        Assert.Equal(parameter, ahp.ParamName);
    }

    // Each weight must be finite and ≥ 0 (ArgumentOutOfRangeException naming the weights); 0 itself is allowed, and a
    // sum within 1e-6 of 1 is accepted as 1.
    [Theory]
    [InlineData(double.NaN, 0.5)]
    [InlineData(double.PositiveInfinity, 0.0)]
    [InlineData(-0.25, 1.25)]
    public void Rank_BadWeight_IsOutOfRange(double first, double second)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Topsis.Rank([[1.0, 2.0]], [first, second], s_benefitCost));

        Assert.Equal("weights", ex.ParamName);
    }

    [Fact]
    public void Rank_ZeroWeightAndSumWithinTolerance_AreAccepted()
    {
        var zero = Topsis.Rank([[3.0, 6.0], [4.0, 8.0]], [1.0, 0.0], s_benefitCost);
        AssertClose([0.0, 1.0], zero.Closeness);

        var near = Topsis.Rank([[3.0, 6.0], [4.0, 8.0]], [0.75, 0.2500005], s_benefitCost);
        AssertClose([0.25, 0.75], near.Closeness, 1e-5);

        var below = Topsis.Rank([[3.0, 6.0], [4.0, 8.0]], [0.75, 0.2499995], s_benefitCost);
        AssertClose([0.25, 0.75], below.Closeness, 1e-5);
    }

    // Saaty's acceptance rule is CR < 0.10 (AhpResult.IsConsistent; InconsistentJudgmentsException says "CR >= 0.10"):
    // a ratio of exactly 0.10 is not accepted.
    [Fact]
    public void IsConsistent_IsStrictlyBelowTheThreshold()
    {
        Assert.False(new AhpResult([1.0], 1, 0, 0, AhpResult.AcceptableConsistencyRatio).IsConsistent);
        Assert.True(new AhpResult([1.0], 1, 0, 0, 0.0999).IsConsistent);
        Assert.Equal(0.10, AhpResult.AcceptableConsistencyRatio);
    }

    // Ties keep input order (TopsisResult.Ranking's documentation) for any number of alternatives, not only for the
    // short arrays that Array.Sort orders by insertion (16 or fewer): 40 identical alternatives rank 0, 1, …, 39.
    [Fact]
    public void Rank_ManyTies_KeepInputOrder()
    {
        var matrix = Enumerable.Range(0, 40).Select(static _ => (IReadOnlyList<double>)new[] { 2.0, 5.0 }).ToArray();

        var result = Topsis.Rank(matrix, [0.5, 0.5], s_benefitCost);

        Assert.Equal(Enumerable.Range(0, 40), result.Ranking);
    }

    // The exception carries the consistency ratio it was thrown for (NaN when none was given) and names it, with
    // Saaty's threshold, in its message.
    [Fact]
    public void InconsistentJudgmentsException_CarriesTheRatio()
    {
        var withRatio = new InconsistentJudgmentsException(0.16908);
        Assert.Equal(0.16908, withRatio.ConsistencyRatio);
        Assert.Contains("0.1691", withRatio.Message, StringComparison.Ordinal);
        Assert.Contains("0.10", withRatio.Message, StringComparison.Ordinal);

        var plain = new InconsistentJudgmentsException();
        Assert.True(double.IsNaN(plain.ConsistencyRatio));
        Assert.Contains("CR >= 0.10", plain.Message, StringComparison.Ordinal);

        var inner = new InvalidOperationException("x");
        var wrapped = new InconsistentJudgmentsException("judgments", inner);
        Assert.Equal("judgments", wrapped.Message);
        Assert.Same(inner, wrapped.InnerException);
        Assert.True(double.IsNaN(new InconsistentJudgmentsException("judgments").ConsistencyRatio));
    }

    private static IReadOnlyList<double>[] SaatyHouseCriteria() =>
    [
        [1, 5, 3, 7, 6, 6, 1.0 / 3, 1.0 / 4],
        [1.0 / 5, 1, 1.0 / 3, 5, 3, 3, 1.0 / 5, 1.0 / 7],
        [1.0 / 3, 3, 1, 6, 3, 4, 6, 1.0 / 5],
        [1.0 / 7, 1.0 / 5, 1.0 / 6, 1, 1.0 / 3, 1.0 / 4, 1.0 / 7, 1.0 / 8],
        [1.0 / 6, 1.0 / 3, 1.0 / 3, 3, 1, 1.0 / 2, 1.0 / 5, 1.0 / 6],
        [1.0 / 6, 1.0 / 3, 1.0 / 4, 4, 2, 1, 1.0 / 5, 1.0 / 6],
        [3, 5, 1.0 / 6, 7, 5, 5, 1, 1.0 / 2],
        [4, 7, 5, 8, 6, 6, 2, 1],
    ];

    private static void AssertClose(double[] expected, IReadOnlyList<double> actual, double tolerance = 1e-12)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], tolerance);
        }
    }
}
