namespace LlmCore.Commercialization.Ranking;

/// <summary>
/// The Analytic Hierarchy Process: priorities from a reciprocal pairwise comparison matrix, its consistency ratio,
/// and the distributive synthesis of alternatives.
/// </summary>
/// <remarks>
/// <para>Saaty, T. L. (1977), "A scaling method for priorities in hierarchical structures", <i>Journal of
/// Mathematical Psychology</i> 15(3):234–281; Saaty, T. L. (1980), <i>The Analytic Hierarchy Process</i>,
/// McGraw-Hill. Priorities are the principal right eigenvector (power iteration to 1e-13), λ_max the mean of
/// (A·w)_i/w_i, CI = (λ_max − n)/(n − 1) and CR = CI/RI(n) with Saaty's random indices
/// 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49 for n = 1…10 (extended to n = 15 with 1.51, 1.48,
/// 1.56, 1.57, 1.59 as in pyDecision). Judgments are accepted when CR &lt; 0.10.</para>
/// <para>This type is stateless and thread-safe.</para>
/// </remarks>
public static class Ahp
{
    private static readonly double[] s_randomIndex =
        [0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59];

    /// <summary>Gets Saaty's random consistency index RI(n).</summary>
    /// <param name="n">The matrix order, 1 to 15.</param>
    /// <returns>RI(n).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is outside 1…15.</exception>
    internal static double RandomIndex(int n)
    {
        if (n < 1 || n > s_randomIndex.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"The random index is tabulated for n = 1..{s_randomIndex.Length}.");
        }

        return s_randomIndex[n - 1];
    }

    /// <summary>Derives priorities and the consistency ratio from a pairwise comparison matrix.</summary>
    /// <param name="pairwise">A square reciprocal matrix (a_ii = 1, a_ji = 1/a_ij within 1e-9 relative), entries &gt; 0,
    /// usually on Saaty's 1–9 scale; order 1 to 15.</param>
    /// <returns>The weights, λ_max, CI, RI and CR.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pairwise"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The matrix is not square, not positive, or not reciprocal.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The order is outside 1…15.</exception>
    public static AhpResult Weigh(IReadOnlyList<IReadOnlyList<double>> pairwise)
    {
        ArgumentNullException.ThrowIfNull(pairwise);
        var n = pairwise.Count;
        if (n < 1 || n > s_randomIndex.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(pairwise), n, $"The matrix order must be 1..{s_randomIndex.Length}.");
        }

        for (var i = 0; i < n; i++)
        {
            if (pairwise[i] is null || pairwise[i].Count != n)
            {
                throw new ArgumentException($"Row {i} must have {n} entries (a square matrix).", nameof(pairwise));
            }
        }

        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var a = pairwise[i][j];
                if (!double.IsFinite(a) || a <= 0)
                {
                    throw new ArgumentException($"Entry [{i},{j}] must be finite and > 0; got {a}.", nameof(pairwise));
                }

                if (Math.Abs((a * pairwise[j][i]) - 1.0) > 1e-9)
                {
                    throw new ArgumentException($"The matrix must be reciprocal: [{i},{j}]·[{j},{i}] = {a * pairwise[j][i]}, expected 1.", nameof(pairwise));
                }
            }
        }

        var w = new double[n];
        Array.Fill(w, 1.0 / n);
        var next = new double[n];
        for (var iteration = 0; iteration < 10_000; iteration++)
        {
            var sum = 0.0;
            for (var i = 0; i < n; i++)
            {
                var s = 0.0;
                for (var j = 0; j < n; j++)
                {
                    s += pairwise[i][j] * w[j];
                }

                next[i] = s;
                sum += s;
            }

            var change = 0.0;
            for (var i = 0; i < n; i++)
            {
                next[i] /= sum;
                change = Math.Max(change, Math.Abs(next[i] - w[i]));
            }

            (w, next) = (next, w);
            if (change < 1e-13)
            {
                break;
            }
        }

        var lambda = 0.0;
        for (var i = 0; i < n; i++)
        {
            var s = 0.0;
            for (var j = 0; j < n; j++)
            {
                s += pairwise[i][j] * w[j];
            }

            lambda += s / w[i];
        }

        lambda /= n;
        var ci = n <= 1 ? 0.0 : (lambda - n) / (n - 1);
        var ri = RandomIndex(n);
        var cr = ri == 0 ? 0.0 : ci / ri;
        return new AhpResult(w, lambda, ci, ri, cr);
    }

    /// <summary>
    /// Scores alternatives by AHP's distributive synthesis: each criterion's column becomes local priorities that
    /// sum to 1 (x_ij/Σ_i x_ij for a benefit, (1/x_ij)/Σ_i(1/x_ij) for a cost — the principal eigenvector of the
    /// consistent ratio matrix a_ik = x_ij/x_kj), then S_i = Σ_j w_j·p_ij.
    /// </summary>
    /// <param name="decisionMatrix">One row per alternative, one value per criterion; values must be &gt; 0.</param>
    /// <param name="weights">Criterion weights, each ≥ 0, summing to 1 (rejected otherwise).</param>
    /// <param name="directions">Whether each criterion is a benefit or a cost.</param>
    /// <returns>The global priority of each alternative, in input order (they sum to 1).</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Sizes disagree, a value is not &gt; 0, or the weights do not sum to 1.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A weight is negative or not finite.</exception>
    public static IReadOnlyList<double> Synthesize(
        IReadOnlyList<IReadOnlyList<double>> decisionMatrix,
        IReadOnlyList<double> weights,
        IReadOnlyList<CriterionDirection> directions)
    {
        var (m, n) = DecisionMatrixGuard.Check(decisionMatrix, weights, directions);
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                if (decisionMatrix[i][j] <= 0)
                {
                    throw new ArgumentException($"AHP synthesis needs values > 0 (ratio scale); value [{i},{j}] is {decisionMatrix[i][j]}.", nameof(decisionMatrix));
                }
            }
        }

        var scores = new double[m];
        for (var j = 0; j < n; j++)
        {
            var total = 0.0;
            for (var i = 0; i < m; i++)
            {
                total += directions[j] == CriterionDirection.Benefit ? decisionMatrix[i][j] : 1.0 / decisionMatrix[i][j];
            }

            for (var i = 0; i < m; i++)
            {
                var local = (directions[j] == CriterionDirection.Benefit ? decisionMatrix[i][j] : 1.0 / decisionMatrix[i][j]) / total;
                scores[i] += weights[j] * local;
            }
        }

        return scores;
    }
}
