using MathNet.Numerics.Distributions;

namespace LlmCore.Commercialization.Sensitivity;

/// <summary>An uncertain model input: its base value, its low and high values for a tornado, and its distribution.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record UncertainInput
{
    private const double Z90 = 1.2815515655446004;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="name">The input's name, shown on the tornado.</param>
    /// <param name="low">The low value (the minimum for triangular and PERT, the P10 for normal).</param>
    /// <param name="baseValue">The base (most likely) value; Low ≤ Base ≤ High.</param>
    /// <param name="high">The high value (the maximum for triangular and PERT, the P90 for normal).</param>
    /// <param name="distribution">How Monte Carlo draws it.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A value is not finite, or Low ≤ Base ≤ High is violated.</exception>
    public UncertainInput(string name, double low, double baseValue, double high, InputDistribution distribution = InputDistribution.Triangular)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!double.IsFinite(low) || !double.IsFinite(baseValue) || !double.IsFinite(high))
        {
            throw new ArgumentOutOfRangeException(nameof(baseValue), baseValue, $"Input '{name}': low, base and high must be finite.");
        }

        if (low > baseValue || baseValue > high)
        {
            throw new ArgumentOutOfRangeException(nameof(baseValue), baseValue, $"Input '{name}': expected low <= base <= high; got {low}, {baseValue}, {high}.");
        }

        if (!Enum.IsDefined(distribution))
        {
            throw new ArgumentOutOfRangeException(nameof(distribution), distribution, "Unknown distribution.");
        }

        Name = name;
        Low = low;
        Base = baseValue;
        High = high;
        Distribution = distribution;
    }

    /// <summary>Gets the input's name.</summary>
    public string Name { get; }

    /// <summary>Gets the low value.</summary>
    public double Low { get; }

    /// <summary>Gets the base value.</summary>
    public double Base { get; }

    /// <summary>Gets the high value.</summary>
    public double High { get; }

    /// <summary>Gets the distribution Monte Carlo draws from.</summary>
    public InputDistribution Distribution { get; }

    /// <summary>Creates the MathNet.Numerics distribution for this input over <paramref name="random"/>.</summary>
    internal IContinuousDistribution CreateDistribution(Random random)
    {
        if (High == Low)
        {
            return new ContinuousUniform(Low, Low, random);
        }

        switch (Distribution)
        {
            case InputDistribution.Normal:
                return new Normal(Base, (High - Low) / (2 * Z90), random);
            case InputDistribution.Pert:
                var range = High - Low;
                return new BetaScaled(1 + (4 * (Base - Low) / range), 1 + (4 * (High - Base) / range), Low, range, random);
            default:
                return new Triangular(Low, High, Base, random);
        }
    }
}
