namespace LlmCore.Scheduling.Internal;

/// <summary>
/// Jobs sorted by a key, then by <see cref="Job.Sequence"/>: the engine's pending queue by <see cref="Job.QueueKey"/>
/// (read from the head) and, under an ordering with anchored running keys, its running preemptible jobs by
/// <see cref="Job.RunningKeyAnchor"/> (read from the top). The order a sorted set of jobs with that comparer gives, kept
/// as a list of sorted chunks of at most <see cref="ChunkCapacity"/> entries (key, sequence and job side by side) instead
/// of a tree of heap nodes: an insert or a removal is two binary searches and a short copy inside one chunk, on memory
/// that stays in cache, and allocates nothing but the occasional chunk; the engine makes one per submission, start,
/// stop and requeue (millions in a large simulation). A job's key must not change while it is in the order. Not
/// thread-safe; owned by one engine.
/// </summary>
internal sealed class SortedJobs : IEnumerable<Job>
{
    /// <summary>The most entries a chunk holds before it splits in two.</summary>
    internal const int ChunkCapacity = 64;

    /// <summary>The most emptied chunks kept for reuse.</summary>
    private const int MaxSpareChunks = 8;

    private readonly List<Chunk> _chunks = [];
    private readonly Stack<Chunk> _spare = new();
    private readonly By _by;

    private SortedJobs(By by) => _by = by;

    private enum By
    {
        QueueKey,
        RunningKeyAnchor,
        Sequence,
    }

    /// <summary>An empty order by <see cref="Job.QueueKey"/>.</summary>
    public static SortedJobs ByQueueKey() => new(By.QueueKey);

    /// <summary>An empty order by <see cref="Job.RunningKeyAnchor"/>.</summary>
    public static SortedJobs ByRunningKeyAnchor() => new(By.RunningKeyAnchor);

    /// <summary>An empty order by <see cref="Job.Sequence"/> alone (every key 0): a group of pending jobs in submission
    /// order (<see cref="PendingGroups"/>).</summary>
    public static SortedJobs BySequence() => new(By.Sequence);

    /// <summary>Gets the number of jobs.</summary>
    public int Count { get; private set; }

    /// <summary>Gets the job with the smallest key (the earliest submission among equals), or <see langword="null"/>.</summary>
    public Job? Min => _chunks.Count == 0 ? null : _chunks[0].Entries[0].Job;

