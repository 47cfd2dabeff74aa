namespace LlmCore.Optimization.Training;

/// <summary>The loss and metrics of a model on a dataset, from <see cref="Trainer{T}.Evaluate"/>.</summary>
/// <param name="Loss">The mean loss.</param>
/// <param name="Metrics">The metrics by name.</param>
public sealed record Evaluation(double Loss, IReadOnlyDictionary<string, double> Metrics);
