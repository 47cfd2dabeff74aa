namespace LlmCore.Scheduling.Internal;

/// <summary>
/// The running preemptible jobs of an ordering with anchored running keys, sorted by (<see cref="Job.RunningKeyAnchor"/>,
/// <see cref="Job.Sequence"/>) and read from the top (largest anchor first): the order a sorted set of jobs with that
/// comparer gives, kept as a list of sorted chunks of at most <see cref="ChunkCapacity"/> entries (anchor, sequence and
/// job side by side) instead of a tree of heap nodes. An insert or a removal is two binary searches and a short copy
/// inside one chunk, on memory that stays in cache, and allocates nothing but the occasional chunk; the engine makes one
/// per start and stop of every preemptible job (millions in a large simulation). Not thread-safe; owned by one engine.
/// </summary>
internal sealed class AnchorOrder
{
    /// <summary>The most entries a chunk holds before it splits in two.</summary>
    internal const int ChunkCapacity = 256;

    private readonly List<Chunk> _chunks = [];

    /// <summary>Gets the number of jobs.</summary>
    public int Count { get; private set; }

    /// <summary>Adds a running job by its current anchor (which must not change until it is removed).</summary>
    /// <returns><see langword="false"/> when the job (its anchor and sequence) is already there.</returns>
    public bool Add(Job job)
    {
        var entry = new Entry(job.RunningKeyAnchor, job.Sequence, job);
        if (_chunks.Count == 0)
        {
            var first = new Chunk();
            first.Entries[0] = entry;
            first.Count = 1;
            _chunks.Add(first);
            Count = 1;
            return true;
        }

        var c = ChunkFor(entry.Anchor, entry.Sequence);
        var chunk = _chunks[c];
        var i = chunk.Find(entry.Anchor, entry.Sequence);
        if (i >= 0)
        {
            return false;
        }

        i = ~i;
        if (chunk.Count == ChunkCapacity)
        {
            // Split: the upper half moves to a new chunk after this one.
            var upper = new Chunk();
            const int half = ChunkCapacity / 2;
            Array.Copy(chunk.Entries, half, upper.Entries, 0, half);
            Array.Clear(chunk.Entries, half, half);
            upper.Count = half;
            chunk.Count = half;
            _chunks.Insert(c + 1, upper);
            if (i > half)
            {
                chunk = upper;
                i -= half;
            }
        }

        Array.Copy(chunk.Entries, i, chunk.Entries, i + 1, chunk.Count - i);
        chunk.Entries[i] = entry;
        chunk.Count++;
        Count++;
        return true;
    }

    /// <summary>Removes a job (by the anchor it was added with).</summary>
    /// <returns><see langword="false"/> when it is not there.</returns>
    public bool Remove(Job job)
    {
        if (_chunks.Count == 0)
        {
            return false;
        }

        var anchor = job.RunningKeyAnchor;
        var c = ChunkFor(anchor, job.Sequence);
        var chunk = _chunks[c];
        var i = chunk.Find(anchor, job.Sequence);
        if (i < 0)
        {
            return false;
        }

        chunk.Count--;
        Array.Copy(chunk.Entries, i + 1, chunk.Entries, i, chunk.Count - i);
        chunk.Entries[chunk.Count] = default;
        if (chunk.Count == 0)
        {
            _chunks.RemoveAt(c);
        }

        Count--;
        return true;
    }

    /// <summary>The jobs from the largest anchor down (ties: the later submission first).</summary>
    public Descending FromTop() => new(_chunks);

    /// <summary>The chunk whose range holds (anchor, sequence): the first whose last entry is not below it, else the last.</summary>
    private int ChunkFor(double anchor, long sequence)
    {
        var lo = 0;
        var hi = _chunks.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            var last = _chunks[mid].Entries[_chunks[mid].Count - 1];
            if (Compare(last.Anchor, last.Sequence, anchor, sequence) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static int Compare(double anchor, long sequence, double otherAnchor, long otherSequence)
    {
        var c = anchor.CompareTo(otherAnchor);
        return c != 0 ? c : sequence.CompareTo(otherSequence);
    }

    /// <summary>Reads the jobs from the largest anchor down; must not outlive a change to the order.</summary>
    public struct Descending
    {
        private readonly List<Chunk> _chunks;
        private int _chunk;
        private int _index;

        internal Descending(List<Chunk> chunks)
        {
            _chunks = chunks;
            _chunk = chunks.Count - 1;
            _index = _chunk >= 0 ? chunks[_chunk].Count : 0;
            Current = null!;
        }

        /// <summary>Gets the job read last.</summary>
        public Job Current { get; private set; }

        /// <summary>Reads the next job down.</summary>
        /// <returns><see langword="false"/> after the lowest.</returns>
        public bool MoveNext()
        {
            while (_chunk >= 0)
            {
                if (--_index >= 0)
                {
                    Current = _chunks[_chunk].Entries[_index].Job;
                    return true;
                }

                if (--_chunk >= 0)
                {
                    _index = _chunks[_chunk].Count;
                }
            }

            return false;
        }

        /// <summary>Lets the reader be used in <c>foreach</c>.</summary>
        public readonly Descending GetEnumerator() => this;
    }

    internal readonly record struct Entry(double Anchor, long Sequence, Job Job);

    internal sealed class Chunk
    {
        public Entry[] Entries { get; } = new Entry[ChunkCapacity];

        public int Count { get; set; }

        /// <summary>The index of (anchor, sequence), or the bitwise complement of where it would go.</summary>
        public int Find(double anchor, long sequence)
        {
            var lo = 0;
            var hi = Count - 1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                var c = Compare(Entries[mid].Anchor, Entries[mid].Sequence, anchor, sequence);
                if (c == 0)
                {
                    return mid;
                }

                if (c < 0)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            return ~lo;
        }
    }
}
