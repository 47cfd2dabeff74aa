using MathNet.Numerics;

namespace LlmCore.Privacy.Auditing;

/// <summary>The one-run audit of Steinke, Nasr and Jagielski (2023), "Privacy Auditing with One (1) Training Run" (NeurIPS).</summary>
/// <remarks>
/// <para>Algorithm 1 of the paper: m canaries are each included independently with probability ½
/// (<see cref="OneRunAuditPlan"/>), the algorithm runs once, every canary gets a score, the auditor guesses "included"
/// for the k₊ highest scores and "excluded" for the k₋ lowest and abstains on the rest. If the algorithm is (ε, δ)-DP with
/// respect to each canary, the number W of correct guesses among the r = k₊ + k₋ is (up to the δ term) stochastically
/// dominated by Binomial(r, e^ε/(1 + e^ε)), the accuracy of ε-DP randomized response, whatever the algorithm does with
/// the other canaries: DP is applied once per canary, with no group privacy. With δ &gt; 0 the tail bound is
/// P[W ≥ v] ≤ P[Binomial(r, q) ≥ v] + 2mδ · max_{1≤i≤v} P[v − i ≤ Binomial(r, q) &lt; v]/i, q = e^ε/(1 + e^ε).</para>
/// <para>This is the exact procedure of the paper's Appendix D (no normal approximation): the binomial tail and masses
/// are summed term by term in log space, the p-value is increasing in ε, and the lower bound is the largest ε whose
/// p-value is below 1 − confidence, found by bracketing and bisection to 1e-12 relative. A bound above an accountant's ε
/// shows, with the stated confidence, that the run is not as private as claimed (an implementation or accounting bug); a
/// bound below it shows nothing either way, and one-run bounds are usually far below the accountant's ε.</para>
/// </remarks>
public static partial class PrivacyAudit
{
    private const int BisectionSteps = 200;

    /// <summary>
    /// The p-value of v or more correct guesses out of r under the hypothesis that the run is (ε, δ)-DP:
    /// min(1, P[Binomial(r, q) ≥ v] + 2mδ · max_i P[v − i ≤ Binomial(r, q) &lt; v]/i), q = e^ε/(1 + e^ε).
    /// </summary>
    /// <param name="canaries">m, the canaries in the plan, ≥ 1.</param>
    /// <param name="guesses">r, the guesses made, in [0, m].</param>
    /// <param name="correctGuesses">v, the correct guesses, in [0, r].</param>
    /// <param name="epsilon">The hypothesised ε, finite and ≥ 0.</param>
    /// <param name="delta">The hypothesised δ, in [0, 1].</param>
    /// <returns>The p-value, in [0, 1].</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public static double OneRunPValue(int canaries, int guesses, int correctGuesses, double epsilon, double delta)
    {
        CheckCounts(canaries, guesses, correctGuesses);
        Guard.NonNegativeFinite(epsilon);
        Guard.Probability(delta);
        return PValue(canaries, guesses, correctGuesses, epsilon, delta);
    }

    /// <summary>
    /// The largest ε such that "the run is (ε, δ)-DP" is rejected at the given confidence by v correct guesses out of r
    /// (0 when even ε = 0 is not rejected): a lower bound on the run's true ε.
    /// </summary>
    /// <param name="canaries">m, the canaries in the plan, ≥ 1.</param>
    /// <param name="guesses">r, the guesses made, in [0, m].</param>
    /// <param name="correctGuesses">v, the correct guesses, in [0, r].</param>
    /// <param name="delta">The δ the run claims, in [0, 1).</param>
    /// <param name="confidence">The confidence, in (0, 1); the paper reports 0.95.</param>
    /// <returns>ε ≥ 0.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public static double OneRunEpsilonLowerBound(int canaries, int guesses, int correctGuesses, double delta = 0, double confidence = 0.95)
    {
        CheckCounts(canaries, guesses, correctGuesses);
        Guard.Delta(delta);
        CheckConfidence(confidence);
        return EpsilonBound(canaries, guesses, correctGuesses, delta, 1 - confidence);
    }

