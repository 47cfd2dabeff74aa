namespace LlmCore.Optimization.Training;

/// <summary>The per-epoch record of a training run (Keras' <c>History</c>).</summary>
/// <param name="Epochs">One entry per epoch run by this call, in order; the last is partial (<see cref="EpochResult.IsPartial"/>) when the run stopped inside an epoch.</param>
/// <param name="StoppedEarly">Whether a callback stopped the run early: an epoch callback before the requested number of epochs, or a step callback that refused a step.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record History(IReadOnlyList<EpochResult> Epochs, bool StoppedEarly)
{
    /// <summary>Gets why the run ended.</summary>
    public TrainingStopReason StopReason { get; init; }

    /// <summary>Gets the optimizer steps taken by this call.</summary>
    public long Steps { get; init; }

    /// <summary>Gets the training loss per epoch.</summary>
    public IReadOnlyList<double> Loss => [.. Epochs.Select(static e => e.Loss)];

    /// <summary>Gets the validation loss per epoch (empty without validation data).</summary>
    public IReadOnlyList<double> ValidationLoss => [.. Epochs.Where(static e => e.ValidationLoss.HasValue).Select(static e => e.ValidationLoss!.Value)];

    /// <summary>Gets a metric per epoch.</summary>
    /// <param name="name">The metric's name (<c>accuracy</c>, <c>mse</c>, ...).</param>
    /// <param name="validation">Whether to read the validation metric rather than the training one.</param>
    /// <returns>One value per epoch.</returns>
    /// <exception cref="KeyNotFoundException">The metric was not recorded.</exception>
    public IReadOnlyList<double> Metric(string name, bool validation = false) =>
        [.. Epochs.Select(e => (validation ? e.ValidationMetrics : e.Metrics)[name])];
}
