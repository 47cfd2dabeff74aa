using System.Globalization;

namespace LlmCore.Commercialization.Internal;

/// <summary>Argument checks shared by the cost types.</summary>
internal static class Guard
{
    public static void Positive(double value, string paramName)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"Expected a finite value > 0; got {Format(value)}.");
        }
    }

    public static void NonNegative(double value, string paramName)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"Expected a finite value ≥ 0; got {Format(value)}.");
        }
    }

    public static void Fraction(double value, string paramName)
    {
        if (!double.IsFinite(value) || value <= 0 || value > 1)
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"Expected a value in (0, 1]; got {Format(value)}.");
        }
    }

    public static void Positive(int value, string paramName)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"Expected an integer ≥ 1; got {value.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    public static void NonNegative(int value, string paramName)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"Expected an integer ≥ 0; got {value.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    public static void Price(double? value, string paramName)
    {
        if (value is { } v && (!double.IsFinite(v) || v < 0))
        {
            throw new ArgumentOutOfRangeException(paramName, v, $"Expected a price per GPU-hour ≥ 0 US dollars; got {Format(v)}.");
        }
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
