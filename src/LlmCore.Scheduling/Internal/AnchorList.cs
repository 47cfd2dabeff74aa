using System.Numerics;

namespace LlmCore.Scheduling.Internal;

/// <summary>A position in an <see cref="AnchorList"/>: compared by <see cref="First"/>, then <see cref="Second"/>, then
/// <see cref="Third"/> (unique in a list).</summary>
internal readonly record struct AnchorKey(long First, long Second, long Third) : IComparable<AnchorKey>
{
    public int CompareTo(AnchorKey other)
    {
        var c = First.CompareTo(other.First);
        if (c != 0)
        {
            return c;
        }

        c = Second.CompareTo(other.Second);
        return c != 0 ? c : Third.CompareTo(other.Third);
    }
}

/// <summary>
/// Jobs sorted by an <see cref="AnchorKey"/>, each with an anchor (a number, never NaN), read from the largest key down
/// over a range of <see cref="AnchorKey.First"/> while passing over every job whose anchor is below a floor
/// (<see cref="AnchorWalk"/>). The victim index keeps a group's running jobs in these (by start, and by checkpoint
/// phase). Stored as a list of sorted chunks of at most <see cref="ChunkCapacity"/> entries, the keys, anchors and jobs
/// of a chunk in three arrays, each chunk with the largest anchor it holds: an insertion or a removal is two binary
/// searches and a short copy in one chunk (an insertion after the last key, as every start of a run is in the list by
/// start, only writes at the end), and a walk skips a chunk whose largest anchor is below the floor and otherwise scans
/// its anchors a vector at a time. Replaces a treap of heap nodes whose upkeep (a node per start, a descent of about
/// twenty pointers per insertion and removal) was about 14 % of a 1,000,000-job LAS simulation. Not thread-safe.
/// </summary>
internal sealed class AnchorList
{
    /// <summary>The most entries a chunk holds.</summary>
    internal const int ChunkCapacity = 128;

    /// <summary>A chunk that falls below this many entries joins a neighbour when the two fit in half a chunk.</summary>
    private const int MergeBelow = ChunkCapacity / 8;

    private const int MaxSpareChunks = 4;

    private readonly List<Chunk> _chunks = [];
    private readonly Stack<Chunk> _spare = new();

    /// <summary>Gets the number of entries.</summary>
    public int Count { get; private set; }

    /// <summary>Gets the number of chunks (tests check the bound merging keeps).</summary>
    internal int ChunkCount => _chunks.Count;

    internal List<Chunk> Chunks => _chunks;

    /// <summary>Gets the smallest <see cref="AnchorKey.First"/> (the list must not be empty).</summary>
    public long SmallestFirst => _chunks[0].Keys[0].First;

    /// <summary>Gets the largest <see cref="AnchorKey.First"/> (the list must not be empty).</summary>
    public long LargestFirst => _chunks[^1].Keys[_chunks[^1].Count - 1].First;

    /// <summary>Adds a job at <paramref name="key"/> (which must not be there yet) with its anchor.</summary>
    public void Add(AnchorKey key, Job job, double anchor)
    {
        Count++;
        var last = _chunks.Count - 1;
        if (last < 0)
        {
            _chunks.Add(NewChunk().Append(key, job, anchor));
            return;
        }

        var tail = _chunks[last];
        if (key.CompareTo(tail.Keys[tail.Count - 1]) > 0)
        {
            // After every key (each start of a run in the list by start): append, into a fresh chunk when full.
            if (tail.Count == ChunkCapacity)
            {
                _chunks.Add(NewChunk().Append(key, job, anchor));
            }
            else
            {
                tail.Append(key, job, anchor);
            }

            return;
        }

        var c = ChunkFor(key);
        var chunk = _chunks[c];
        var i = chunk.Find(key);
        if (i >= 0)
        {
            Count--;
            throw new InvalidOperationException("The key is already in the list.");
        }

        i = ~i;
        if (chunk.Count == ChunkCapacity)
        {
            // Split: the upper half moves to a new chunk after this one.
            const int half = ChunkCapacity / 2;
            var upper = NewChunk();
            chunk.MoveUpperHalfTo(upper);
            _chunks.Insert(c + 1, upper);
            if (i > half)
            {
                chunk = upper;
                i -= half;
            }
        }

        chunk.Insert(i, key, job, anchor);
    }

