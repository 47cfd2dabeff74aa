using System.Numerics;

namespace LlmCore.Optimization.Metrics;

/// <summary>A score of a model's outputs against targets over a whole dataset.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>Metrics hold no state and are thread-safe.</remarks>
public interface IMetric<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Gets the metric's key in a <see cref="Training.History"/> (<c>accuracy</c>, <c>mse</c>, <c>mae</c>, <c>r2</c>).</summary>
    string Name { get; }

    /// <summary>Scores <paramref name="count"/> examples.</summary>
    /// <param name="predictions">The model outputs, <paramref name="count"/> rows.</param>
    /// <param name="targets">The targets, <paramref name="count"/> rows (a class index per row for classification).</param>
    /// <param name="count">The number of examples, ≥ 1.</param>
    /// <returns>The score.</returns>
    /// <exception cref="ArgumentException">The spans do not fit <paramref name="count"/>.</exception>
    double Compute(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, int count);
}
