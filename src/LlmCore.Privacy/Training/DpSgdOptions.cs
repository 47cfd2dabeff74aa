using LlmCore.Optimization.Models;
using LlmCore.Privacy.Accounting;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Training;

/// <summary>The settings of a DP-SGD run (Abadi et al. 2016): sampling, clipping, noise, accounting and the ε cap.</summary>
/// <remarks>This type is not thread-safe; set it up before constructing a <see cref="PrivateTrainer{T}"/>, which copies what it needs (and never changes it).</remarks>
public sealed class DpSgdOptions
{
    /// <summary>Gets or sets the expected batch size B; the sample rate is q = B/N. Range [1, N]. Default 32.</summary>
    public int ExpectedBatchSize { get; set; } = 32;

    /// <summary>Gets or sets the noise multiplier σ, finite and &gt; 0 (noise standard deviation σ·C). Default 1.0.</summary>
    public double NoiseMultiplier { get; set; } = 1.0;

    /// <summary>Gets or sets the per-example clipping bound C, finite and &gt; 0. Default 1.0.</summary>
    public double MaxGradNorm { get; set; } = 1.0;

    /// <summary>Gets or sets the δ at which ε is reported and the target enforced, in (0, 1). Default 1e-5.</summary>
    public double Delta { get; set; } = 1e-5;

    /// <summary>
    /// Gets or sets the ε the run must never exceed at <see cref="Delta"/>, or <see langword="null"/> for no cap.
    /// The trainer stops before the step that would cross it (fail closed).
    /// </summary>
    public double? TargetEpsilon { get; set; }

    /// <summary>
    /// Gets or sets the largest physical chunk of a logical batch (virtual steps, bounded memory); 0 processes a
    /// whole Poisson batch at once. Range ≥ 0. Default 0.
    /// </summary>
    public int MaxPhysicalBatchSize { get; set; }

    /// <summary>Gets or sets the accountant used when the trainer creates its own. Default <see cref="PrivacyAccountantKind.Rdp"/>.</summary>
    public PrivacyAccountantKind Accountant { get; set; } = PrivacyAccountantKind.Rdp;

    /// <summary>Gets or sets how the model computes per-example gradient norms (ghost norms, materialised per-example gradients, or the cheaper per layer). Default <see cref="ClippingMode.Automatic"/>.</summary>
    public ClippingMode ClippingMode { get; set; } = ClippingMode.Automatic;

    /// <summary>
    /// Gets or sets the random source of the sampling and the noise; <see langword="null"/> (default) uses
    /// <see cref="SecureRandomSource.Instance"/>. A <see cref="SeededRandomSource"/> is for reproducible experiments only.
    /// </summary>
    public IRandomSource? RandomSource { get; set; }

    /// <summary>Checks every value against its range for a dataset of <paramref name="datasetSize"/> examples.</summary>
    /// <param name="datasetSize">N, ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range.</exception>
    public void Validate(int datasetSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(datasetSize, 1);
        if (ExpectedBatchSize < 1 || ExpectedBatchSize > datasetSize)
        {
            throw new ArgumentOutOfRangeException(nameof(ExpectedBatchSize), ExpectedBatchSize, $"The expected batch size must be in [1, {datasetSize}] (the dataset size).");
        }

        if (!(double.IsFinite(NoiseMultiplier) && NoiseMultiplier > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(NoiseMultiplier), NoiseMultiplier, "The noise multiplier σ must be finite and > 0.");
        }

        if (!(double.IsFinite(MaxGradNorm) && MaxGradNorm > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxGradNorm), MaxGradNorm, "The clipping bound C must be finite and > 0.");
        }

        if (!(Delta > 0 && Delta < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Delta), Delta, "δ must be in (0, 1).");
        }

        if (TargetEpsilon is { } target && !(double.IsFinite(target) && target > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(TargetEpsilon), target, "The target ε must be finite and > 0.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(MaxPhysicalBatchSize, nameof(MaxPhysicalBatchSize));
        if (!Enum.IsDefined(ClippingMode))
        {
            throw new ArgumentOutOfRangeException(nameof(ClippingMode), ClippingMode, "Unknown clipping mode.");
        }
    }

    /// <summary>A copy of these options.</summary>
    internal DpSgdOptions Clone() => (DpSgdOptions)MemberwiseClone();
}