    /// <summary>
    /// Evaluates a one-run audit: guesses "included" for the <paramref name="positiveGuesses"/> highest scores and
    /// "excluded" for the <paramref name="negativeGuesses"/> lowest (ties broken by canary index), counts the correct
    /// guesses against the plan, and returns the ε lower bound. Choose k₊ and k₋ before looking at the scores.
    /// </summary>
    /// <param name="plan">The inclusion bits.</param>
    /// <param name="scores">One finite score per canary, larger meaning "more likely included".</param>
    /// <param name="positiveGuesses">k₊ ≥ 0.</param>
    /// <param name="negativeGuesses">k₋ ≥ 0, with k₊ + k₋ ≤ m.</param>
    /// <param name="delta">The δ the run claims, in [0, 1).</param>
    /// <param name="confidence">The confidence, in (0, 1).</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="scores"/> does not hold one value per canary.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count, a score, δ or the confidence is outside its range.</exception>
    public static OneRunAuditResult EvaluateOneRun(OneRunAuditPlan plan, ReadOnlySpan<double> scores, int positiveGuesses, int negativeGuesses, double delta = 0, double confidence = 0.95)
    {
        var order = RankCanaries(plan, scores);
        CheckGuesses(plan.CanaryCount, positiveGuesses, negativeGuesses);
        Guard.Delta(delta);
        CheckConfidence(confidence);
        return Evaluate(plan, order, positiveGuesses, negativeGuesses, delta, confidence, 1 - confidence);
    }

    /// <summary>
    /// Evaluates several guess counts (k₊, k₋) on the same run and returns the best bound, each candidate tested at level
    /// (1 − confidence)/K for K candidates (Bonferroni), so that the best of them still holds at the stated confidence.
    /// </summary>
    /// <param name="plan">The inclusion bits.</param>
    /// <param name="scores">One finite score per canary, larger meaning "more likely included".</param>
    /// <param name="candidates">The (k₊, k₋) pairs to try, chosen before looking at the scores; at least one.</param>
    /// <param name="delta">The δ the run claims, in [0, 1).</param>
    /// <param name="confidence">The overall confidence, in (0, 1).</param>
    /// <returns>The result of the candidate with the largest bound (the first one on ties).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> or <paramref name="candidates"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="scores"/> does not hold one value per canary, or there are no candidates.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count, a score, δ or the confidence is outside its range.</exception>
    public static OneRunAuditResult EvaluateOneRun(OneRunAuditPlan plan, ReadOnlySpan<double> scores, IEnumerable<(int Positive, int Negative)> candidates, double delta = 0, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var order = RankCanaries(plan, scores);
        var list = candidates.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("must hold at least one (positive, negative) pair.", nameof(candidates));
        }

        foreach (var (positive, negative) in list)
        {
            CheckGuesses(plan.CanaryCount, positive, negative, nameof(candidates));
        }

        Guard.Delta(delta);
        CheckConfidence(confidence);
        var level = (1 - confidence) / list.Count;
        OneRunAuditResult? best = null;
        foreach (var (positive, negative) in list)
        {
            var result = Evaluate(plan, order, positive, negative, delta, confidence, level);
            if (best is null || result.EpsilonLowerBound > best.EpsilonLowerBound)
            {
                best = result;
            }
        }

