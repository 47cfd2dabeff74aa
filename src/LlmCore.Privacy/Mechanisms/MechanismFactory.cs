using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Mechanisms;

/// <summary>Creates mechanisms that all draw from one configured <see cref="IRandomSource"/>; what <c>AddLlmCorePrivacy</c> registers.</summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface IMechanismFactory
{
    /// <summary>Gets the random source every created mechanism uses.</summary>
    IRandomSource RandomSource { get; }

    /// <summary>Creates a floating-point-safe Laplace mechanism.</summary>
    /// <param name="epsilon">ε, finite and &gt; 0.</param>
    /// <param name="sensitivity">Δ₁, finite and &gt; 0.</param>
    /// <returns>The mechanism.</returns>
    LaplaceMechanism CreateLaplace(double epsilon, double sensitivity);

    /// <summary>Creates a floating-point-safe Gaussian mechanism.</summary>
    /// <param name="epsilon">ε, finite and &gt; 0.</param>
    /// <param name="delta">δ in (0, 1).</param>
    /// <param name="sensitivity">Δ₂, finite and &gt; 0.</param>
    /// <param name="method">The calibration.</param>
    /// <returns>The mechanism.</returns>
    GaussianMechanism CreateGaussian(double epsilon, double delta, double sensitivity, GaussianCalibrationMethod method = GaussianCalibrationMethod.Analytic);

    /// <summary>Creates a discrete Laplace mechanism.</summary>
    /// <param name="epsilon">ε, finite and &gt; 0.</param>
    /// <param name="sensitivity">Δ₁ ≥ 1.</param>
    /// <returns>The mechanism.</returns>
    DiscreteLaplaceMechanism CreateDiscreteLaplace(double epsilon, long sensitivity = 1);

    /// <summary>Creates a discrete Gaussian mechanism.</summary>
    /// <param name="sigma">σ, finite and &gt; 0.</param>
    /// <param name="sensitivity">Δ ≥ 1.</param>
    /// <returns>The mechanism.</returns>
    DiscreteGaussianMechanism CreateDiscreteGaussian(double sigma, long sensitivity = 1);

    /// <summary>Creates an exponential mechanism.</summary>
    /// <param name="epsilon">ε, finite and &gt; 0.</param>
    /// <param name="utilitySensitivity">Δu, finite and &gt; 0.</param>
    /// <param name="monotonic">Whether the utility is monotone.</param>
    /// <returns>The mechanism.</returns>
    ExponentialMechanism CreateExponential(double epsilon, double utilitySensitivity, bool monotonic = false);

    /// <summary>Creates a k-ary randomized response mechanism.</summary>
    /// <param name="epsilon">ε, finite and &gt; 0.</param>
    /// <param name="categories">k ≥ 2.</param>
    /// <returns>The mechanism.</returns>
    RandomizedResponse CreateRandomizedResponse(double epsilon, int categories = 2);
}

/// <summary>The default <see cref="IMechanismFactory"/>.</summary>
/// <remarks>This type is immutable and thread-safe.</remarks>
public sealed class MechanismFactory : IMechanismFactory
{
    /// <summary>Initializes a new instance of the <see cref="MechanismFactory"/> class.</summary>
    /// <param name="randomSource">The random source for every mechanism.</param>
    /// <exception cref="ArgumentNullException"><paramref name="randomSource"/> is <see langword="null"/>.</exception>
    public MechanismFactory(IRandomSource randomSource)
    {
        ArgumentNullException.ThrowIfNull(randomSource);
        RandomSource = randomSource;
    }

    /// <inheritdoc />
    public IRandomSource RandomSource { get; }

    /// <inheritdoc />
    public LaplaceMechanism CreateLaplace(double epsilon, double sensitivity) => new(epsilon, sensitivity, RandomSource);

    /// <inheritdoc />
    public GaussianMechanism CreateGaussian(double epsilon, double delta, double sensitivity, GaussianCalibrationMethod method = GaussianCalibrationMethod.Analytic) =>
        new(epsilon, delta, sensitivity, method, RandomSource);

    /// <inheritdoc />
    public DiscreteLaplaceMechanism CreateDiscreteLaplace(double epsilon, long sensitivity = 1) => new(epsilon, sensitivity, RandomSource);

    /// <inheritdoc />
    public DiscreteGaussianMechanism CreateDiscreteGaussian(double sigma, long sensitivity = 1) => new(sigma, sensitivity, RandomSource);

    /// <inheritdoc />
    public ExponentialMechanism CreateExponential(double epsilon, double utilitySensitivity, bool monotonic = false) =>
        new(epsilon, utilitySensitivity, monotonic, RandomSource);

    /// <inheritdoc />
    public RandomizedResponse CreateRandomizedResponse(double epsilon, int categories = 2) => new(epsilon, categories, RandomSource);
}