    /// <summary>Removes the job at <paramref name="key"/>.</summary>
    /// <returns><see langword="false"/> when no job is there.</returns>
    public bool Remove(AnchorKey key)
    {
        if (_chunks.Count == 0)
        {
            return false;
        }

        var c = ChunkFor(key);
        var chunk = _chunks[c];
        var i = chunk.Find(key);
        if (i < 0)
        {
            return false;
        }

        chunk.RemoveAt(i);
        Count--;
        if (chunk.Count == 0)
        {
            Retire(chunk);
            _chunks.RemoveAt(c);
            c = Math.Max(0, c - 1);
        }

        while (c < _chunks.Count && MergeWithNeighbour(ref c))
        {
        }

        return true;
    }

    /// <summary>The chunk whose range holds <paramref name="key"/>: the first whose last key is not below it, else the last.</summary>
    private int ChunkFor(AnchorKey key)
    {
        var lo = 0;
        var hi = _chunks.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            var chunk = _chunks[mid];
            if (chunk.Keys[chunk.Count - 1].CompareTo(key) < 0)
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

    /// <summary>As <see cref="SortedJobs"/>: merges chunk <paramref name="c"/> or a neighbour below
    /// <see cref="MergeBelow"/> with the other when the two fit in half a chunk; <paramref name="c"/> becomes the merged
    /// chunk.</summary>
    private bool MergeWithNeighbour(ref int c)
    {
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

        var from = _chunks[left + 1];
        _chunks[left].AppendAll(from);
        Retire(from);
        _chunks.RemoveAt(left + 1);
        c = left;
        return true;

        static bool Mergeable(Chunk a, Chunk b) => (a.Count < MergeBelow || b.Count < MergeBelow) && a.Count + b.Count <= ChunkCapacity / 2;
    }

    private Chunk NewChunk() => _spare.TryPop(out var chunk) ? chunk : new Chunk();

    private void Retire(Chunk chunk)
    {
        chunk.Clear();
        if (_spare.Count < MaxSpareChunks)
        {
            _spare.Push(chunk);
        }
    }

    /// <summary>A sorted run of entries: keys, anchors and jobs side by side in three arrays.</summary>
    internal sealed class Chunk
    {
        private bool _maxStale;
        private double _max = double.NegativeInfinity;

        public AnchorKey[] Keys { get; } = new AnchorKey[ChunkCapacity];

        public double[] Anchors { get; } = new double[ChunkCapacity];

        public Job?[] Jobs { get; } = new Job?[ChunkCapacity];

        public int Count { get; private set; }

        /// <summary>Gets the largest anchor of the chunk (−∞ when empty).</summary>
        public double Max
        {
            get
            {
                if (_maxStale)
                {
                    _maxStale = false;
                    var max = double.NegativeInfinity;
                    foreach (var a in Anchors.AsSpan(0, Count))
                    {
                        max = Math.Max(max, a);
                    }

                    _max = max;
                }

                return _max;
            }
        }

        public Chunk Append(AnchorKey key, Job job, double anchor)
        {
            Keys[Count] = key;
            Anchors[Count] = anchor;
            Jobs[Count] = job;
            Count++;
            if (!_maxStale && anchor > _max)
            {
                _max = anchor;
            }

            return this;
        }

        public void Insert(int i, AnchorKey key, Job job, double anchor)
        {
            var tail = Count - i;
            Array.Copy(Keys, i, Keys, i + 1, tail);
            Array.Copy(Anchors, i, Anchors, i + 1, tail);
            Array.Copy(Jobs, i, Jobs, i + 1, tail);
            Keys[i] = key;
            Anchors[i] = anchor;
            Jobs[i] = job;
            Count++;
            if (!_maxStale && anchor > _max)
            {
                _max = anchor;
            }
        }

        public void RemoveAt(int i)
        {
            var anchor = Anchors[i];
            Count--;
            var tail = Count - i;
            Array.Copy(Keys, i + 1, Keys, i, tail);
            Array.Copy(Anchors, i + 1, Anchors, i, tail);
            Array.Copy(Jobs, i + 1, Jobs, i, tail);
            Jobs[Count] = null;
            if (anchor >= _max)
            {
                _maxStale = true;
            }
        }

        public void MoveUpperHalfTo(Chunk upper)
        {
            const int half = ChunkCapacity / 2;
            Array.Copy(Keys, half, upper.Keys, 0, half);
            Array.Copy(Anchors, half, upper.Anchors, 0, half);
            Array.Copy(Jobs, half, upper.Jobs, 0, half);
            Array.Clear(Jobs, half, half);
            upper.Count = half;
            upper._maxStale = true;
            Count = half;
            _maxStale = true;
        }

        public void AppendAll(Chunk from)
        {
            Array.Copy(from.Keys, 0, Keys, Count, from.Count);
            Array.Copy(from.Anchors, 0, Anchors, Count, from.Count);
            Array.Copy(from.Jobs, 0, Jobs, Count, from.Count);
            Count += from.Count;
            if (!_maxStale)
            {
                if (from._maxStale)
                {
                    _maxStale = true;
                }
                else if (from._max > _max)
                {
                    _max = from._max;
                }
            }
        }

        public void Clear()
        {
            Array.Clear(Jobs, 0, Count);
            Count = 0;
            _max = double.NegativeInfinity;
            _maxStale = false;
        }

        /// <summary>The index of <paramref name="key"/>, or the bitwise complement of where it would go.</summary>
        public int Find(AnchorKey key) =>
            // The span search specialised for the key struct: no comparer call per probe, as Array.BinarySearch made (a
            // search per start and stop of a run).
            new ReadOnlySpan<AnchorKey>(Keys, 0, Count).BinarySearch<AnchorKey, AnchorKey>(key);

        /// <summary>The largest index at most <paramref name="from"/> whose anchor is not below <paramref name="floor"/>,
        /// or −1.</summary>
        public int LastNotBelow(int from, double floor)
        {
            var anchors = Anchors;
            var i = from;
            if (Vector.IsHardwareAccelerated)
            {
                var width = Vector<double>.Count;
                var f = new Vector<double>(floor);
                while (i + 1 >= width)
                {
                    var v = new Vector<double>(anchors, i + 1 - width);

                    // Not below: every lane but those where anchor < floor (a NaN floor passes every anchor).
                    if (Vector.LessThanAll(v, f))
                    {
                        i -= width;
                        continue;
                    }

                    break;
                }
            }

            for (; i >= 0; i--)
            {
                if (!(anchors[i] < floor))
                {
                    return i;
                }
            }

            return -1;
        }
    }
}

/// <summary>
/// A descending walk over the entries of an <see cref="AnchorList"/> whose <see cref="AnchorKey.First"/> lies in a range,
/// passing over every entry whose anchor is below the floor (whole chunks at once when their largest anchor is). Reused;
/// allocates nothing. The list must not change during a walk.
/// </summary>
internal sealed class AnchorWalk
{
    private List<AnchorList.Chunk> _chunks = [];
    private int _chunk;
    private int _index;
    private long _low;
    private double _floor;

