namespace LlmCore.Privacy.Guarantees;

/// <summary>
/// Converts ρ-zCDP to (ε, δ)-DP with the optimal bound of Canonne, Kamath and Steinke (2020), "The Discrete
/// Gaussian for Differential Privacy", Corollary 13:
/// δ = inf_{α&gt;1} exp((α−1)(αρ−ε) + α·ln(1−1/α)) / (α−1).
/// </summary>
/// <remarks>
/// This type is stateless and thread-safe. The infimum over α is found by bisection on the derivative of the
/// logarithm, (2α−1)ρ − ε + ln(1−1/α), which increases in α (as OpenDP's <c>cdp_delta</c> does), over
/// ln(α − 1) ∈ [−40, 100]; ε is found by minimising the equivalent RDP-to-DP conversion with RDP(α) = αρ.
/// </remarks>
internal static class ZcdpConversion
{
    private const double LowerLog = -40;
    private const double UpperLog = 100;

    /// <summary>Returns the δ at which ρ-zCDP implies (ε, δ)-DP.</summary>
    /// <param name="rho">ρ, finite and ≥ 0.</param>
    /// <param name="epsilon">ε, finite and ≥ 0.</param>
    /// <returns>δ in [0, 1].</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is negative, NaN or infinite.</exception>
    public static double Delta(double rho, double epsilon)
    {
        Guard.NonNegativeFinite(rho);
        Guard.NonNegativeFinite(epsilon);
        if (rho == 0)
        {
            return 0;
        }

        // Bisection on x = ln(α − 1) for the root of the derivative.
        double lo = LowerLog, hi = UpperLog;
        for (var i = 0; i < 200; i++)
        {
            var mid = 0.5 * (lo + hi);
            if (Derivative(rho, epsilon, mid) < 0)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        var x = 0.5 * (lo + hi);
        return Math.Min(1.0, Math.Exp(LogDeltaAt(rho, epsilon, x)));
    }

    /// <summary>Returns the smallest ε for which ρ-zCDP implies (ε, δ)-DP.</summary>
    /// <param name="rho">ρ, finite and ≥ 0.</param>
    /// <param name="delta">δ in (0, 1).</param>
    /// <returns>ε ≥ 0.</returns>
    /// <exception cref="ArgumentOutOfRangeException">ρ is negative or not finite, or δ is outside (0, 1).</exception>
    public static double Epsilon(double rho, double delta)
    {
        Guard.NonNegativeFinite(rho);
        Guard.PositiveDelta(delta);
        if (rho == 0)
        {
            return 0;
        }

        // ε(α) = αρ + ln(1 − 1/α) − (ln δ + ln α)/(α − 1), unimodal in x = ln(α − 1): golden-section search.
        var logDelta = Math.Log(delta);
        double a = LowerLog, b = UpperLog;
        var ratio = (Math.Sqrt(5) - 1) / 2;
        var c = b - (ratio * (b - a));
        var d = a + (ratio * (b - a));
        var fc = EpsilonAt(rho, logDelta, c);
        var fd = EpsilonAt(rho, logDelta, d);
        for (var i = 0; i < 300; i++)
        {
            if (fc < fd)
            {
                b = d;
                d = c;
                fd = fc;
                c = b - (ratio * (b - a));
                fc = EpsilonAt(rho, logDelta, c);
            }
            else
            {
                a = c;
                c = d;
                fc = fd;
                d = a + (ratio * (b - a));
                fd = EpsilonAt(rho, logDelta, d);
            }
        }

        return Math.Max(0, Math.Min(fc, fd));
    }

    private static double Derivative(double rho, double epsilon, double x)
    {
        var alphaMinusOne = Math.Exp(x);
        var alpha = 1 + alphaMinusOne;
        return ((2 * alpha) - 1) * rho - epsilon + PrivacyMath.Log1p(-1 / alpha);
    }

    private static double LogDeltaAt(double rho, double epsilon, double x)
    {
        var alphaMinusOne = Math.Exp(x);
        var alpha = 1 + alphaMinusOne;
        return (alphaMinusOne * ((alpha * rho) - epsilon)) + (alpha * PrivacyMath.Log1p(-1 / alpha)) - x;
    }

    private static double EpsilonAt(double rho, double logDelta, double x)
    {
        var alphaMinusOne = Math.Exp(x);
        var alpha = 1 + alphaMinusOne;
        return (alpha * rho) + PrivacyMath.Log1p(-1 / alpha) - ((logDelta + Math.Log(alpha)) / alphaMinusOne);
    }
}
