namespace LlmCore.Scheduling.Internal;

/// <summary>
/// A min-heap of items keyed by <c>(time, order)</c>, compared time first, then order: the simulator's event queue.
/// The keys are kept beside the items in one array of 32-byte entries (for the simulator's 16-byte events) and compared
/// inline, where <see cref="PriorityQueue{TElement, TPriority}"/> moves element-priority tuples and compares through
/// a comparer; a 1,000,000-job LAS run dequeues some 4 million events from a heap of about 165,000.
/// </summary>
/// <typeparam name="T">The item.</typeparam>
/// <remarks>4-ary, as <see cref="PriorityQueue{TElement, TPriority}"/>. Keys must be distinct for a deterministic order
/// (the simulator's order is a sequence number) and times must not be NaN. Not thread-safe.</remarks>
internal sealed class EventHeap<T>
    where T : struct
{
    private const int Arity = 4;
    private Entry[] _entries = new Entry[16];

    /// <summary>Gets the number of items.</summary>
    public int Count { get; private set; }

    /// <summary>Adds an item.</summary>
    public void Enqueue(T item, double time, long order)
    {
        if (Count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        var entry = new Entry(time, order, item);
        var i = Count++;
        var entries = _entries;
        while (i > 0)
        {
            var parent = (i - 1) / Arity;
            ref var p = ref entries[parent];
            if (!Less(entry, p))
            {
                break;
            }

            entries[i] = p;
            i = parent;
        }

        entries[i] = entry;
    }

    /// <summary>Reads the first item and its time without removing it.</summary>
    public bool TryPeek(out T item, out double time)
    {
        if (Count == 0)
        {
            item = default;
            time = default;
            return false;
        }

        ref var first = ref _entries[0];
        item = first.Item;
        time = first.Time;
        return true;
    }

    /// <summary>Removes the first item.</summary>
    public void Dequeue()
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("The heap is empty.");
        }

        var last = _entries[--Count];
        _entries[Count] = default;
        if (Count > 0)
        {
            SiftDown(0, last);
        }
    }

    /// <summary>Drops the items <paramref name="remove"/> accepts and restores the heap (O(n)); the order in which the
    /// others come out is unchanged (keys are distinct).</summary>
    public void RemoveWhere(Func<T, bool> remove)
    {
        var entries = _entries;
        var kept = 0;
        for (var i = 0; i < Count; i++)
        {
            if (!remove(entries[i].Item))
            {
                entries[kept++] = entries[i];
            }
        }

        Array.Clear(entries, kept, Count - kept);
        Count = kept;
        for (var i = (Count - 2) / Arity; i >= 0; i--)
        {
            SiftDown(i, entries[i]);
        }
    }

    private static bool Less(in Entry a, in Entry b) => a.Time < b.Time || (a.Time == b.Time && a.Order < b.Order);

    private void SiftDown(int i, Entry entry)
    {
        var entries = _entries;
        var count = Count;
        while (true)
        {
            var first = (i * Arity) + 1;
            if (first >= count)
            {
                break;
            }

            var best = first;
            var end = Math.Min(first + Arity, count);
            for (var c = first + 1; c < end; c++)
            {
                if (Less(entries[c], entries[best]))
                {
                    best = c;
                }
            }

            if (!Less(entries[best], entry))
            {
                break;
            }

            entries[i] = entries[best];
            i = best;
        }

        entries[i] = entry;
    }

    private readonly record struct Entry(double Time, long Order, T Item);
}