    /// <summary>Adds a job by its current key (which must not change until it is removed).</summary>
    /// <returns><see langword="false"/> when the job (its key and sequence) is already there.</returns>
    public bool Add(Job job)
    {
        var entry = new Entry(KeyOf(job), job.Sequence, job);
        if (_chunks.Count == 0)
        {
            var first = NewChunk();
            first.Entries[0] = entry;
            first.Count = 1;
            _chunks.Add(first);
            Count = 1;
            return true;
        }

        var c = ChunkFor(entry.Key, entry.Sequence);
        var chunk = _chunks[c];
        var i = chunk.Find(entry.Key, entry.Sequence);
        if (i >= 0)
        {
            return false;
        }

        i = ~i;
        if (chunk.Count == ChunkCapacity)
        {
            // Split: the upper half moves to a new chunk after this one.
            var upper = NewChunk();
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

    /// <summary>Removes a job (by the key it was added with).</summary>
    /// <returns><see langword="false"/> when it is not there.</returns>
    public bool Remove(Job job)
    {
        if (_chunks.Count == 0)
        {
            return false;
        }

        var key = KeyOf(job);
        var c = ChunkFor(key, job.Sequence);
        var chunk = _chunks[c];
        var i = chunk.Find(key, job.Sequence);
        if (i < 0)
        {
            return false;
        }

        chunk.Count--;
        Array.Copy(chunk.Entries, i + 1, chunk.Entries, i, chunk.Count - i);
        chunk.Entries[chunk.Count] = default;
        if (chunk.Count == 0)
        {
            // Its neighbours meet: the smaller of them may now join the other.
            Retire(_chunks[c]);
            _chunks.RemoveAt(c);
            c = Math.Max(0, c - 1);
        }

        while (c < _chunks.Count && MergeWithNeighbour(ref c))
        {
        }

        Count--;
        return true;
    }

    /// <summary>Gets the number of chunks (tests check the bound that merging keeps: at most 1 + entries / 16).</summary>
    internal int ChunkCount => _chunks.Count;

    /// <summary>A chunk that falls below this many entries joins a neighbour when the two fit in half a chunk, so that
    /// removals cannot leave many nearly empty chunks (each holds an array of <see cref="ChunkCapacity"/> entries).</summary>
    private const int MergeBelow = ChunkCapacity / 8;

    /// <summary>Merges chunk <paramref name="c"/> or its right neighbour, whichever is below <see cref="MergeBelow"/>, with
    /// the other or with its left neighbour when the two fit in half a chunk; <paramref name="c"/> becomes the merged
    /// chunk. Keeps the invariant: no two neighbours of which one is below <see cref="MergeBelow"/> and both together fit
    /// in half a chunk, so every two neighbours hold at least <see cref="MergeBelow"/> entries.</summary>
    /// <returns>Whether two chunks were merged.</returns>
    private bool MergeWithNeighbour(ref int c)
    {
        const int half = ChunkCapacity / 2;
        int left;
        if (c + 1 < _chunks.Count && Mergeable(_chunks[c], _chunks[c + 1]))
        {
            left = c;
        }
        else if (c > 0 && Mergeable(_chunks[c - 1], _chunks[c]))
        {
            left = c - 1;
        }
        else
        {
            return false;
        }

        var into = _chunks[left];
        var from = _chunks[left + 1];
        Array.Copy(from.Entries, 0, into.Entries, into.Count, from.Count);
        into.Count += from.Count;
        Array.Clear(from.Entries, 0, from.Count);
        Retire(from);
        _chunks.RemoveAt(left + 1);
        c = left;
        return true;

        static bool Mergeable(Chunk a, Chunk b) => (a.Count < MergeBelow || b.Count < MergeBelow) && a.Count + b.Count <= half;
    }

    /// <summary>The jobs from the largest key down (ties: the later submission first).</summary>
    public Reader FromTop() => new(_chunks, down: true);

    /// <summary>The jobs from the smallest key up (ties: the earlier submission first), allocation-free in <c>foreach</c>.</summary>
    public Reader GetEnumerator() => new(_chunks, down: false);

    IEnumerator<Job> IEnumerable<Job>.GetEnumerator() => Boxed();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => Boxed();

    private IEnumerator<Job> Boxed()
    {
        foreach (var job in this)
        {
            yield return job;
        }
    }

    /// <summary>An empty chunk: a spare one if any (a queue that hovers round a split would otherwise allocate a chunk
    /// every few hundred operations: about 0.9 GB of them in a 1,000,000-job simulation).</summary>
    private Chunk NewChunk() => _spare.TryPop(out var chunk) ? chunk : new Chunk();

    /// <summary>Keeps an emptied chunk (its entries already cleared) for reuse, up to <see cref="MaxSpareChunks"/>.</summary>
    private void Retire(Chunk chunk)
    {
        chunk.Count = 0;
        if (_spare.Count < MaxSpareChunks)
        {
            _spare.Push(chunk);
        }
    }

    private double KeyOf(Job job) => _by switch
    {
        By.QueueKey => job.QueueKey,
        By.RunningKeyAnchor => job.RunningKeyAnchor,
        _ => 0,
    };

    /// <summary>The chunk whose range holds (key, sequence): the first whose last entry is not below it, else the last.</summary>
    private int ChunkFor(double key, long sequence)
    {
        var lo = 0;
        var hi = _chunks.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            var last = _chunks[mid].Entries[_chunks[mid].Count - 1];
            if (Compare(last.Key, last.Sequence, key, sequence) < 0)
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

    private static int Compare(double key, long sequence, double otherKey, long otherSequence)
    {
        var c = key.CompareTo(otherKey);
        return c != 0 ? c : sequence.CompareTo(otherSequence);
    }

    /// <summary>Reads the jobs up from the smallest key or down from the largest; must not outlive a change to the order.</summary>
    public struct Reader
    {
        private readonly List<Chunk> _chunks;
        private readonly bool _down;
        private int _chunk;
        private int _index;

        internal Reader(List<Chunk> chunks, bool down)
        {
            _chunks = chunks;
            _down = down;
            _chunk = down ? chunks.Count - 1 : 0;
            _index = down ? (_chunk >= 0 ? chunks[_chunk].Count : 0) : -1;
            Current = null!;
        }

        /// <summary>Gets the job read last.</summary>
        public Job Current { get; private set; }

        /// <summary>Reads the next job.</summary>
        /// <returns><see langword="false"/> after the last.</returns>
        public bool MoveNext()
        {
            while (_chunk >= 0 && _chunk < _chunks.Count)
            {
                _index += _down ? -1 : 1;
                if (_index >= 0 && _index < _chunks[_chunk].Count)
                {
                    Current = _chunks[_chunk].Entries[_index].Job;
                    return true;
                }

                _chunk += _down ? -1 : 1;
                _index = _down ? (_chunk >= 0 ? _chunks[_chunk].Count : 0) : -1;
            }

            return false;
        }

        /// <summary>Lets the reader be used in <c>foreach</c>.</summary>
        public readonly Reader GetEnumerator() => this;
    }

    internal readonly record struct Entry(double Key, long Sequence, Job Job);

    internal sealed class Chunk
    {
        public Entry[] Entries { get; } = new Entry[ChunkCapacity];

        public int Count { get; set; }

        /// <summary>The index of (key, sequence), or the bitwise complement of where it would go.</summary>
        public int Find(double key, long sequence)
        {
            var lo = 0;
            var hi = Count - 1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                var c = Compare(Entries[mid].Key, Entries[mid].Sequence, key, sequence);
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