        return best!;
    }

    private static OneRunAuditResult Evaluate(OneRunAuditPlan plan, int[] order, int positive, int negative, double delta, double confidence, double level)
    {
        var correct = 0;
        for (var i = 0; i < positive; i++)
        {
            correct += plan.IncludedUnchecked(order[order.Length - 1 - i]) ? 1 : 0;
        }

        for (var i = 0; i < negative; i++)
        {
            correct += plan.IncludedUnchecked(order[i]) ? 0 : 1;
        }

        var guesses = positive + negative;
        var bound = EpsilonBound(plan.CanaryCount, guesses, correct, delta, level);
        return new OneRunAuditResult(bound, plan.CanaryCount, guesses, correct, positive, negative, delta, confidence);
    }

    /// <summary>Canary indices sorted by increasing score, ties by increasing index.</summary>
    private static int[] RankCanaries(OneRunAuditPlan plan, ReadOnlySpan<double> scores)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (scores.Length != plan.CanaryCount)
        {
            throw new ArgumentException($"must hold one score per canary ({plan.CanaryCount}); got {scores.Length}.", nameof(scores));
        }

        var keys = scores.ToArray();
        foreach (var s in keys)
        {
            Guard.Finite(s, nameof(scores));
        }

        var order = new int[keys.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) =>
        {
            var c = keys[a].CompareTo(keys[b]);
            return c != 0 ? c : a.CompareTo(b);
        });
        return order;
    }

    private static double EpsilonBound(int m, int r, int v, double delta, double level)
    {
        if (v == 0 || PValue(m, r, v, 0.0, delta) >= level)
        {
            return 0.0;
        }

        // Bracket as the paper does (grow the upper end by 1 until its p-value reaches the level), then bisect: the
        // p-value increases with ε, and the lower end always keeps a p-value below the level.
        var lo = 0.0;
        var hi = 1.0;
        while (PValue(m, r, v, hi, delta) < level)
        {
            lo = hi;
            hi += 1.0;
            if (hi > 1e4)
            {
                return lo;
            }
        }

        for (var i = 0; i < BisectionSteps && hi - lo > 1e-12 * hi; i++)
        {
            var mid = 0.5 * (lo + hi);
            if (PValue(m, r, v, mid, delta) < level)
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

    private static double PValue(int m, int r, int v, double epsilon, double delta)
    {
        if (v == 0)
        {
            return 1.0;
        }

        // q = e^ε/(1 + e^ε): ln q = −ln(1 + e^−ε), ln(1 − q) = −ε − ln(1 + e^−ε).
        var softplus = PrivacyMath.Log1p(Math.Exp(-epsilon));
        var logQ = -softplus;
        var log1MinusQ = -epsilon - softplus;
        var logRFactorial = SpecialFunctions.GammaLn(r + 1.0);
        double LogPmf(int k) =>
            logRFactorial - SpecialFunctions.GammaLn(k + 1.0) - SpecialFunctions.GammaLn(r - k + 1.0) + (k * logQ) + ((r - k) * log1MinusQ);

        // β = P[Binomial(r, q) ≥ v], summed in log space from the largest term.
        var terms = new double[r - v + 1];
        var max = double.NegativeInfinity;
        for (var k = v; k <= r; k++)
        {
            terms[k - v] = LogPmf(k);
            max = Math.Max(max, terms[k - v]);
        }

        var sum = 0.0;
        foreach (var t in terms)
        {
            sum += Math.Exp(t - max);
        }

        var beta = Math.Exp(max + Math.Log(sum));
        if (delta == 0)
        {
            return Math.Min(1.0, beta);
        }

        // α = max_i P[v − i ≤ Binomial(r, q) &lt; v]/i.
        var alpha = 0.0;
        var window = 0.0;
        for (var i = 1; i <= v; i++)
        {
            window += Math.Exp(LogPmf(v - i));
            alpha = Math.Max(alpha, window / i);
        }

        return Math.Min(1.0, beta + (alpha * delta * 2.0 * m));
    }

    private static void CheckCounts(int canaries, int guesses, int correct)
    {
        if (canaries < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(canaries), canaries, "must be >= 1.");
        }

        if (guesses < 0 || guesses > canaries)
        {
            throw new ArgumentOutOfRangeException(nameof(guesses), guesses, $"must be in [0, canaries = {canaries}].");
        }

        if (correct < 0 || correct > guesses)
        {
            throw new ArgumentOutOfRangeException("correctGuesses", correct, $"must be in [0, guesses = {guesses}].");
        }
    }

    private static void CheckGuesses(int canaries, int positive, int negative, string? name = null)
    {
        if (positive < 0)
        {
            throw new ArgumentOutOfRangeException(name ?? "positiveGuesses", positive, "must be >= 0.");
        }

        if (negative < 0 || positive + (long)negative > canaries)
        {
            throw new ArgumentOutOfRangeException(name ?? "negativeGuesses", negative, $"must be >= 0 with positive + negative guesses <= the {canaries} canaries.");
        }
    }

    private static void CheckConfidence(double confidence)
    {
        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "must be in (0, 1).");
        }
    }
}
