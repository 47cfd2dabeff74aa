using System.Numerics;

namespace LlmCore.Optimization.Data;

/// <summary>
/// An in-memory dataset: an n × d feature matrix and an n × k target matrix, both row-major.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// For classification the target is one class index per example (k = 1) and <see cref="ClassNames"/> names the
/// classes. The dataset copies nothing it is given and never changes it; it is thread-safe for reading.
/// </remarks>
public sealed class Dataset<T> : IDataset<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly T[] _features;
    private readonly T[] _targets;

    /// <summary>Initializes a new instance of the <see cref="Dataset{T}"/> class.</summary>
    /// <param name="features">n·d feature values, row-major.</param>
    /// <param name="featureCount">d, the features per example, ≥ 1.</param>
    /// <param name="targets">n·k target values, row-major.</param>
    /// <param name="targetCount">k, the targets per example, ≥ 1 (1 for classification).</param>
    /// <param name="task">Whether the targets are values or class indices.</param>
    /// <param name="featureNames">d names, or <see langword="null"/> for <c>x0</c>, <c>x1</c>, ...</param>
    /// <param name="targetNames">k names, or <see langword="null"/> for <c>y</c> (<c>y0</c>, ... when k &gt; 1).</param>
    /// <param name="classNames">For classification, the class names by index; <see langword="null"/> for <c>0</c>, <c>1</c>, ...</param>
    /// <exception cref="ArgumentNullException">An array is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The dataset is empty, the lengths do not fit, a value is NaN or infinite, or a class index is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is less than 1.</exception>
    public Dataset(
        T[] features,
        int featureCount,
        T[] targets,
        int targetCount,
        LearningTask task = LearningTask.Regression,
        IReadOnlyList<string>? featureNames = null,
        IReadOnlyList<string>? targetNames = null,
        IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetCount, 1);
        if (features.Length == 0)
        {
            throw new ArgumentException("The dataset is empty: it needs at least one example.", nameof(features));
        }

        if (features.Length % featureCount != 0)
        {
            throw new ArgumentException($"{features.Length} feature values do not make whole rows of {featureCount}.", nameof(features));
        }

        var count = features.Length / featureCount;
        if (targets.Length != count * targetCount)
        {
            throw new ArgumentException(
                $"The features hold {count} examples, so {count}×{targetCount} = {count * targetCount} target values were expected; got {targets.Length}.",
                nameof(targets));
        }

        CheckFinite(features, featureCount, nameof(features));
        CheckFinite(targets, targetCount, nameof(targets));
        if (task == LearningTask.Classification)
        {
            if (targetCount != 1)
            {
                throw new ArgumentException($"A classification dataset has one class index per example; got {targetCount} targets per example.", nameof(targetCount));
            }

            var classes = 0;
            for (var i = 0; i < targets.Length; i++)
            {
                var label = double.CreateTruncating(targets[i]);
                if (label < 0 || label != Math.Floor(label))
                {
                    throw new ArgumentException($"Row {i}: a class index must be an integer ≥ 0; got {label}.", nameof(targets));
                }

                classes = Math.Max(classes, (int)label + 1);
            }

            ClassNames = classNames ?? [.. Enumerable.Range(0, classes).Select(static c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))];
            if (ClassNames.Count < classes)
            {
                throw new ArgumentException($"The targets use {classes} classes but {ClassNames.Count} class names were given.", nameof(classNames));
            }
        }

        FeatureNames = featureNames ?? [.. Enumerable.Range(0, featureCount).Select(static j => "x" + j.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        TargetNames = targetNames ?? (targetCount == 1 ? ["y"] : [.. Enumerable.Range(0, targetCount).Select(static j => "y" + j.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        if (FeatureNames.Count != featureCount)
        {
            throw new ArgumentException($"Expected {featureCount} feature names; got {FeatureNames.Count}.", nameof(featureNames));
        }

        if (TargetNames.Count != targetCount)
        {
            throw new ArgumentException($"Expected {targetCount} target names; got {TargetNames.Count}.", nameof(targetNames));
        }

        _features = features;
        _targets = targets;
        FeatureCount = featureCount;
        TargetCount = targetCount;
        Count = count;
        Task = task;
    }

    /// <summary>Gets the number of examples n.</summary>
    public int Count { get; }

    /// <summary>Gets the number of features per example d.</summary>
    public int FeatureCount { get; }

    /// <summary>Gets the number of targets per example k.</summary>
    public int TargetCount { get; }

    /// <summary>Gets whether the targets are values or class indices.</summary>
    public LearningTask Task { get; }

    /// <summary>Gets the number of classes (0 for regression).</summary>
    public int ClassCount => ClassNames?.Count ?? 0;

    /// <summary>Gets the feature names.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Gets the target names.</summary>
    public IReadOnlyList<string> TargetNames { get; }

    /// <summary>Gets the class names by index, or <see langword="null"/> for regression.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>Gets all features, n·d values row-major.</summary>
    public ReadOnlySpan<T> Features => _features;

    /// <summary>Gets all targets, n·k values row-major.</summary>
    public ReadOnlySpan<T> Targets => _targets;

    /// <inheritdoc />
    public void CopyExamples(ReadOnlySpan<int> indices, Span<T> features, Span<T> targets)
    {
        if (features.Length != indices.Length * FeatureCount)
        {
            throw new ArgumentException($"Expected {indices.Length}×{FeatureCount} feature values; the buffer holds {features.Length}.", nameof(features));
        }

        if (targets.Length != indices.Length * TargetCount)
        {
            throw new ArgumentException($"Expected {indices.Length}×{TargetCount} target values; the buffer holds {targets.Length}.", nameof(targets));
        }

        for (var r = 0; r < indices.Length; r++)
        {
            var i = indices[r];
            if ((uint)i >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), i, $"An example index must be in [0, {Count}).");
            }

            _features.AsSpan(i * FeatureCount, FeatureCount).CopyTo(features.Slice(r * FeatureCount, FeatureCount));
            _targets.AsSpan(i * TargetCount, TargetCount).CopyTo(targets.Slice(r * TargetCount, TargetCount));
        }
    }

    /// <summary>Gets the examples at <paramref name="indices"/>, in that order, as a new dataset.</summary>
    /// <param name="indices">Row indices, each in [0, <see cref="Count"/>); at least one.</param>
    /// <returns>The subset.</returns>
    /// <exception cref="ArgumentException"><paramref name="indices"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    public Dataset<T> Subset(ReadOnlySpan<int> indices)
    {
        var x = new T[indices.Length * FeatureCount];
        var y = new T[indices.Length * TargetCount];
        for (var r = 0; r < indices.Length; r++)
        {
            var i = indices[r];
            ArgumentOutOfRangeException.ThrowIfNegative(i, nameof(indices));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(i, Count, nameof(indices));
            _features.AsSpan(i * FeatureCount, FeatureCount).CopyTo(x.AsSpan(r * FeatureCount));
            _targets.AsSpan(i * TargetCount, TargetCount).CopyTo(y.AsSpan(r * TargetCount));
        }

        return new Dataset<T>(x, FeatureCount, y, TargetCount, Task, FeatureNames, TargetNames, ClassNames);
    }

    /// <summary>Splits the examples at random into a training part and a held-out part.</summary>
    /// <param name="testFraction">The held-out fraction, in (0, 1); the held-out part gets round(n·fraction) examples, at least 1.</param>
    /// <param name="seed">The seed of the shuffle.</param>
    /// <returns>The two parts.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testFraction"/> is outside (0, 1).</exception>
    /// <exception cref="ArgumentException">The dataset has fewer than two examples.</exception>
    public (Dataset<T> Train, Dataset<T> Test) Split(double testFraction, int seed)
    {
        if (!(testFraction > 0 && testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The held-out fraction must be in (0, 1).");
        }

        if (Count < 2)
        {
            throw new ArgumentException($"Splitting needs at least two examples; the dataset has {Count}.", nameof(testFraction));
        }

        var indices = Enumerable.Range(0, Count).ToArray();
        new Random(seed).Shuffle(indices);
        var test = Math.Clamp((int)Math.Round(Count * testFraction), 1, Count - 1);
        return (Subset(indices.AsSpan(test)), Subset(indices.AsSpan(0, test)));
    }

    /// <summary>Gets a copy of this dataset with other features (same targets), as a <see cref="Standardizer{T}"/> produces.</summary>
    /// <param name="features">n·d new feature values.</param>
    /// <returns>The new dataset.</returns>
    /// <exception cref="ArgumentException">The length differs from <see cref="Features"/>.</exception>
    public Dataset<T> WithFeatures(T[] features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Length != _features.Length)
        {
            throw new ArgumentException($"Expected {_features.Length} feature values; got {features.Length}.", nameof(features));
        }

        return new Dataset<T>(features, FeatureCount, _targets, TargetCount, Task, FeatureNames, TargetNames, ClassNames);
    }

    private static void CheckFinite(T[] values, int width, string name)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!T.IsFinite(values[i]))
            {
                throw new ArgumentException($"Row {i / width}, column {i % width}: {values[i]} is not a finite number.", name);
            }
        }
    }
}
