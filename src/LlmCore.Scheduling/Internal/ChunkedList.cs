using System.Collections;

namespace LlmCore.Scheduling.Internal;

/// <summary>
/// An append-only list in fixed chunks of <see cref="ChunkSize"/> items: growing it never copies or drops what it holds,
/// so a list of millions of items (a long simulation's cluster samples) costs its items' memory once, in small-object
/// chunks, instead of the sum of every doubled array a <see cref="List{T}"/> would allocate on the large-object heap.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <remarks>Not thread-safe.</remarks>
internal sealed class ChunkedList<T> : IReadOnlyList<T>
{
    /// <summary>Items per chunk: 2,048 (a 24-byte struct's chunk stays under the 85,000-byte large-object threshold).</summary>
    public const int ChunkSize = 2048;
    private const int Shift = 11;
    private const int Mask = ChunkSize - 1;

    private T[][] _chunks = new T[4][];

    /// <summary>Gets the number of items.</summary>
    public int Count { get; private set; }

    /// <summary>Gets the item at <paramref name="index"/>.</summary>
    /// <param name="index">The index, in [0, <see cref="Count"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside [0, Count).</exception>
    public T this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(index), index, $"must be in [0, {Count}).");
            }

            return _chunks[index >> Shift][index & Mask];
        }
    }

    /// <summary>Gets or sets the last item.</summary>
    /// <exception cref="InvalidOperationException">The list is empty.</exception>
    public T Last
    {
        get => Count > 0 ? _chunks[(Count - 1) >> Shift][(Count - 1) & Mask] : throw new InvalidOperationException("The list is empty.");
        set
        {
            if (Count == 0)
            {
                throw new InvalidOperationException("The list is empty.");
            }

            _chunks[(Count - 1) >> Shift][(Count - 1) & Mask] = value;
        }
    }

    /// <summary>Appends <paramref name="item"/>.</summary>
    /// <param name="item">The item.</param>
    public void Add(T item)
    {
        var chunk = Count >> Shift;
        if ((Count & Mask) == 0)
        {
            if (chunk == _chunks.Length)
            {
                Array.Resize(ref _chunks, _chunks.Length * 2);
            }

            _chunks[chunk] = new T[ChunkSize];
        }

        _chunks[chunk][Count & Mask] = item;
        Count++;
    }

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return _chunks[i >> Shift][i & Mask];
        }
    }

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
