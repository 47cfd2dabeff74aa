using System.Runtime.CompilerServices;

namespace LlmCore.Privacy;

/// <summary>Argument checks shared by the package, each naming the parameter and its valid range.</summary>
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

    public static double Finite(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, "must be finite (not NaN or Infinity).");
        }

        return value;
    }

    public static double Delta(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value >= 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(name, value, "must be in [0, 1).");
        }

        return value;
    }

    public static double PositiveDelta(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value > 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(name, value, "must be in (0, 1).");
        }

        return value;
    }

    public static double Probability(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw new ArgumentOutOfRangeException(name, value, "must be in [0, 1].");
        }

        return value;
    }

    /// <summary>The smallest power of two that is ≥ <paramref name="value"/> (value finite and &gt; 0).</summary>
    public static double CeilPowerOfTwo(double value)
    {
        var exponent = Math.ILogB(value);
        var power = Math.ScaleB(1.0, exponent);
        return power >= value ? power : Math.ScaleB(1.0, exponent + 1);
    }
}
