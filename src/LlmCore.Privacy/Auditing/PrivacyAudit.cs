using MathNet.Numerics.Distributions;

namespace LlmCore.Privacy.Auditing;

/// <summary>The outcome of an empirical privacy audit.</summary>
/// <param name="EpsilonLowerBound">A lower bound on the mechanism's true ε that holds with the stated confidence (0 when nothing was shown).</param>
/// <param name="HitsOnFirst">How often the event occurred on the first input.</param>
/// <param name="HitsOnSecond">How often it occurred on the neighbouring input.</param>
/// <param name="Trials">Runs per input.</param>
/// <param name="Confidence">The confidence of the Clopper–Pearson intervals, e.g. 0.95.</param>
/// <remarks>This type is immutable and thread-safe.</remarks>
public sealed record AuditResult(double EpsilonLowerBound, long HitsOnFirst, long HitsOnSecond, long Trials, double Confidence);

/// <summary>
/// An empirical privacy audit: run a mechanism many times on two neighbouring inputs, count how often an output
/// event occurs on each, and turn the counts into a lower bound on ε with Clopper–Pearson intervals
/// (Jagielski, Ullman and Oprea 2020, "Auditing Differentially Private Machine Learning"; Ding et al. 2018).
/// </summary>
/// <remarks>
/// <para>This type is stateless and thread-safe.</para>
/// <para>(ε, δ)-DP implies P₁ ≤ e^ε·P₂ + δ for every event and both orders, so
/// ε ≥ ln((P̲₁ − δ)/P̄₂), with P̲₁ the lower and P̄₂ the upper Clopper–Pearson bound (each one-sided at level
/// (1 − confidence)/2, from MathNet's Beta inverse CDF). The bound is taken over both orders and over the event and
/// its complement. A bound above the claimed ε shows the claim false with the stated confidence; a bound below it
/// shows nothing either way.</para>
/// </remarks>
public static partial class PrivacyAudit
{
    /// <summary>Runs the audit.</summary>
    /// <param name="onFirst">One run of the mechanism on the first input.</param>
    /// <param name="onSecond">One run of the mechanism on the neighbouring input.</param>
    /// <param name="isEvent">The output event to count.</param>
    /// <param name="trials">Runs per input, ≥ 1.</param>
    /// <param name="delta">The δ the mechanism claims, in [0, 1).</param>
    /// <param name="confidence">Confidence in (0, 1).</param>
    /// <returns>The counts and the ε lower bound.</returns>
    /// <exception cref="ArgumentNullException">A delegate is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A number is outside its range.</exception>
    public static AuditResult EpsilonLowerBound(Func<double> onFirst, Func<double> onSecond, Func<double, bool> isEvent, int trials, double delta = 0, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(onFirst);
        ArgumentNullException.ThrowIfNull(onSecond);
        ArgumentNullException.ThrowIfNull(isEvent);
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        Guard.Delta(delta);
        CheckConfidence(confidence);

        long first = 0, second = 0;
        for (var i = 0; i < trials; i++)
        {
            if (isEvent(onFirst()))
            {
                first++;
            }

            if (isEvent(onSecond()))
            {
                second++;
            }
        }

        return FromCounts(first, second, trials, delta, confidence);
    }

    /// <summary>Turns event counts into the ε lower bound.</summary>
    /// <param name="hitsOnFirst">Event count on the first input, in [0, trials].</param>
    /// <param name="hitsOnSecond">Event count on the second input, in [0, trials].</param>
    /// <param name="trials">Runs per input, ≥ 1.</param>
    /// <param name="delta">The claimed δ, in [0, 1).</param>
    /// <param name="confidence">Confidence in (0, 1).</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A number is outside its range.</exception>
    public static AuditResult FromCounts(long hitsOnFirst, long hitsOnSecond, long trials, double delta = 0, double confidence = 0.95)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(hitsOnFirst);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hitsOnFirst, trials);
        ArgumentOutOfRangeException.ThrowIfNegative(hitsOnSecond);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hitsOnSecond, trials);
        Guard.Delta(delta);
        CheckConfidence(confidence);

        var alpha = (1 - confidence) / 2;
        var bound = 0.0;
        bound = Math.Max(bound, Bound(hitsOnFirst, hitsOnSecond, trials, delta, alpha));
        bound = Math.Max(bound, Bound(hitsOnSecond, hitsOnFirst, trials, delta, alpha));
        bound = Math.Max(bound, Bound(trials - hitsOnFirst, trials - hitsOnSecond, trials, delta, alpha));
        bound = Math.Max(bound, Bound(trials - hitsOnSecond, trials - hitsOnFirst, trials, delta, alpha));
        return new(bound, hitsOnFirst, hitsOnSecond, trials, confidence);
    }

    /// <summary>The one-sided Clopper–Pearson lower bound on a binomial proportion at level α.</summary>
    /// <param name="hits">Successes in [0, trials].</param>
    /// <param name="trials">Trials ≥ 1.</param>
    /// <param name="alpha">α in (0, 1).</param>
    /// <returns>The bound in [0, 1].</returns>
    public static double ClopperPearsonLower(long hits, long trials, double alpha) =>
        hits == 0 ? 0 : Beta.InvCDF(hits, trials - hits + 1, alpha);

    /// <summary>The one-sided Clopper–Pearson upper bound on a binomial proportion at level α.</summary>
    /// <param name="hits">Successes in [0, trials].</param>
    /// <param name="trials">Trials ≥ 1.</param>
    /// <param name="alpha">α in (0, 1).</param>
    /// <returns>The bound in [0, 1].</returns>
    public static double ClopperPearsonUpper(long hits, long trials, double alpha) =>
        hits == trials ? 1 : Beta.InvCDF(hits + 1, trials - hits, 1 - alpha);

    private static double Bound(long high, long low, long trials, double delta, double alpha)
    {
        var p1 = ClopperPearsonLower(high, trials, alpha) - delta;
        var p2 = ClopperPearsonUpper(low, trials, alpha);
        return p1 > 0 && p2 > 0 ? Math.Log(p1 / p2) : 0;
    }
}
