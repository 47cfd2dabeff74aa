using System.Globalization;
using MathNet.Numerics.RootFinding;

namespace LlmCore.Commercialization.Finance;

/// <summary>
/// Discounted-cash-flow functions: net present value, internal rate of return, simple and discounted payback.
/// </summary>
/// <remarks>
/// <para>Cash flow <c>cashFlows[t]</c> occurs at the end of period t, so <c>cashFlows[0]</c> (usually the investment,
/// negative) is not discounted: NPV(r) = Σ_t CF_t/(1 + r)^t (Brealey, Myers and Allen, <i>Principles of Corporate
/// Finance</i>, ch. 2 and 5). The IRR is the root of NPV(r) = 0 found with MathNet.Numerics' Brent solver on the
/// first bracket with a sign change scanning r from −0.99 upwards; when the cash flows change sign more than once
/// several IRRs may exist and the smallest is returned. Payback interpolates linearly within the period in which the
/// cumulative (discounted) cash flow turns non-negative.</para>
/// <para>This type is stateless and thread-safe.</para>
/// </remarks>
public static class FinancialMath
{
    /// <summary>Net present value NPV = Σ_t CF_t/(1 + r)^t, t = 0…T.</summary>
    /// <param name="rate">The discount rate per period, &gt; −1 (0.10 for 10 %).</param>
    /// <param name="cashFlows">Cash flows at the end of periods 0, 1, …; each finite.</param>
    /// <returns>The net present value in the cash flows' currency.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="cashFlows"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rate"/> is ≤ −1 or not finite.</exception>
    /// <exception cref="ArgumentException">A cash flow is not finite.</exception>
    public static double Npv(double rate, IReadOnlyList<double> cashFlows)
    {
        CheckRate(rate, nameof(rate));
        CheckFlows(cashFlows);
        return NpvUnchecked(rate, cashFlows);
    }

    /// <summary>The internal rate of return: the r with NPV(r) = 0.</summary>
    /// <param name="cashFlows">Cash flows at the end of periods 0, 1, …; at least one negative and one positive.</param>
    /// <returns>The IRR per period, or <see langword="null"/> when no rate in (−0.99, 100] makes the NPV zero.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="cashFlows"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A cash flow is not finite.</exception>
    public static double? Irr(IReadOnlyList<double> cashFlows)
    {
        CheckFlows(cashFlows);
        if (!cashFlows.Any(static c => c < 0) || !cashFlows.Any(static c => c > 0))
        {
            return null;
        }

        double F(double r) => NpvUnchecked(r, cashFlows);
        var lower = -0.99;
        var fLower = F(lower);
        foreach (var upper in BracketPoints())
        {
            var fUpper = F(upper);
            if (fLower == 0)
            {
                return lower;
            }

            if (Math.Sign(fLower) != Math.Sign(fUpper))
            {
                if (Brent.TryFindRoot(F, lower, upper, 1e-12, 200, out var root))
                {
                    return root;
                }

                return Bisection.FindRoot(F, lower, upper, 1e-12, 500);
            }

            (lower, fLower) = (upper, fUpper);
        }

        return null;
    }

    /// <summary>Simple payback: the (fractional) number of periods until the cumulative cash flow turns non-negative.</summary>
    /// <param name="cashFlows">Cash flows at the end of periods 0, 1, ….</param>
    /// <returns>(t − 1) + |cumulative CF at t − 1| / CF_t for the first t with a non-negative cumulative CF, or
    /// <see langword="null"/> when the investment is never recovered.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="cashFlows"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A cash flow is not finite.</exception>
    public static double? Payback(IReadOnlyList<double> cashFlows)
    {
        CheckFlows(cashFlows);
        return PaybackOf(cashFlows);
    }

    /// <summary>Discounted payback: the payback of the cash flows discounted at <paramref name="rate"/>.</summary>
    /// <param name="rate">The discount rate per period, &gt; −1.</param>
    /// <param name="cashFlows">Cash flows at the end of periods 0, 1, ….</param>
    /// <returns>The discounted payback in periods, or <see langword="null"/> when never reached.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="cashFlows"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rate"/> is ≤ −1 or not finite.</exception>
    /// <exception cref="ArgumentException">A cash flow is not finite.</exception>
    public static double? DiscountedPayback(double rate, IReadOnlyList<double> cashFlows)
    {
        CheckRate(rate, nameof(rate));
        CheckFlows(cashFlows);
        var discounted = new double[cashFlows.Count];
        for (var t = 0; t < discounted.Length; t++)
        {
            discounted[t] = cashFlows[t] / Math.Pow(1 + rate, t);
        }

        return PaybackOf(discounted);
    }

    private static IEnumerable<double> BracketPoints()
    {
        for (var r = -0.95; r < 1.0; r += 0.05)
        {
            yield return r;
        }

        for (var r = 1.25; r <= 100.0; r *= 1.25)
        {
            yield return r;
        }
    }

    private static double? PaybackOf(IReadOnlyList<double> flows)
    {
        var cumulative = 0.0;
        for (var t = 0; t < flows.Count; t++)
        {
            var previous = cumulative;
            cumulative += flows[t];
            if (cumulative >= 0)
            {
                if (t == 0)
                {
                    return 0.0;
                }

                return (t - 1) + (Math.Abs(previous) / flows[t]);
            }
        }

        return null;
    }

    private static double NpvUnchecked(double rate, IReadOnlyList<double> cashFlows)
    {
        var npv = 0.0;
        var factor = 1.0;
        for (var t = 0; t < cashFlows.Count; t++)
        {
            npv += cashFlows[t] / factor;
            factor *= 1 + rate;
        }

        return npv;
    }

    private static void CheckRate(double rate, string paramName)
    {
        if (!double.IsFinite(rate) || rate <= -1)
        {
            throw new ArgumentOutOfRangeException(paramName, rate, "The rate must be finite and > -1.");
        }
    }

    private static void CheckFlows(IReadOnlyList<double> cashFlows)
    {
        ArgumentNullException.ThrowIfNull(cashFlows);
        for (var t = 0; t < cashFlows.Count; t++)
        {
            if (!double.IsFinite(cashFlows[t]))
            {
                throw new ArgumentException($"Cash flow {t.ToString(CultureInfo.InvariantCulture)} must be finite; got {cashFlows[t].ToString(CultureInfo.InvariantCulture)}.", nameof(cashFlows));
            }
        }
    }
}
