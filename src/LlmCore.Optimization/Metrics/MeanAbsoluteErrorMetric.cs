using System.Numerics;

namespace LlmCore.Optimization.Metrics;

/// <summary>The mean absolute error (1/n)·Σ |p − y| over every output.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>This type holds no state and is thread-safe.</remarks>
public sealed class MeanAbsoluteErrorMetric<T> : IMetric<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <inheritdoc />
    public string Name => "mae";

    /// <inheritdoc />
    public double Compute(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, int count)
    {
        MetricGuards.CheckSameLength(predictions.Length, targets.Length, count);
        var total = 0.0;
        for (var i = 0; i < predictions.Length; i++)
        {
            var d = double.CreateTruncating(predictions[i]) - double.CreateTruncating(targets[i]);
            total += Math.Abs(d);
        }

        return total / predictions.Length;
    }
}
