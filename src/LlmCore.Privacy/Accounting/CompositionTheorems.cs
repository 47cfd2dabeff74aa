using MathNet.Numerics;

namespace LlmCore.Privacy.Accounting;

/// <summary>An (ε, δ) pair.</summary>
/// <param name="Epsilon">ε ≥ 0.</param>
/// <param name="Delta">δ in [0, 1].</param>
/// <remarks>Immutable and thread-safe.</remarks>
public readonly record struct EpsilonDelta(double Epsilon, double Delta);

/// <summary>
/// Composition theorems for (ε, δ)-DP mechanisms: basic composition, the advanced composition of Dwork, Rothblum and
/// Vadhan (2010), the optimal homogeneous composition of Kairouz, Oh and Viswanath (2015/2017) as dp_accounting
/// implements it, and KOV's heterogeneous bound with slack (as IBM diffprivlib's <c>BudgetAccountant</c>).
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class CompositionTheorems
{
    /// <summary>Basic composition: (Σ εᵢ, Σ δᵢ) (δ capped at 1).</summary>
    /// <param name="guarantees">The (εᵢ, δᵢ) of the mechanisms.</param>
    /// <returns>The composed guarantee.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="guarantees"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An ε is negative or NaN, or a δ is outside [0, 1].</exception>
    public static EpsilonDelta Basic(IEnumerable<EpsilonDelta> guarantees)
    {
        ArgumentNullException.ThrowIfNull(guarantees);
        double eps = 0, delta = 0;
        foreach (var g in guarantees)
        {
            Check(g, nameof(guarantees));
            eps += g.Epsilon;
            delta += g.Delta;
        }

        return new EpsilonDelta(eps, Math.Min(1.0, delta));
    }

    /// <summary>
    /// Advanced composition (Dwork, Rothblum and Vadhan 2010; Dwork and Roth 2014 Thm 3.20): k runs of an (ε, δ)-DP
    /// mechanism are (√(2k ln(1/δ′))·ε + k·ε·(e^ε − 1), k·δ + δ′)-DP.
    /// </summary>
    /// <param name="epsilon">ε of each run, ≥ 0.</param>
    /// <param name="delta">δ of each run, in [0, 1].</param>
    /// <param name="count">k ≥ 1.</param>
    /// <param name="slack">δ′, in (0, 1).</param>
    /// <returns>The composed guarantee (δ capped at 1).</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range or NaN.</exception>
    public static EpsilonDelta Advanced(double epsilon, double delta, int count, double slack)
    {
        Check(new EpsilonDelta(epsilon, delta), nameof(epsilon));
        CheckCount(count);
        Guard.PositiveDelta(slack);
        var eps = Math.Sqrt(2.0 * count * Math.Log(1.0 / slack)) * epsilon + count * epsilon * Internal.LogMath.ExpM1(epsilon);
        return new EpsilonDelta(eps, Math.Min(1.0, count * delta + slack));
    }

    /// <summary>
    /// The optimal composition of k runs of an (ε, δ)-DP mechanism (Kairouz, Oh and Viswanath 2017, Thm 3.3), as
    /// dp_accounting's <c>advanced_composition</c>: for i = ⌊k/2⌋ down to 0, δᵢ = Σ_{l&lt;i} C(k,l)(e^{ε(k−l)} − e^{ε(k−2i+l)})/(1+e^ε)^k,
    /// and the answer is ε(k − 2i) for the first i with 1 − (1−δ)^k (1 − δᵢ) ≤ δ_total.
    /// </summary>
    /// <param name="epsilon">ε of each run, ≥ 0.</param>
    /// <param name="delta">δ of each run, in [0, 1].</param>
    /// <param name="count">k ≥ 1.</param>
    /// <param name="totalDelta">The δ the composition may use, in [0, 1].</param>
    /// <returns>The total ε, or <see langword="null"/> when <paramref name="totalDelta"/> &lt; 1 − (1 − δ)^k (no ε is possible).</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range or NaN.</exception>
    public static double? OptimalHomogeneous(double epsilon, double delta, int count, double totalDelta)
    {
        Check(new EpsilonDelta(epsilon, delta), nameof(epsilon));
        CheckCount(count);
        if (!(totalDelta >= 0 && totalDelta <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(totalDelta), totalDelta, "totalDelta must be in [0, 1].");
        }

        var k = count;
        var logDenominator = k * Math.Log(1 + Math.Exp(epsilon));
        var base1MinusDelta = Math.Pow(1 - delta, k);
        for (var i = k / 2; i >= 0; i--)
        {
            var deltaI = 0.0;
            for (var l = 0; l < i; l++)
            {
                var logBinom = SpecialFunctions.BinomialLn(k, l);
                deltaI += Math.Exp(logBinom + epsilon * (k - l) - logDenominator)
                    - Math.Exp(logBinom + epsilon * (k - 2 * i + l) - logDenominator);
            }

            if (1 - base1MinusDelta * (1 - deltaI) <= totalDelta)
            {
                return epsilon * (k - 2 * i);
            }
        }

        return null;
    }

    /// <summary>
    /// The largest per-run ε such that k runs (each with δ = <paramref name="delta"/>) stay
    /// (<paramref name="totalEpsilon"/>, <paramref name="totalDelta"/>)-DP under <see cref="OptimalHomogeneous"/>
    /// (dp_accounting's <c>get_smallest_epsilon_from_advanced_composition</c>); bisection to 1e-12 relative, returning the side that satisfies the budget.
    /// </summary>
    /// <param name="totalEpsilon">The total ε, &gt; 0.</param>
    /// <param name="totalDelta">The total δ, in [0, 1].</param>
    /// <param name="count">k ≥ 1.</param>
    /// <param name="delta">δ of each run, in [0, 1].</param>
    /// <returns>The per-run ε, or <see langword="null"/> when even ε = 0 does not fit.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range or NaN.</exception>
    public static double? OptimalHomogeneousInverse(double totalEpsilon, double totalDelta, int count, double delta)
    {
        Guard.PositiveFinite(totalEpsilon);
        var fits = (double e) => OptimalHomogeneous(e, delta, count, totalDelta) is { } t && t <= totalEpsilon;
        if (!fits(0))
        {
            return null;
        }

        double lo = 0, hi = totalEpsilon;
        if (fits(hi))
        {
            return hi;
        }

        for (var iter = 0; iter < 200 && hi - lo > 1e-12 * hi; iter++)
        {
            var mid = 0.5 * (lo + hi);
            if (fits(mid))
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>
    /// The heterogeneous composition bound of Kairouz, Oh and Viswanath (2017, Thm 3.5) with slack δ′ (as diffprivlib):
    /// ε = min(Σεᵢ, Σεᵢ·tanh(εᵢ/2) + √(2Σεᵢ² ln(1/δ′)), Σεᵢ·tanh(εᵢ/2) + √(2Σεᵢ² ln(e + √(Σεᵢ²)/δ′))),
    /// δ = 1 − (1 − δ′)·Π(1 − δᵢ).
    /// </summary>
    /// <param name="guarantees">The (εᵢ, δᵢ).</param>
    /// <param name="slack">δ′, in [0, 1); 0 gives basic composition of ε.</param>
    /// <returns>The composed guarantee.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="guarantees"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range or NaN.</exception>
    public static EpsilonDelta Heterogeneous(IEnumerable<EpsilonDelta> guarantees, double slack)
    {
        ArgumentNullException.ThrowIfNull(guarantees);
        if (!(slack >= 0 && slack < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(slack), slack, "slack must be in [0, 1).");
        }

        double sum = 0, sumSquares = 0, sumTanh = 0, keep = 1 - slack;
        foreach (var g in guarantees)
        {
            Check(g, nameof(guarantees));
            sum += g.Epsilon;
            sumSquares += g.Epsilon * g.Epsilon;
            sumTanh += g.Epsilon * Math.Tanh(g.Epsilon / 2);
            keep *= 1 - g.Delta;
        }

        var eps = sum;
        if (slack > 0)
        {
            eps = Math.Min(eps, sumTanh + Math.Sqrt(2 * sumSquares * Math.Log(1 / slack)));
            eps = Math.Min(eps, sumTanh + Math.Sqrt(2 * sumSquares * Math.Log(Math.E + Math.Sqrt(sumSquares) / slack)));
        }

        return new EpsilonDelta(eps, 1 - keep);
    }

    private static void Check(EpsilonDelta g, string name)
    {
        if (!(g.Epsilon >= 0) || double.IsInfinity(g.Epsilon))
        {
            throw new ArgumentOutOfRangeException(name, g.Epsilon, "epsilon must be finite and >= 0.");
        }

        if (!(g.Delta >= 0 && g.Delta <= 1))
        {
            throw new ArgumentOutOfRangeException(name, g.Delta, "delta must be in [0, 1].");
        }
    }

    private static void CheckCount(int count)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "count must be >= 1.");
        }
    }

}
