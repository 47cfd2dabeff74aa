using System.Globalization;

namespace LlmCore.Cli.Infrastructure;

/// <summary>
/// The range checks that many options share (positive, non-negative, at least N, in [min, max]), each with one message
/// shape: <c>--option must be a finite number &gt; 0; got -1.</c> (through <see cref="CliUsageException.ForOption"/>, so
/// the CLI exits 2 with that one line). NaN and infinities fail every check on a <see cref="double"/>. Stateless and
/// thread-safe.
/// </summary>
internal static class OptionChecks
{
    /// <summary>Refuses a value that is not a finite number &gt; 0.</summary>
    /// <returns><paramref name="value"/>.</returns>
    public static double PositiveFinite(string option, double value)
    {
        if (!(double.IsFinite(value) && value > 0))
        {
            throw CliUsageException.ForOption(option, "must be a finite number > 0", value);
        }

        return value;
    }

    /// <summary>Refuses a value that is not a finite number ≥ 0.</summary>
    /// <returns><paramref name="value"/>.</returns>
    public static double NonNegativeFinite(string option, double value)
    {
        if (!(double.IsFinite(value) && value >= 0))
        {
            throw CliUsageException.ForOption(option, "must be a finite number ≥ 0", value);
        }

        return value;
    }

    /// <summary>Refuses an integer below <paramref name="min"/>.</summary>
    /// <returns><paramref name="value"/>.</returns>
    public static long AtLeast(string option, long value, long min)
    {
        if (value < min)
        {
            throw CliUsageException.ForOption(option, $"must be an integer ≥ {min.ToString(CultureInfo.InvariantCulture)}", value);
        }

        return value;
    }

    /// <summary>Refuses an integer outside [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <returns><paramref name="value"/>.</returns>
    public static long InRange(string option, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            throw CliUsageException.ForOption(option, $"must be an integer in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]", value);
        }

        return value;
    }

    /// <summary>Refuses a value outside [<paramref name="min"/>, <paramref name="max"/>] (NaN included).</summary>
    /// <returns><paramref name="value"/>.</returns>
    public static double InRange(string option, double value, double min, double max)
    {
        if (!(value >= min && value <= max))
        {
            throw CliUsageException.ForOption(option, $"must be in [{min.ToString("R", CultureInfo.InvariantCulture)}, {max.ToString("R", CultureInfo.InvariantCulture)}]", value);
        }

        return value;
    }
}
