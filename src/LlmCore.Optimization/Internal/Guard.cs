namespace LlmCore.Optimization.Internal;

/// <summary>Argument checks shared by the optimizers and schedules.</summary>
internal static class Guard
{
    public static void NonNegative(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number ≥ 0.");
        }
    }

    public static void Positive(double value, string name)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number > 0.");
        }
    }

    public static void Beta(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0 || value >= 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1).");
        }
    }

    public static void Finite(double value, string name)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number.");
        }
    }

    public static void InRange(double value, double min, double max, string name)
    {
        if (!double.IsFinite(value) || value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{min}, {max}].");
        }
    }

    public static void PositiveOrNull(double? value, string name)
    {
        if (value is { } v)
        {
            Positive(v, name);
        }
    }

    public static void NonPositive(double value, string name)
    {
        if (!double.IsFinite(value) || value > 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number ≤ 0.");
        }
    }
}
