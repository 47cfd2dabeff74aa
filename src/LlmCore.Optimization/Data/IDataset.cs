using System.Numerics;

namespace LlmCore.Optimization.Data;

/// <summary>
/// Examples a <see cref="Training.Trainer{T}"/> can draw batches from: <see cref="Count"/> rows of
/// <see cref="FeatureCount"/> input values and <see cref="TargetCount"/> target values, copied out by index.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <see cref="Dataset{T}"/> holds its rows in memory; other implementations may form them on demand (for example
/// token windows cut from a corpus, whose features are token ids and whose targets are the next tokens).
/// Implementations are thread-safe for reading.
/// </remarks>
public interface IDataset<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Gets the number of examples.</summary>
    int Count { get; }

    /// <summary>Gets the number of input values per example.</summary>
    int FeatureCount { get; }

    /// <summary>Gets the number of target values per example.</summary>
    int TargetCount { get; }

    /// <summary>Copies the examples at <paramref name="indices"/>, in that order, into row-major buffers.</summary>
    /// <param name="indices">Example indices, each in [0, <see cref="Count"/>).</param>
    /// <param name="features">Receives <paramref name="indices"/>.Length·<see cref="FeatureCount"/> values.</param>
    /// <param name="targets">Receives <paramref name="indices"/>.Length·<see cref="TargetCount"/> values.</param>
    /// <exception cref="ArgumentException">A buffer has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
    void CopyExamples(ReadOnlySpan<int> indices, Span<T> features, Span<T> targets);
}
