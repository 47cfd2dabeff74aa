using System.Globalization;
using System.Runtime.CompilerServices;

namespace LlmCore.Scheduling.Internal;

/// <summary>
/// Argument checks shared by the package, each naming the parameter (by default the argument's own expression) and its
/// valid range. The same API and message shape as the guards of LlmCore.Privacy, LlmCore.Optimization and
/// LlmCore.Commercialization (one copy per package, no shared internals). Stateless and thread-safe.
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

    public static double Probability(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw new ArgumentOutOfRangeException(name, value, "must be in [0, 1].");
        }

        return value;
    }

    /// <summary>A fraction in [0, 1) (e.g. Amdahl's serial fraction, where 1 would make every GPU count equal).</summary>
    public static double HalfOpenFraction(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value >= 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(name, value, "must be in [0, 1).");
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

    public static int? PositiveOrNull(int? value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value is { } v)
        {
            Positive(v, name);
        }

        return value;
    }

    public static int? NonNegativeOrNull(int? value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value is { } v)
        {
            NonNegative(v, name);
        }

        return value;
    }

    public static TimeSpan Positive(TimeSpan value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, "must be a duration > 0.");
        }

        return value;
    }

    public static TimeSpan NonNegative(TimeSpan value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, "must be a duration >= 0.");
        }

        return value;
    }

    public static TimeSpan? PositiveOrNull(TimeSpan? value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value is { } v)
        {
            Positive(v, name);
        }

        return value;
    }

    public static TimeSpan? NonNegativeOrNull(TimeSpan? value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value is { } v)
        {
            NonNegative(v, name);
        }

        return value;
    }

    public static double InRange(double value, double min, double max, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!double.IsFinite(value) || value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"must be in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}].");
        }

        return value;
    }
}
