namespace LlmCore.Optimization.Training;

/// <summary>What one epoch of <see cref="Trainer{T}.Fit(Data.Dataset{T}, FitOptions, Data.Dataset{T}?, IProgress{EpochResult}?, CancellationToken)"/> achieved.</summary>
/// <param name="Epoch">The epoch number, from 1.</param>
/// <param name="Loss">The training loss: the mean over the epoch's examples of the per-batch mean losses, weighted by batch size.</param>
/// <param name="ValidationLoss">The loss on the validation data after the epoch, or <see langword="null"/> without validation data.</param>
/// <param name="Metrics">The metrics on the training data after the epoch, by name.</param>
/// <param name="ValidationMetrics">The metrics on the validation data after the epoch, by name (empty without validation data).</param>
/// <param name="LearningRate">The learning rate the epoch's steps used.</param>
public sealed record EpochResult(
    int Epoch,
    double Loss,
    double? ValidationLoss,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, double> ValidationMetrics,
    double LearningRate);
