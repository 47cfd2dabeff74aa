using MathNet.Numerics;

namespace LlmCore.Privacy.Accounting.Internal;

/// <summary>Log-space arithmetic for the accountants (log-sum-exp, log-difference, log-erfc, log-Φ).</summary>
internal static class LogMath
{
    private static readonly double s_logHalf = Math.Log(0.5);

    /// <summary>ln(eˣ + eʸ) without overflow.</summary>
    public static double LogAdd(double x, double y)
    {
        if (double.IsNegativeInfinity(x))
        {
            return y;
        }

        if (double.IsNegativeInfinity(y))
        {
            return x;
        }

        var hi = Math.Max(x, y);
        var lo = Math.Min(x, y);
        return hi + Math.Log(1.0 + Math.Exp(lo - hi));
    }

    /// <summary>ln(eˣ − eʸ) for x ≥ y; NaN when y &gt; x (the caller decides what that means).</summary>
    public static double LogSub(double x, double y)
    {
        if (double.IsNegativeInfinity(y))
        {
            return x;
        }

        if (y > x)
        {
            return double.NaN;
        }

        if (x == y)
        {
            return double.NegativeInfinity;
        }

        return Math.Log(-ExpM1(y - x)) + x;
    }

    /// <summary>eˣ − 1 accurate for small |x| (Kahan's trick; .NET's <c>double.ExpM1</c> is the naive difference).</summary>
    public static double ExpM1(double x)
    {
        var u = Math.Exp(x);
        if (u == 1.0)
        {
            return x;
        }

        var um1 = u - 1.0;
        if (um1 == -1.0 || double.IsPositiveInfinity(u))
        {
            return um1;
        }

        return um1 * x / Math.Log(u);
    }

    /// <summary>ln(1 + x) accurate for small |x| (Kahan's trick).</summary>
    public static double Log1P(double x)
    {
        var u = 1.0 + x;
        if (u == 1.0)
        {
            return x;
        }

        if (double.IsPositiveInfinity(u) || u <= 0.0)
        {
            return Math.Log(u);
        }

        return Math.Log(u) * x / (u - 1.0);
    }

    /// <summary>ln(erfc(x)) for every real x: MathNet's <c>Erfc</c> up to x = 20, the asymptotic series beyond (erfc underflows past x ≈ 27).</summary>
    public static double LogErfc(double x)
    {
        if (x < 20.0)
        {
            return Math.Log(SpecialFunctions.Erfc(x));
        }

        // erfc(x) = e^{-x²}/(x√π) · (1 − 1/(2x²) + 3/(2x²)² − 15/(2x²)³ + ...): at x ≥ 20 eight terms reach 1e-20.
        var inv = 1.0 / (2.0 * x * x);
        var term = 1.0;
        var sum = 1.0;
        for (var n = 1; n <= 8; n++)
        {
            term *= -(2 * n - 1) * inv;
            sum += term;
        }

        return -x * x - Math.Log(x) - 0.5 * Math.Log(Math.PI) + Math.Log(sum);
    }

    /// <summary>ln Φ(x), the log of the standard normal CDF, accurate in the far left tail.</summary>
    public static double LogNormalCdf(double x) => s_logHalf + LogErfc(-x / Math.Sqrt(2.0));

    /// <summary>Φ(x), the standard normal CDF, with full relative accuracy in the left tail.</summary>
    public static double NormalCdf(double x) => 0.5 * SpecialFunctions.Erfc(-x / Math.Sqrt(2.0));
}
