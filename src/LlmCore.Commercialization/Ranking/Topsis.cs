namespace LlmCore.Commercialization.Ranking;

/// <summary>
/// TOPSIS, the Technique for Order of Preference by Similarity to Ideal Solution.
/// </summary>
/// <remarks>
/// <para>Hwang, C.-L. and Yoon, K. (1981), <i>Multiple Attribute Decision Making: Methods and Applications</i>,
/// Springer. Steps: vector-normalise each column r_ij = x_ij / √(Σ_i x_ij²); weight v_ij = w_j·r_ij; the ideal takes
/// the best value of each column (max for a benefit, min for a cost) and the anti-ideal the worst; D⁺ and D⁻ are
/// Euclidean distances to them and the closeness is C_i = D⁻_i / (D⁺_i + D⁻_i).</para>
/// <para>Weights must sum to 1 (within 1e-6): weights that do not are rejected, never silently normalised.</para>
/// <para>This type is stateless and thread-safe.</para>
/// </remarks>
public static class Topsis
{
    /// <summary>Ranks alternatives by their closeness to the ideal solution.</summary>
    /// <param name="decisionMatrix">One row per alternative, one finite value per criterion; values of cost criteria must be &gt; 0.</param>
    /// <param name="weights">One weight per criterion, each ≥ 0, summing to 1.</param>
    /// <param name="directions">Whether each criterion is a benefit or a cost.</param>
    /// <returns>Closeness, distances and the ranking.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Sizes disagree, a value is not finite, or the weights do not sum to 1.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A weight is negative or not finite.</exception>
    public static TopsisResult Rank(
        IReadOnlyList<IReadOnlyList<double>> decisionMatrix,
        IReadOnlyList<double> weights,
        IReadOnlyList<CriterionDirection> directions)
    {
        var (m, n) = DecisionMatrixGuard.Check(decisionMatrix, weights, directions);
        var v = new double[m, n];
        for (var j = 0; j < n; j++)
        {
            var norm = 0.0;
            for (var i = 0; i < m; i++)
            {
                norm += decisionMatrix[i][j] * decisionMatrix[i][j];
            }

            norm = Math.Sqrt(norm);
            for (var i = 0; i < m; i++)
            {
                v[i, j] = norm == 0 ? 0 : weights[j] * decisionMatrix[i][j] / norm;
            }
        }

        var ideal = new double[n];
        var anti = new double[n];
        for (var j = 0; j < n; j++)
        {
            var max = double.NegativeInfinity;
            var min = double.PositiveInfinity;
            for (var i = 0; i < m; i++)
            {
                max = Math.Max(max, v[i, j]);
                min = Math.Min(min, v[i, j]);
            }

            ideal[j] = directions[j] == CriterionDirection.Benefit ? max : min;
            anti[j] = directions[j] == CriterionDirection.Benefit ? min : max;
        }

        var plus = new double[m];
        var minus = new double[m];
        var closeness = new double[m];
        for (var i = 0; i < m; i++)
        {
            double dp = 0, dm = 0;
            for (var j = 0; j < n; j++)
            {
                dp += (v[i, j] - ideal[j]) * (v[i, j] - ideal[j]);
                dm += (v[i, j] - anti[j]) * (v[i, j] - anti[j]);
            }

            plus[i] = Math.Sqrt(dp);
            minus[i] = Math.Sqrt(dm);
            var total = plus[i] + minus[i];
            closeness[i] = total == 0 ? 0.5 : minus[i] / total;
        }

        return new TopsisResult(closeness, plus, minus, DecisionMatrixGuard.RankDescending(closeness));
    }
}
