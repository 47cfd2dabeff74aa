using LlmCore.Privacy.Budget;
using LlmCore.Privacy.Guarantees;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Mechanisms;

/// <summary>
/// The Gaussian mechanism for real values, calibrated analytically (Balle and Wang 2018) or classically, and made
/// safe against floating-point attacks with a power-of-two grid: value and noise are both multiples of g.
/// </summary>
/// <remarks>
/// <para>This type is immutable and thread-safe when its random source is.</para>
/// <para>Grid: σ₀ is calibrated at Δ₂, then g = 2^⌈log₂(σ₀/2^40)⌉ and σ is recalibrated at Δ₂ + g, because
/// rounding the value to g·ℤ can move neighbours apart by g. The output is g·(round(x/g) + round(σZ/g)) with Z
/// standard normal, and since round(n + y) = n + round(y) for an integer n this is exactly a post-processing of
/// the Gaussian mechanism applied to the rounded value, so (ε, δ) is kept; and as every output is a multiple of g
/// the set of possible outputs does not depend on the input (the flaw Mironov 2012 exploits). Google's libraries
/// use the same grid with binomial noise; the integer-only discrete Gaussian is <see cref="DiscreteGaussianMechanism"/>.</para>
/// <para>The guarantee is (ε, δ)-DP; <see cref="Rho"/> gives the ρ-zCDP bound (Δ₂ + g)²/(2σ²) as well.</para>
/// </remarks>
public sealed class GaussianMechanism : IPrivacyMechanism, IGridNoise
{
    private const double GranularityBits = 1L << 40;
    private readonly IRandomSource _source;

    /// <summary>Initializes a new instance of the <see cref="GaussianMechanism"/> class for a target (ε, δ).</summary>
    /// <param name="epsilon">ε, finite and &gt; 0 (&lt; 1 for the classic calibration).</param>
    /// <param name="delta">δ in (0, 1).</param>
    /// <param name="sensitivity">The L2 sensitivity Δ₂, finite and &gt; 0.</param>
    /// <param name="method">The calibration; the analytic one by default.</param>
    /// <param name="source">The random bits; <see langword="null"/> selects <see cref="SecureRandomSource.Instance"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public GaussianMechanism(double epsilon, double delta, double sensitivity, GaussianCalibrationMethod method = GaussianCalibrationMethod.Analytic, IRandomSource? source = null)
    {
        var sigma0 = GaussianCalibration.Sigma(epsilon, delta, sensitivity, method);
        _source = source ?? SecureRandomSource.Instance;
        Granularity = Guard.CeilPowerOfTwo(sigma0 / GranularityBits);
        Sigma = GaussianCalibration.Sigma(epsilon, delta, sensitivity + Granularity, method);
        Guarantee = PrivacyGuarantee.Approximate(epsilon, delta);
        Sensitivity = Sensitivity.L2(sensitivity);
        Rho = (sensitivity + Granularity) * (sensitivity + Granularity) / (2 * Sigma * Sigma);
    }

    private GaussianMechanism(double sigma, double sensitivity, IRandomSource? source)
    {
        _source = source ?? SecureRandomSource.Instance;
        Granularity = Guard.CeilPowerOfTwo(sigma / GranularityBits);
        Sigma = sigma;
        Sensitivity = Sensitivity.L2(sensitivity);
        Rho = (sensitivity + Granularity) * (sensitivity + Granularity) / (2 * sigma * sigma);
        Guarantee = PrivacyGuarantee.ZeroConcentrated(Rho);
    }

    /// <inheritdoc />
    public PrivacyGuarantee Guarantee { get; }

    /// <inheritdoc />
    public Sensitivity Sensitivity { get; }

    /// <summary>Gets the noise standard deviation σ.</summary>
    public double Sigma { get; }

    /// <summary>Gets the grid spacing g: every output is a multiple of it.</summary>
    public double Granularity { get; }

    /// <summary>Gets the ρ-zCDP this mechanism also satisfies, (Δ₂ + g)²/(2σ²) (Bun and Steinke 2016, Prop. 1.6).</summary>
    public double Rho { get; }

    /// <summary>Creates a mechanism with a given σ; its guarantee is ρ-zCDP with ρ = (Δ₂ + g)²/(2σ²).</summary>
    /// <param name="sigma">σ, finite and &gt; 0.</param>
    /// <param name="sensitivity">Δ₂, finite and &gt; 0.</param>
    /// <param name="source">The random bits; <see langword="null"/> selects the secure source.</param>
    /// <returns>The mechanism.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is not finite and positive.</exception>
    public static GaussianMechanism FromSigma(double sigma, double sensitivity, IRandomSource? source = null)
    {
        Guard.PositiveFinite(sigma);
        Guard.PositiveFinite(sensitivity);
        return new GaussianMechanism(sigma, sensitivity, source);
    }

    /// <summary>Releases one value, spending from <paramref name="budget"/> first when one is given.</summary>
    /// <param name="value">The true value, finite.</param>
    /// <param name="budget">An optional budget; the spend happens before any noise is drawn.</param>
    /// <returns>The noisy value, a multiple of <see cref="Granularity"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is NaN or infinite.</exception>
    /// <exception cref="PrivacyBudgetExceededException">The budget cannot pay for the release.</exception>
    public double Release(double value, PrivacyBudget? budget = null) =>
        GridRelease.Release(this, value, budget);

    /// <summary>Releases a vector whose L2 sensitivity is Δ₂ as a whole, adding independent noise to each coordinate.</summary>
    /// <param name="values">The true values, finite.</param>
    /// <param name="destination">Receives the noisy values; same length; may be the same span.</param>
    /// <param name="budget">An optional budget; the spend happens before any noise is drawn.</param>
    /// <exception cref="ArgumentException">The lengths differ, or the spans overlap without being the same span.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A value is NaN or infinite.</exception>
    /// <exception cref="PrivacyBudgetExceededException">The budget cannot pay for the release.</exception>
    public void Release(ReadOnlySpan<double> values, Span<double> destination, PrivacyBudget? budget = null) =>
        GridRelease.Release(this, values, destination, budget);

    /// <summary>Fills <paramref name="destination"/> with the mechanism's noise alone (multiples of <see cref="Granularity"/>).</summary>
    /// <param name="destination">The values to overwrite.</param>
    public void FillNoise(Span<double> destination) => GridNoise.FillGaussian(_source, Sigma, Granularity, destination);

    /// <summary>Rounds a value to the nearest multiple of <see cref="Granularity"/> (ties to even).</summary>
    /// <param name="value">A finite value.</param>
    /// <returns>The rounded value.</returns>
    public double RoundToGrid(double value) => Math.Round(value / Granularity, MidpointRounding.ToEven) * Granularity;
}
