using LlmCore.Optimization.Training;

namespace LlmCore.Privacy.Training;

/// <summary>The outcome of a private training run.</summary>
/// <param name="LossHistory">The mean training loss of each epoch run (over the examples sampled in it).</param>
/// <param name="Steps">The DP-SGD steps taken (each one composed in the accountant).</param>
/// <param name="PlannedSteps">The steps asked for: ⌈epochs·N/B⌉.</param>
/// <param name="Epsilon">ε at <paramref name="Delta"/> after the run.</param>
/// <param name="Delta">δ.</param>
/// <param name="SampleRate">q = B/N.</param>
/// <param name="NoiseMultiplier">σ.</param>
/// <param name="MaxGradNorm">C.</param>
/// <param name="StoppedAtTargetEpsilon"><see langword="true"/> when the run stopped early because the next step would have crossed the target ε.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record PrivateTrainingResult(
    IReadOnlyList<double> LossHistory,
    long Steps,
    long PlannedSteps,
    double Epsilon,
    double Delta,
    double SampleRate,
    double NoiseMultiplier,
    double MaxGradNorm,
    bool StoppedAtTargetEpsilon)
{
    /// <summary>Gets the trainer's history of the run (validation losses, metrics, stop reason).</summary>
    public History? History { get; init; }
}

/// <summary>Progress of a private training run after each epoch.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="Loss">The mean training loss over the examples sampled in the epoch (NaN if none was).</param>
/// <param name="Steps">The steps taken so far.</param>
/// <param name="Epsilon">ε at the run's δ so far.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public readonly record struct PrivateEpochResult(int Epoch, double Loss, long Steps, double Epsilon);
