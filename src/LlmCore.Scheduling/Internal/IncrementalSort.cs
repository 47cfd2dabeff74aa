using System.Numerics;

namespace LlmCore.Scheduling.Internal;

/// <summary>
/// Incremental quicksort (Paredes and Navarro, "Optimal Incremental Sorting", ALENEX 2006): settles the entries of a span
/// one position at a time, in ascending positions, so that getting the first k of n entries in their final places costs
/// O(n + k log k) comparisons instead of a full O(n log n) sort. Each unsettled range remembers how many partitions made
/// it; one made by more than 2 (log₂ n + 8), or a short one, is sorted outright (introsort's depth limit, Musser 1997), so
/// every entry takes part in O(log n) partitions and the worst case stays O(n log n), for inputs that defeat the
/// median-of-three pivot (organ pipes) and for runs of equal entries alike. The order is the comparer's, the same as a
/// full sort's for a total order.
/// </summary>
/// <typeparam name="T">The entry type.</typeparam>
/// <typeparam name="TComparer">The comparer (a struct, so the comparisons are inlined).</typeparam>
internal struct IncrementalSort<T, TComparer>
    where TComparer : IComparer<T>
{
    /// <summary>Ranges of at most this many entries are sorted outright.</summary>
    internal const int ShortRange = 32;

    // bounds: positions b, each with every entry before b ordered before every entry from b on; an entry at a bound below
    // n is a pivot, already in its final place. Each bound carries the depth of the range that ends at it: the number of
    // partitions its entries have taken part in. Entries before _sortedUntil are in their final places.
    private readonly Stack<(int Bound, int Depth)> _bounds;
    private readonly TComparer _comparer;
    private readonly int _n;
    private readonly int _budget;
    private int _sortedUntil;

    /// <summary>Starts an incremental sort of <paramref name="n"/> entries.</summary>
    /// <param name="n">The number of entries.</param>
    /// <param name="comparer">The order.</param>
    public IncrementalSort(int n, TComparer comparer)
    {
        _n = n;
        _comparer = comparer;
        _bounds = new Stack<(int, int)>();
        _bounds.Push((n, 0));
        _budget = 2 * (BitOperations.Log2((uint)Math.Max(n, 1)) + 8);
    }

    /// <summary>Puts the entry that belongs at position <paramref name="i"/> there; call with <paramref name="i"/> = 0, 1, 2 …
    /// in turn, on the same span.</summary>
    /// <param name="entries">The entries (length n).</param>
    /// <param name="i">The position, at least every earlier one settled.</param>
    public void Settle(Span<T> entries, int i)
    {
        if (i < _sortedUntil)
        {
            return;
        }

        while (true)
        {
            var (hi, depth) = _bounds.Peek();
            if (hi - i <= ShortRange || depth >= _budget)
            {
                entries[i..hi].Sort(_comparer);
                _bounds.Pop();
                _sortedUntil = hi < _n ? hi + 1 : _n;
                return;
            }

            // Both sides of the pivot are one partition deeper.
            var p = Partition(entries, i, hi);
            _bounds.Pop();
            _bounds.Push((hi, depth + 1));
            _bounds.Push((p, depth + 1));
        }
    }

    /// <summary>Lomuto partition of [lo, hi) around the median of its first, middle and last entries; returns the pivot's place.</summary>
    private readonly int Partition(Span<T> entries, int lo, int hi)
    {
        var last = hi - 1;
        var mid = lo + ((hi - lo) / 2);
        if (_comparer.Compare(entries[mid], entries[lo]) < 0)
        {
            (entries[mid], entries[lo]) = (entries[lo], entries[mid]);
        }

        if (_comparer.Compare(entries[last], entries[lo]) < 0)
        {
            (entries[last], entries[lo]) = (entries[lo], entries[last]);
        }

        if (_comparer.Compare(entries[mid], entries[last]) < 0)
        {
            (entries[mid], entries[last]) = (entries[last], entries[mid]);
        }

        var pivot = entries[last];
        var store = lo;
        for (var k = lo; k < last; k++)
        {
            if (_comparer.Compare(entries[k], pivot) < 0)
            {
                (entries[k], entries[store]) = (entries[store], entries[k]);
                store++;
            }
        }

        (entries[store], entries[last]) = (entries[last], entries[store]);
        return store;
    }
}
