using System.Runtime.CompilerServices;

namespace LlmCore.Commercialization.Internal;

/// <summary>
/// Argument checks shared by the package, each naming the parameter and its valid range. The same API and message
/// shape as the guards of LlmCore.Privacy and LlmCore.Optimization (one copy per package, no shared internals).
/// </summary>
internal static class Guard
{
    public static double PositiveFinite(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, "must be finite and > 0.");
        }

        return value;
    }

    public static double NonNegativeFinite(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, "must be finite and >= 0.");
        }

        return value;
    }

    public static double Fraction(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value > 0 && value <= 1))
        {
            throw new ArgumentOutOfRangeException(name, value, "must be in (0, 1].");
        }

        return value;
    }

    public static int Positive(int value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, "must be an integer >= 1.");
        }

        return value;
    }

    public static int NonNegative(int value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, "must be an integer >= 0.");
        }

        return value;
    }

    public static double? Price(double? value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value is { } v && (!double.IsFinite(v) || v < 0))
        {
            throw new ArgumentOutOfRangeException(name, v, "must be a finite price per GPU-hour >= 0 US dollars.");
        }

        return value;
    }
}
