using System.Numerics;
using LlmCore.Privacy.Budget;
using LlmCore.Privacy.Guarantees;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Mechanisms;

/// <summary>
/// The discrete Gaussian mechanism for integers: adds Y ~ N_ℤ(0, σ²), P[Y = y] ∝ exp(−y²/(2σ²)), drawn exactly with
/// integer arithmetic (Canonne, Kamath and Steinke 2020, "The Discrete Gaussian for Differential Privacy").
/// </summary>
/// <remarks>
/// <para>This type is immutable and thread-safe when its random source is.</para>
/// <para>Guarantee: ρ-zCDP with ρ = Δ²/(2σ²) (CKS20 Thm 4); the exact (ε, δ) curve is <see cref="ExactDelta"/> (CKS20
/// Thm 7), and <see cref="SigmaFor"/> calibrates σ against it. σ² is used as the exact rational square of the
/// binary64 σ.</para>
/// </remarks>
public sealed class DiscreteGaussianMechanism : IPrivacyMechanism
{
    private readonly IRandomSource _source;
    private readonly BigInteger _varianceNumerator;
    private readonly BigInteger _varianceDenominator;

    /// <summary>Initializes a new instance of the <see cref="DiscreteGaussianMechanism"/> class.</summary>
    /// <param name="sigma">σ, in (0, <see cref="ExactSamplers.MaxScale"/>] (1e15: noise must fit in a <see cref="long"/>).</param>
    /// <param name="sensitivity">The integer L2 sensitivity Δ ≥ 1.</param>
    /// <param name="source">The random bits; <see langword="null"/> selects <see cref="SecureRandomSource.Instance"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public DiscreteGaussianMechanism(double sigma, long sensitivity = 1, IRandomSource? source = null)
    {
        ExactSamplers.CheckScale(sigma, nameof(sigma));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sensitivity);
        _source = source ?? SecureRandomSource.Instance;
        var (n, d) = ExactSamplers.ToRational(sigma);
        _varianceNumerator = n * n;
        _varianceDenominator = d * d;
        Sigma = sigma;
        Guarantee = PrivacyGuarantee.ZeroConcentrated((double)sensitivity * sensitivity / (2 * sigma * sigma));
        Sensitivity = new Sensitivity(SensitivityNorm.L2, sensitivity);
    }

    /// <inheritdoc />
    public PrivacyGuarantee Guarantee { get; }

    /// <inheritdoc />
    public Sensitivity Sensitivity { get; }

    /// <summary>Gets σ.</summary>
    public double Sigma { get; }

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
    /// <returns>An integer from N_ℤ(0, σ²).</returns>
    public long Noise() => (long)ExactSamplers.DiscreteGaussian(_source, _varianceNumerator, _varianceDenominator);

    /// <summary>
    /// Returns the exact δ(ε) of the discrete Gaussian at sensitivity Δ (CKS20 Thm 7):
    /// δ = P[Y &gt; εσ²/Δ − Δ/2] − e^ε·P[Y &gt; εσ²/Δ + Δ/2], Y ~ N_ℤ(0, σ²), by direct summation of the mass.
    /// </summary>
    /// <param name="sigma">σ in (0, 1e5].</param>
    /// <param name="epsilon">ε, finite and ≥ 0.</param>
    /// <param name="sensitivity">Δ ≥ 1.</param>
    /// <returns>δ in [0, 1].</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public static double ExactDelta(double sigma, double epsilon, long sensitivity = 1)
    {
        Guard.PositiveFinite(sigma);
        if (sigma > 1e5)
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "must be <= 1e5 for the exact summation.");
        }

        Guard.NonNegativeFinite(epsilon);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sensitivity);
        var limit = (long)Math.Ceiling(40 * sigma) + 2;
        var twoVar = 2 * sigma * sigma;
        var total = 0.0;
        for (var y = -limit; y <= limit; y++)
        {
            total += Math.Exp(-(double)y * y / twoVar);
        }

        var shift = epsilon * sigma * sigma / sensitivity;
        var tail1 = Tail(shift - (sensitivity / 2.0), limit, twoVar) / total;
        var tail2 = Tail(shift + (sensitivity / 2.0), limit, twoVar) / total;
        return Math.Clamp(tail1 - (Math.Exp(epsilon) * tail2), 0, 1);
    }

    /// <summary>Returns the smallest σ (to a relative 1e−9, on the safe side) with <see cref="ExactDelta"/>(σ, ε, Δ) ≤ δ.</summary>
    /// <param name="epsilon">ε, finite and &gt; 0.</param>
    /// <param name="delta">δ in (0, 1).</param>
    /// <param name="sensitivity">Δ ≥ 1.</param>
    /// <returns>σ.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range, or σ would exceed 1e5.</exception>
    public static double SigmaFor(double epsilon, double delta, long sensitivity = 1)
    {
        Guard.PositiveFinite(epsilon);
        Guard.PositiveDelta(delta);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sensitivity);
        double lo = 1e-3, hi = Math.Max(1.0, GaussianCalibration.AnalyticSigma(epsilon, delta, sensitivity) * 2);
        while (ExactDelta(hi, epsilon, sensitivity) > delta)
        {
            hi *= 2;
        }

        for (var i = 0; i < 100 && (hi - lo) > 1e-9 * hi; i++)
        {
            var mid = 0.5 * (lo + hi);
            if (ExactDelta(mid, epsilon, sensitivity) > delta)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return hi;
    }

    private static double Tail(double threshold, long limit, double twoVar)
    {
        var start = (long)Math.Floor(threshold) + 1;
        var sum = 0.0;
        for (var y = limit; y >= Math.Max(start, -limit); y--)
        {
            sum += Math.Exp(-(double)y * y / twoVar);
        }

        return sum;
    }
}
