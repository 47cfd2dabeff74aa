using System.Numerics;
using LlmCore.Optimization;
using LlmCore.Optimization.Data;
using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Training;
using LlmCore.Privacy.Accounting;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Training;

/// <summary>Creates <see cref="PrivateTrainer{T}"/>s with the registered accountants and random source, and calibrates σ.</summary>
/// <remarks>Registered by <c>AddLlmCorePrivacy</c>. Implementations are thread-safe.</remarks>
public interface IPrivacyEngineFactory
{
    /// <summary>Creates a DP-SGD trainer; its accountant comes from the factory (kind <see cref="DpSgdOptions.Accountant"/>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="model">The model.</param>
    /// <param name="loss">The loss.</param>
    /// <param name="optimizer">The optimizer over the model's parameters.</param>
    /// <param name="train">The private training data.</param>
    /// <param name="options">The settings (not changed); a <see langword="null"/> <see cref="DpSgdOptions.RandomSource"/> means the registered source.</param>
    /// <returns>A new trainer.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its range.</exception>
    PrivateTrainer<T> Create<T>(IModel<T> model, ILoss<T> loss, IOptimizer<T> optimizer, IDataset<T> train, DpSgdOptions options)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>;

    /// <summary>Makes an existing trainer private (<see cref="PrivateTrainer{T}(Trainer{T}, IDataset{T}, DpSgdOptions, IPrivacyAccountant?)"/>); its accountant comes from the factory.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="trainer">The trainer (metrics, model, loss and optimizer are its own).</param>
    /// <param name="train">The private training data.</param>
    /// <param name="options">The settings (not changed); a <see langword="null"/> <see cref="DpSgdOptions.RandomSource"/> means the registered source.</param>
    /// <returns>A new private trainer around <paramref name="trainer"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its range.</exception>
    PrivateTrainer<T> Create<T>(Trainer<T> trainer, IDataset<T> train, DpSgdOptions options)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>;

    /// <summary>The noise multiplier σ for a target ε after ⌈epochs·N/B⌉ steps at q = B/N (see <see cref="PrivacyEngine.CalibrateNoiseMultiplier"/>).</summary>
    /// <param name="targetEpsilon">The target ε, finite and &gt; 0.</param>
    /// <param name="delta">δ in (0, 1).</param>
    /// <param name="datasetSize">N ≥ 1.</param>
    /// <param name="expectedBatchSize">B in [1, N].</param>
    /// <param name="epochs">The epochs, finite and &gt; 0.</param>
    /// <param name="kind">The accountant.</param>
    /// <returns>σ with its ε (≤ the target).</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    /// <exception cref="PrivacyCalibrationException">No σ up to <see cref="NoiseCalibration.MaxNoiseMultiplier"/> reaches the target.</exception>
    NoiseCalibrationResult CalibrateNoiseMultiplier(double targetEpsilon, double delta, int datasetSize, int expectedBatchSize, double epochs, PrivacyAccountantKind kind = PrivacyAccountantKind.Rdp);
}

/// <summary>DP-SGD helpers: sample rate, step count and σ calibration with the CLI contract's conventions.</summary>
/// <remarks>This type is stateless and thread-safe.</remarks>
public static class PrivacyEngine
{
    /// <summary>The sample rate q = B/N.</summary>
    /// <param name="datasetSize">N ≥ 1.</param>
    /// <param name="expectedBatchSize">B in [1, N].</param>
    /// <returns>q in (0, 1].</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public static double SampleRate(int datasetSize, int expectedBatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(datasetSize, 1);
        if (expectedBatchSize < 1 || expectedBatchSize > datasetSize)
        {
            throw new ArgumentOutOfRangeException(nameof(expectedBatchSize), expectedBatchSize, $"The expected batch size must be in [1, {datasetSize}].");
        }

        return (double)expectedBatchSize / datasetSize;
    }

    /// <summary>
    /// The noise multiplier σ for a target ε at δ after T = ⌈epochs·N/B⌉ Poisson-sampled Gaussian steps with q = B/N
    /// (bisection of <see cref="NoiseCalibration.FindNoiseMultiplier(double, double, double, long, Func{IPrivacyAccountant}, double, CancellationToken)"/>;
    /// the returned σ's ε is ≤ the target, within its tolerance of 0.01).
    /// </summary>
    /// <param name="targetEpsilon">The target ε, finite and &gt; 0.</param>
    /// <param name="delta">δ in (0, 1).</param>
    /// <param name="datasetSize">N ≥ 1.</param>
    /// <param name="expectedBatchSize">B in [1, N].</param>
    /// <param name="epochs">The epochs, finite and &gt; 0.</param>
    /// <param name="accountants">Creates the accountant to evaluate ε with.</param>
    /// <param name="cancellationToken">Stops the search.</param>
    /// <returns>σ and its ε.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="accountants"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    /// <exception cref="PrivacyCalibrationException">No σ up to <see cref="NoiseCalibration.MaxNoiseMultiplier"/> reaches the target.</exception>
    public static NoiseCalibrationResult CalibrateNoiseMultiplier(double targetEpsilon, double delta, int datasetSize, int expectedBatchSize, double epochs, Func<IPrivacyAccountant> accountants, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountants);
        var q = SampleRate(datasetSize, expectedBatchSize);
        Guard.PositiveFinite(epochs);
        var steps = NoiseCalibration.StepsForEpochs(epochs, datasetSize, expectedBatchSize);
        return NoiseCalibration.FindNoiseMultiplier(targetEpsilon, delta, q, steps, accountants, cancellationToken: cancellationToken);
    }
}

/// <summary>The default <see cref="IPrivacyEngineFactory"/>.</summary>
/// <remarks>This type is thread-safe: it holds only thread-safe services.</remarks>
public sealed class PrivacyEngineFactory : IPrivacyEngineFactory
{
    private readonly IPrivacyAccountantFactory _accountants;
    private readonly IRandomSource _source;

    /// <summary>Initializes a new instance of the <see cref="PrivacyEngineFactory"/> class.</summary>
    /// <param name="accountants">The accountant factory; <see langword="null"/> uses a default <see cref="PrivacyAccountantFactory"/>.</param>
    /// <param name="randomSource">The default random source; <see langword="null"/> uses <see cref="SecureRandomSource.Instance"/>.</param>
    public PrivacyEngineFactory(IPrivacyAccountantFactory? accountants = null, IRandomSource? randomSource = null)
    {
        _accountants = accountants ?? new PrivacyAccountantFactory();
        _source = randomSource ?? SecureRandomSource.Instance;
    }

    /// <inheritdoc />
    public PrivateTrainer<T> Create<T>(IModel<T> model, ILoss<T> loss, IOptimizer<T> optimizer, IDataset<T> train, DpSgdOptions options)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        return Create(new Trainer<T>(model, loss, optimizer), train, options);
    }

    /// <inheritdoc />
    public PrivateTrainer<T> Create<T>(Trainer<T> trainer, IDataset<T> train, DpSgdOptions options)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Clone();
        settings.RandomSource ??= _source;
        return new PrivateTrainer<T>(trainer, train, settings, _accountants.Create(settings.Accountant));
    }

    /// <inheritdoc />
    public NoiseCalibrationResult CalibrateNoiseMultiplier(double targetEpsilon, double delta, int datasetSize, int expectedBatchSize, double epochs, PrivacyAccountantKind kind = PrivacyAccountantKind.Rdp) =>
        PrivacyEngine.CalibrateNoiseMultiplier(targetEpsilon, delta, datasetSize, expectedBatchSize, epochs, () => _accountants.Create(kind));
}
