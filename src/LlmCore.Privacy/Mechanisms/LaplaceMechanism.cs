using LlmCore.Privacy.Budget;
using LlmCore.Privacy.Guarantees;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Mechanisms;

/// <summary>
/// The Laplace mechanism for real values (Dwork, McSherry, Nissim and Smith 2006), made safe against
/// floating-point attacks with Google's granularity approach: the value is rounded to a power-of-two grid g·ℤ and
/// the noise is g times a two-sided geometric integer, so every output lies on the grid whatever the input.
/// </summary>
/// <remarks>
/// <para>This type is immutable and thread-safe when its random source is.</para>
/// <para>Design (Google differential-privacy, <c>go/noise/laplace_noise.go</c>; the attack it defeats is Mironov 2012,
/// "On significance of the least significant bits for differential privacy"): g = 2^⌈log₂((Δ₁/ε)/2^40)⌉, the value
/// x is replaced by g·round(x/g), which moves it by at most g/2, so neighbouring rounded values differ by at most
/// Δ₁ + g on the grid. The noise is g·K with P[K = k] ∝ exp(−|k|·gε/(Δ₁ + g)), the discrete Laplace (two-sided
/// geometric) distribution, which gives ε-DP for integer inputs at sensitivity (Δ₁ + g)/g. The effective scale is
/// b = (Δ₁ + g)/ε, larger than Δ₁/ε by the factor 1 + 2^−40 at most.</para>
/// <para>K is drawn as ±⌊t·E + c⌋ with E = −ln u an exponential from 52 random bits (vectorised logarithm) and
/// c = t·ln(2/(1 + e^{−1/t})), which has exactly the two-sided geometric law in real arithmetic; in binary64 the
/// logarithm's rounding can only move a draw across an integer boundary, never off the grid, so the set of
/// possible outputs does not depend on the input. For integer data with an exact, bit-level guarantee use
/// <see cref="DiscreteLaplaceMechanism"/> (integer-only sampler of Canonne, Kamath and Steinke 2020).</para>
/// </remarks>
public sealed class LaplaceMechanism : IPrivacyMechanism, IGridNoise
{
    private const double GranularityBits = 1L << 40;
    private readonly IRandomSource _source;
    private readonly double _gridScale;

    /// <summary>Initializes a new instance of the <see cref="LaplaceMechanism"/> class.</summary>
    /// <param name="epsilon">ε, finite and &gt; 0.</param>
    /// <param name="sensitivity">The L1 sensitivity Δ₁, finite and &gt; 0.</param>
    /// <param name="source">The random bits; <see langword="null"/> selects <see cref="SecureRandomSource.Instance"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epsilon"/> or <paramref name="sensitivity"/> is not finite and positive.</exception>
    public LaplaceMechanism(double epsilon, double sensitivity, IRandomSource? source = null)
    {
        Guard.PositiveFinite(epsilon);
        Guard.PositiveFinite(sensitivity);
        _source = source ?? SecureRandomSource.Instance;
        Granularity = GranularityFor(epsilon, sensitivity);
        _gridScale = (sensitivity + Granularity) / (Granularity * epsilon);
        Scale = _gridScale * Granularity;
        Guarantee = PrivacyGuarantee.Pure(epsilon);
        Sensitivity = Sensitivity.L1(sensitivity);
    }

    /// <inheritdoc />
    public PrivacyGuarantee Guarantee { get; }

    /// <inheritdoc />
    public Sensitivity Sensitivity { get; }

    /// <summary>Gets the grid spacing g = 2^⌈log₂((Δ₁/ε)/2^40)⌉: every output is a multiple of it.</summary>
    public double Granularity { get; }

    /// <summary>Gets the effective noise scale b = (Δ₁ + g)/ε (variance 2b²).</summary>
    public double Scale { get; }

    /// <summary>Returns Google's output granularity for the Laplace mechanism, 2^⌈log₂((Δ₁/ε)/2^40)⌉.</summary>
    /// <param name="epsilon">ε, finite and &gt; 0.</param>
    /// <param name="sensitivity">Δ₁, finite and &gt; 0.</param>
    /// <returns>A power of two.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is not finite and positive.</exception>
    public static double GranularityFor(double epsilon, double sensitivity)
    {
        Guard.PositiveFinite(epsilon);
        Guard.PositiveFinite(sensitivity);
        return Guard.CeilPowerOfTwo(sensitivity / epsilon / GranularityBits);
    }

    /// <summary>Releases one value with ε-DP, spending from <paramref name="budget"/> first when one is given.</summary>
    /// <param name="value">The true value, finite.</param>
    /// <param name="budget">An optional budget; the spend happens before any noise is drawn.</param>
    /// <returns>The noisy value, a multiple of <see cref="Granularity"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is NaN or infinite.</exception>
    /// <exception cref="PrivacyBudgetExceededException">The budget cannot pay for the release.</exception>
    public double Release(double value, PrivacyBudget? budget = null) =>
        GridRelease.Release(this, value, budget);

    /// <summary>
    /// Releases a vector whose L1 sensitivity is Δ₁ as a whole (for example a histogram where one user changes one
    /// count by at most Δ₁), adding independent noise to each coordinate.
    /// </summary>
    /// <param name="values">The true values, finite.</param>
    /// <param name="destination">Receives the noisy values; same length as <paramref name="values"/>; may be the same span.</param>
    /// <param name="budget">An optional budget; the spend happens before any noise is drawn.</param>
    /// <exception cref="ArgumentException">The lengths differ, or the spans overlap without being the same span.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A value is NaN or infinite.</exception>
    /// <exception cref="PrivacyBudgetExceededException">The budget cannot pay for the release.</exception>
    public void Release(ReadOnlySpan<double> values, Span<double> destination, PrivacyBudget? budget = null) =>
        GridRelease.Release(this, values, destination, budget);

    /// <summary>Fills <paramref name="destination"/> with the mechanism's noise alone (multiples of <see cref="Granularity"/>).</summary>
    /// <param name="destination">The values to overwrite.</param>
    public void FillNoise(Span<double> destination) => GridNoise.FillLaplace(_source, _gridScale, Granularity, destination);

    /// <summary>Rounds a value to the nearest multiple of <see cref="Granularity"/> (ties to even).</summary>
    /// <param name="value">A finite value.</param>
    /// <returns>The rounded value.</returns>
    public double RoundToGrid(double value) => Math.Round(value / Granularity, MidpointRounding.ToEven) * Granularity;
}