    /// <summary>Starts a walk from the largest key whose First is at most <paramref name="high"/>.</summary>
    public void Start(AnchorList list, long low, long high, double floor)
    {
        _chunks = list.Chunks;
        _low = low;
        _floor = floor;

        // The last chunk whose first key's First is at most high, and in it the last such entry.
        var lo = 0;
        var hi = _chunks.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_chunks[mid].Keys[0].First <= high)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        _chunk = hi;
        if (_chunk < 0)
        {
            _index = -1;
            return;
        }

        var keys = _chunks[_chunk].Keys;
        lo = 0;
        hi = _chunks[_chunk].Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (keys[mid].First <= high)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        _index = hi;
        if (_chunks[_chunk].Max < floor)
        {
            _index = -1;
        }
    }

    /// <summary>The next entry (largest key first).</summary>
    /// <returns><see langword="false"/> at the end.</returns>
    public bool Next(out Job job, out long first)
    {
        while (_chunk >= 0)
        {
            var chunk = _chunks[_chunk];
            if (_index >= 0)
            {
                var i = chunk.LastNotBelow(_index, _floor);
                if (i >= 0 && chunk.Keys[i].First >= _low)
                {
                    _index = i - 1;
                    job = chunk.Jobs[i]!;
                    first = chunk.Keys[i].First;
                    return true;
                }

                if (i >= 0 || (chunk.Count > 0 && chunk.Keys[0].First < _low))
                {
                    // Below the range: every earlier entry is too.
                    break;
                }
            }

            // The previous chunk, unless every entry of it is below the range; skipped whole below the floor.
            if (--_chunk < 0)
            {
                break;
            }

            var previous = _chunks[_chunk];
            if (previous.Keys[previous.Count - 1].First < _low)
            {
                break;
            }

            _index = previous.Max < _floor ? -1 : previous.Count - 1;
        }

        _chunk = -1;
        job = null!;
        first = 0;
        return false;
    }
}
