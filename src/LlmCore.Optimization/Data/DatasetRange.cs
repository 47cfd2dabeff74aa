using System.Buffers;
using System.Numerics;

namespace LlmCore.Optimization.Data;

/// <summary>A contiguous range of another dataset's examples, without copying them (the training and held-out parts of a validation split).</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>Thread-safe for reading, like the dataset it views.</remarks>
internal sealed class DatasetRange<T> : IDataset<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly IDataset<T> _inner;
    private readonly int _start;

    public DatasetRange(IDataset<T> inner, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, inner.Count, nameof(count));
        _inner = inner;
        _start = start;
        Count = count;
    }

    public int Count { get; }

    public int FeatureCount => _inner.FeatureCount;

    public int TargetCount => _inner.TargetCount;

    public void CopyExamples(ReadOnlySpan<int> indices, Span<T> features, Span<T> targets)
    {
        var shifted = ArrayPool<int>.Shared.Rent(Math.Max(1, indices.Length));
        try
        {
            for (var r = 0; r < indices.Length; r++)
            {
                var i = indices[r];
                if ((uint)i >= (uint)Count)
                {
                    throw new ArgumentOutOfRangeException(nameof(indices), i, $"An example index must be in [0, {Count}).");
                }

                shifted[r] = _start + i;
            }

            _inner.CopyExamples(shifted.AsSpan(0, indices.Length), features, targets);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(shifted);
        }
    }
}
