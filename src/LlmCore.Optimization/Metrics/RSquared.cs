using System.Numerics;

namespace LlmCore.Optimization.Metrics;

/// <summary>
/// The coefficient of determination R² = 1 − Σ(y − p)²/Σ(y − ȳ)², averaged uniformly over outputs as
/// scikit-learn's <c>r2_score</c> does; an output whose targets are constant scores 1 when predicted exactly, else 0.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>This type holds no state and is thread-safe.</remarks>
public sealed class RSquared<T> : IMetric<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <inheritdoc />
    public string Name => "r2";

    /// <inheritdoc />
    public double Compute(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, int count)
    {
        MetricGuards.CheckSameLength(predictions.Length, targets.Length, count);
        var width = predictions.Length / count;
        var sum = 0.0;
        for (var j = 0; j < width; j++)
        {
            var mean = 0.0;
            for (var i = 0; i < count; i++)
            {
                mean += double.CreateTruncating(targets[(i * width) + j]);
            }

            mean /= count;
            double residual = 0, totalVariance = 0;
            for (var i = 0; i < count; i++)
            {
                var y = double.CreateTruncating(targets[(i * width) + j]);
                var p = double.CreateTruncating(predictions[(i * width) + j]);
                residual += (y - p) * (y - p);
                totalVariance += (y - mean) * (y - mean);
            }

            sum += totalVariance == 0 ? (residual == 0 ? 1 : 0) : 1 - (residual / totalVariance);
        }

        return sum / width;
    }
}
