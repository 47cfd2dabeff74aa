using System.Numerics;

namespace LlmCore.Optimization.Data;

/// <summary>
/// Standardisation z = (x − μ)/σ per feature, with μ and the population σ fitted on a training set
/// (scikit-learn's <c>StandardScaler</c>); a constant feature gets σ = 1.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>Immutable once fitted and thread-safe.</remarks>
public sealed class Standardizer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly double[] _mean;
    private readonly double[] _scale;

    private Standardizer(double[] mean, double[] scale)
    {
        _mean = mean;
        _scale = scale;
    }

    /// <summary>Gets the fitted means μ.</summary>
    public IReadOnlyList<double> Mean => _mean;

    /// <summary>Gets the fitted scales σ.</summary>
    public IReadOnlyList<double> Scale => _scale;

    /// <summary>Fits μ and σ on the features of <paramref name="dataset"/>.</summary>
    /// <param name="dataset">The training data.</param>
    /// <returns>The fitted standardizer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> is <see langword="null"/>.</exception>
    public static Standardizer<T> Fit(Dataset<T> dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var d = dataset.FeatureCount;
        var mean = new double[d];
        var scale = new double[d];
        var x = dataset.Features;
        for (var i = 0; i < dataset.Count; i++)
        {
            for (var j = 0; j < d; j++)
            {
                mean[j] += double.CreateTruncating(x[(i * d) + j]);
            }
        }

        for (var j = 0; j < d; j++)
        {
            mean[j] /= dataset.Count;
        }

        for (var i = 0; i < dataset.Count; i++)
        {
            for (var j = 0; j < d; j++)
            {
                var c = double.CreateTruncating(x[(i * d) + j]) - mean[j];
                scale[j] += c * c;
            }
        }

        for (var j = 0; j < d; j++)
        {
            var s = Math.Sqrt(scale[j] / dataset.Count);
            scale[j] = s > 0 ? s : 1;
        }

        return new Standardizer<T>(mean, scale);
    }

    /// <summary>Standardises the features of <paramref name="dataset"/>.</summary>
    /// <param name="dataset">Data with as many features as the fitted data.</param>
    /// <returns>A new dataset with standardised features and the same targets.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The feature count differs from the fitted one.</exception>
    public Dataset<T> Transform(Dataset<T> dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.FeatureCount != _mean.Length)
        {
            throw new ArgumentException($"The standardizer was fitted on {_mean.Length} features; the dataset has {dataset.FeatureCount}.", nameof(dataset));
        }

        var x = dataset.Features;
        var result = new T[x.Length];
        var d = _mean.Length;
        for (var i = 0; i < result.Length; i++)
        {
            var j = i % d;
            result[i] = T.CreateTruncating((double.CreateTruncating(x[i]) - _mean[j]) / _scale[j]);
        }

        return dataset.WithFeatures(result);
    }
}
