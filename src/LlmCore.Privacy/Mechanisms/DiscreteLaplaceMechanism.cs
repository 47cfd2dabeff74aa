using System.Numerics;
using LlmCore.Privacy.Budget;
using LlmCore.Privacy.Guarantees;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Mechanisms;

/// <summary>
/// The discrete Laplace (two-sided geometric) mechanism for integers such as counts: adds K with
/// P[K = k] ∝ exp(−ε|k|/Δ₁) (Ghosh, Roughgarden and Sundararajan 2009), drawn by the integer-only sampler of
/// Canonne, Kamath and Steinke (2020).
/// </summary>
/// <remarks>
/// This type is immutable and thread-safe when its random source is. The scale Δ₁/ε is used as an exact rational
/// (ε is converted to the rational value of its binary64 representation), so the guarantee is exactly ε-DP.
/// </remarks>
public sealed class DiscreteLaplaceMechanism : IPrivacyMechanism
{
    private readonly IRandomSource _source;
    private readonly BigInteger _scaleNumerator;
    private readonly BigInteger _scaleDenominator;

    /// <summary>Initializes a new instance of the <see cref="DiscreteLaplaceMechanism"/> class.</summary>
    /// <param name="epsilon">ε, finite and &gt; 0.</param>
    /// <param name="sensitivity">The integer L1 sensitivity Δ₁ ≥ 1.</param>
    /// <param name="source">The random bits; <see langword="null"/> selects <see cref="SecureRandomSource.Instance"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public DiscreteLaplaceMechanism(double epsilon, long sensitivity = 1, IRandomSource? source = null)
    {
        Guard.PositiveFinite(epsilon);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sensitivity);
        _source = source ?? SecureRandomSource.Instance;
        var (p, q) = ExactSamplers.ToRational(epsilon);
        _scaleNumerator = sensitivity * q;
        _scaleDenominator = p;
        Scale = sensitivity / epsilon;
        Guarantee = PrivacyGuarantee.Pure(epsilon);
        Sensitivity = new Sensitivity(SensitivityNorm.L1, sensitivity);
    }

    /// <inheritdoc />
    public PrivacyGuarantee Guarantee { get; }

    /// <inheritdoc />
    public Sensitivity Sensitivity { get; }

    /// <summary>Gets the scale t = Δ₁/ε (mass ∝ exp(−|k|/t)), rounded to binary64 for display.</summary>
    public double Scale { get; }

    /// <summary>Releases one integer, spending from <paramref name="budget"/> first when one is given.</summary>
    /// <param name="value">The true value.</param>
    /// <param name="budget">An optional budget; the spend happens before any noise is drawn.</param>
    /// <returns>The noisy value.</returns>
    /// <exception cref="PrivacyBudgetExceededException">The budget cannot pay for the release.</exception>
    /// <exception cref="OverflowException">The noisy value does not fit in a <see cref="long"/>.</exception>
    public long Release(long value, PrivacyBudget? budget = null)
    {
        budget?.Spend(Guarantee);
        return checked(value + Noise());
    }

    /// <summary>Draws one noise value.</summary>
    /// <returns>An integer from the discrete Laplace distribution of scale Δ₁/ε.</returns>
    public long Noise() => (long)ExactSamplers.DiscreteLaplace(_source, _scaleNumerator, _scaleDenominator);
}
