namespace LlmCore.Optimization.Training;

/// <summary>What one epoch of <see cref="Trainer{T}.Fit(Data.IDataset{T}, FitOptions, Data.IDataset{T}?, IProgress{EpochResult}?, CancellationToken)"/> achieved.</summary>
/// <param name="Epoch">The epoch number, from 1 (numbering continues across a resume from a checkpoint).</param>
/// <param name="Loss">The training loss: the mean over the epoch's examples of the per-batch mean losses, weighted by batch size (NaN when the epoch sampled no example).</param>
/// <param name="ValidationLoss">The loss on the validation data after the epoch, or <see langword="null"/> without validation data.</param>
/// <param name="Metrics">The metrics on the training data after the epoch, by name (empty when the trainer has no metrics or <see cref="FitOptions.ComputeTrainingMetrics"/> is off).</param>
/// <param name="ValidationMetrics">The metrics on the validation data after the epoch, by name (empty without validation data).</param>
/// <param name="LearningRate">The learning rate at the epoch's first step.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record EpochResult(
    int Epoch,
    double Loss,
    double? ValidationLoss,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, double> ValidationMetrics,
    double LearningRate)
{
    /// <summary>Gets the validation perplexity exp(<see cref="ValidationLoss"/>), when the loss is a cross-entropy (<see cref="Losses.ILoss{T}.IsCrossEntropy"/>) and there is validation data.</summary>
    public double? ValidationPerplexity { get; init; }

    /// <summary>Gets the optimizer steps of the epoch (including, after a resume, those taken before the checkpoint).</summary>
    public long Steps { get; init; }

    /// <summary>Gets a value indicating whether the run stopped inside this epoch (<see cref="FitOptions.MaxSteps"/> or a refused step), so that it covers only part of a pass; a resumed run finishes it.</summary>
    public bool IsPartial { get; init; }
}
