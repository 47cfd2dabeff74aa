using System.Runtime.CompilerServices;

namespace LlmCore.Optimization.Internal;

/// <summary>
/// Argument checks shared by the package, each naming the parameter (by default the argument's own expression) and its
/// valid range. Same method names and message shape as LlmCore.Privacy's <c>Guard</c>, so that the file can be shared.
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

    public static double NonPositiveFinite(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!double.IsFinite(value) || value > 0)
        {
            throw new ArgumentOutOfRangeException(name, value, "must be finite and <= 0.");
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

    /// <summary>A decay rate β in [0, 1) (the same range as Privacy's <c>Delta</c>).</summary>
    public static double Beta(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value >= 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(name, value, "must be in [0, 1).");
        }

        return value;
    }

    public static double InRange(double value, double min, double max, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!double.IsFinite(value) || value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"must be in [{min.ToString(System.Globalization.CultureInfo.InvariantCulture)}, {max.ToString(System.Globalization.CultureInfo.InvariantCulture)}].");
        }

        return value;
    }

    public static double? PositiveFiniteOrNull(double? value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value is { } v)
        {
            PositiveFinite(v, name);
        }

        return value;
    }
}
