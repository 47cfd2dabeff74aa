using LlmCore.Scheduling.Policies;

namespace LlmCore.Scheduling.Internal;

/// <summary>
/// The running preemptible jobs in groups whose victim order under <c>LeastLostWorkPreemption</c> is known without
/// costing every job, kept incrementally by the engine (O(log running) per start and stop), so that a preemptor can read
/// its victims cheapest first (<see cref="InVictimOrder"/>) instead of costing and ordering every eligible running job.
/// </summary>
/// <remarks>
/// <para>
/// A running job's victim cost is <c>g · (lost + R)</c> (g its GPUs, R its spec's restart cost), where lost is what
/// <see cref="Job.SecondsSinceCheckpoint"/> returns. A group holds the jobs of equal g and R and, with a checkpoint
/// interval, equal interval c and equal restart cost r of the current run. In ticks (E = now − start, exact integers):
/// without a checkpoint interval lost = E, which falls with the start time, so the group is read newest start first.
/// With one, lost = E while the job is still in its restart (E &lt; r), and r + ((E − r) mod c) after it: with the phase
/// p = (start + r) mod c and q = now mod c, (E − r) mod c = (q − p) mod c, so the jobs past their restart are read in
/// order of phase from q downwards, wrapping round from c − 1, after the ones still in their restart (read newest start
/// first). These are exact statements about ticks; the full scan computes lost in floating point, with
/// <c>Math.Floor((E/10⁷ − r) / c)</c>, which for a job whose (q − p) mod c is within a few ulps of 0 or c can take the
/// neighbouring period and put the job at the other end of the order.
/// </para>
/// <para>
/// Exactness: the reading never trusts the tick order alone. Every job it reads is costed exactly as the full scan costs
/// it and held in a small heap ordered by the victim key (cost, priority, newest); the heap's first job is given out only
/// once every unread job is known to cost strictly more. For that each group's stream carries a lower bound on the cost
/// of its unread jobs: the exact cost of the next job for the newest-first streams (lost = E/10⁷ exactly there), and
/// g · ((r + d − M)/10⁷ + R) for the phase stream, d = (q − p) mod c of its next job, M a margin in ticks above the
/// rounding of the floating-point computation (|lost − (r + d)/10⁷| ≤ 4u·x/10⁷ with u = 2⁻⁵³ and x = oldest E + r + c,
/// when the floor takes the right period, which it does for M &lt; d &lt; c − M; M = ⌈36u·x⌉ + 1 ticks). The jobs with d
/// ≤ M or d ≥ c − M (the phase boundary, usually only jobs started at a checkpoint instant of another's) are costed
/// exactly when the stream opens, wherever their floor puts them. Equal costs are therefore ordered by priority and
/// submission exactly as the full sort orders them. A job whose run's restart cost is not a whole number of ticks is
/// only counted: <see cref="Complete"/> is then <see langword="false"/> and the planner uses its full scan.
/// </para>
/// <para>Not thread-safe; owned by one engine.</para>
/// </remarks>
internal sealed class VictimIndex
{
    /// <summary>Margin per tick of x (oldest elapsed + restart + interval): 36 u, nine times the rounding bound 4 u.</summary>
    private const double RoundingPerTick = 36.0 / (1L << 53);

    private readonly Dictionary<GroupKey, Group> _groupOf = [];
    private readonly List<Stream> _streams = [];
    private readonly Reading _reading = new();
    private int _unindexed;

    /// <summary>Gets whether every running preemptible job is in a group (none has a run restart cost that is not a whole
    /// number of ticks).</summary>
    public bool Complete => _unindexed == 0;

    /// <summary>Gets the number of jobs in the groups.</summary>
    public int Count { get; private set; }

    /// <summary>Adds a job that just started (its placement, start and run restart cost set).</summary>
    public void Add(Job job)
    {
        if (KeyOf(job) is not { } key)
        {
            _unindexed++;
            return;
        }

        if (!_groupOf.TryGetValue(key, out var group))
        {
            group = new Group(key);
            _groupOf.Add(key, group);
            _streams.Add(group.Recent);
            if (group.Phase is not null)
            {
                _streams.Add(group.Phase);
            }
        }

        group.Add(job);
        Count++;
    }

    /// <summary>Removes a job that stops running (before its placement and start are cleared).</summary>
    public void Remove(Job job)
    {
        if (KeyOf(job) is not { } key)
        {
            _unindexed--;
            return;
        }

        if (_groupOf.TryGetValue(key, out var group) && group.Remove(job))
        {
            Count--;
        }
    }

    /// <summary>
    /// The indexed jobs that <paramref name="eligible"/> accepts, in victim order at <paramref name="now"/> (cost as
    /// <c>LeastLostWorkPreemption</c> computes it, then lower priority, then newest submission), read lazily: the same
    /// sequence as sorting every accepted job by that key. <paramref name="eligible"/> must be a pure function of the
    /// job; it is called once per job read, at most. One reading at a time: starting another ends the previous one.
    /// </summary>
    public IEnumerable<Job> InVictimOrder(DateTimeOffset now, Func<Job, bool> eligible)
    {
        var reading = _reading;
        reading.Begin(now, eligible);
        var read = reading.Read;
        foreach (var s in _streams)
        {
            s.Reset(reading);
        }

        while (!reading.Stopped)
        {
            Stream? low = null;
            foreach (var s in _streams)
            {
                if (!s.Done && (low is null || s.Bound < low.Bound))
                {
                    low = s;
                }
            }

            if (read.TryPeek(out var job, out var key) && (low is null || key.Cost < low.Bound))
            {
                read.Dequeue();
                yield return job;
            }
            else if (low is null)
            {
                yield break;
            }
            else
            {
                low.Next();
            }
        }
    }

    /// <summary>Ends the current <see cref="InVictimOrder"/> reading: it gives no more jobs (may be called from the
    /// filter; the job being filtered is then not given either).</summary>
    public void StopReading() => _reading.Stopped = true;

    private static GroupKey? KeyOf(Job job)
    {
        var restart = job.Spec.RestartCost.TotalSeconds;
        if (job.Spec.CheckpointInterval is not { } interval)
        {
            return new GroupKey(job.RunningGpus, restart, 0, 0);
        }

        // The phase arithmetic is in ticks: the run's restart cost must be a whole number of them (as every TimeSpan is).
        var current = job.CurrentRestartCostSeconds;
        var ticks = Math.Round(current * TimeSpan.TicksPerSecond);
        if (!(ticks is >= 0 and <= 1e15) || ticks / TimeSpan.TicksPerSecond != current)
        {
            return null;
        }

        return new GroupKey(job.RunningGpus, restart, (long)ticks, interval.Ticks);
    }

    private static PassPlanner.VictimKey VictimKey(Job job, DateTimeOffset now) =>
        new(LeastLostWorkPreemption.Instance.VictimCost(job, now), job.Spec.Priority, job.Sequence);

    private static long Mod(long value, long modulus)
    {
        var m = value % modulus;
        return m < 0 ? m + modulus : m;
    }

    /// <summary>GPUs, spec restart cost (seconds), and with a checkpoint interval the run's restart cost and the interval
    /// in ticks (both 0 without one).</summary>
    private readonly record struct GroupKey(int Gpus, double Restart, long RunRestartTicks, long IntervalTicks);

    /// <summary>A job's phase (ticks) in its group's phase order, then its submission sequence (unique).</summary>
    private readonly record struct PhaseEntry(long Phase, long Sequence, Job? Job);

    private sealed class PhaseOrder : IComparer<PhaseEntry>
    {
        public static readonly PhaseOrder Instance = new();

        public int Compare(PhaseEntry x, PhaseEntry y)
        {
            var c = x.Phase.CompareTo(y.Phase);
            return c != 0 ? c : x.Sequence.CompareTo(y.Sequence);
        }
    }

    /// <summary>Newest start first, then lower priority, then newest submission.</summary>
    private sealed class ByStart : IComparer<Job>
    {
        public static readonly ByStart Instance = new();

        public int Compare(Job? x, Job? y)
        {
            var c = y!.RunStartedAt!.Value.UtcTicks.CompareTo(x!.RunStartedAt!.Value.UtcTicks);
            if (c != 0)
            {
                return c;
            }

            c = x.Spec.Priority.CompareTo(y.Spec.Priority);
            return c != 0 ? c : y.Sequence.CompareTo(x.Sequence);
        }
    }

    /// <summary>The state of the current <see cref="InVictimOrder"/> reading, shared by the streams (one per index,
    /// reused).</summary>
    private sealed class Reading
    {
        public DateTimeOffset Now { get; private set; }

        public long NowTicks { get; private set; }

        public Func<Job, bool> Eligible { get; private set; } = null!;

        /// <summary>Gets the jobs read and costed, not yet given out, cheapest first.</summary>
        public PriorityQueue<Job, PassPlanner.VictimKey> Read { get; } = new();

        /// <summary>Gets or sets whether the reading was stopped (<see cref="StopReading"/>).</summary>
        public bool Stopped { get; set; }

        public void Begin(DateTimeOffset now, Func<Job, bool> eligible)
        {
            Now = now;
            NowTicks = now.UtcTicks;
            Eligible = eligible;
            Stopped = false;
            Read.Clear();
        }

        /// <summary>Costs a job exactly and puts it in the heap of jobs read.</summary>
        public void Take(Job job) => Read.Enqueue(job, VictimKey(job, Now));

        /// <summary>Puts a job already costed in the heap of jobs read.</summary>
        public void Take(Job job, PassPlanner.VictimKey key) => Read.Enqueue(job, key);
    }

    private sealed class Group
    {
        public Group(GroupKey key)
        {
            Key = key;
            Recent = new RecentStream(this);
            if (key.IntervalTicks > 0)
            {
                ByPhase = new SortedSet<PhaseEntry>(PhaseOrder.Instance);
                Phase = new PhaseStream(this);
            }
        }

        public GroupKey Key { get; }

        /// <summary>Every job of the group, newest start first.</summary>
        public SortedSet<Job> ByStart { get; } = new(Internal.VictimIndex.ByStart.Instance);

        /// <summary>With a checkpoint interval, every job of the group by phase; otherwise <see langword="null"/>.</summary>
        public SortedSet<PhaseEntry>? ByPhase { get; }

        public RecentStream Recent { get; }

        public PhaseStream? Phase { get; }

        /// <summary>The elapsed ticks below which a job's lost work is its elapsed time (a job without checkpoints
        /// always; with them, while it is in its restart, or has not started yet).</summary>
        public long RestartEnd => Key.IntervalTicks > 0 ? Math.Max(Key.RunRestartTicks, 1) : long.MaxValue;

        public void Add(Job job)
        {
            ByStart.Add(job);
            ByPhase?.Add(EntryOf(job));
        }

        public bool Remove(Job job)
        {
            ByPhase?.Remove(EntryOf(job));
            return ByStart.Remove(job);
        }

        private PhaseEntry EntryOf(Job job) =>
            new(Mod(job.RunStartedAt!.Value.UtcTicks + Key.RunRestartTicks, Key.IntervalTicks), job.Sequence, job);
    }

    /// <summary>A group's jobs in an order of non-decreasing lower bound on their cost, merged by the reading.</summary>
    private abstract class Stream
    {
        /// <summary>Gets whether the stream has no job left to read.</summary>
        public bool Done { get; protected set; }

        /// <summary>Gets a lower bound on the cost of every job the stream has not yet given to the heap.</summary>
        public double Bound { get; protected set; }

        protected Reading Reading { get; private set; } = null!;

        /// <summary>Starts a reading: the stream opens lazily, at its first <see cref="Next"/>.</summary>
        public virtual void Reset(Reading reading) => Reading = reading;

        /// <summary>Gives the heap its next job (or, unopened, opens), and updates <see cref="Bound"/> and <see cref="Done"/>.</summary>
        public abstract void Next();
    }

    /// <summary>The jobs whose lost work is their elapsed time, newest start first (so cheapest first, exactly).</summary>
    private sealed class RecentStream(Group group) : Stream
    {
        private SortedSet<Job>.Enumerator _cursor;
        private bool _open;
        private Job? _head;
        private PassPlanner.VictimKey _key;

        public override void Reset(Reading reading)
        {
            base.Reset(reading);
            _open = false;
            Done = group.ByStart.Count == 0;

            // lost ≥ 0 (elapsed is clamped at 0), and g · (x + R) is monotone in x under rounding.
            Bound = group.Key.Gpus * (0.0 + group.Key.Restart);
        }

        public override void Next()
        {
            if (!_open)
            {
                _open = true;
                _cursor = group.ByStart.GetEnumerator();
            }
            else
            {
                Reading.Take(_head!, _key);
            }

            var end = group.RestartEnd;
            while (!Reading.Stopped && _cursor.MoveNext())
            {
                var job = _cursor.Current;
                if (Reading.NowTicks - job.RunStartedAt!.Value.UtcTicks >= end)
                {
                    break;
                }

                if (Reading.Eligible(job) && !Reading.Stopped)
                {
                    // Exact: every later job started no later, so its elapsed time, hence its cost, is at least this one's.
                    _head = job;
                    _key = VictimKey(job, Reading.Now);
                    Bound = _key.Cost;
                    return;
                }
            }

            _head = null;
            Done = true;
        }
    }

    /// <summary>The jobs past their restart in order of (q − p) mod c, after the phase-boundary jobs are costed exactly.</summary>
    private sealed class PhaseStream(Group group) : Stream
    {
        private readonly (long Low, long High)[] _ranges = new (long, long)[2];
        private int _rangeCount;
        private int _range;
        private IEnumerator<PhaseEntry>? _cursor;
        private bool _open;
        private Job? _head;
        private long _margin;
        private long _q;

        public override void Reset(Reading reading)
        {
            base.Reset(reading);
            _open = false;
            _cursor = null;
            _head = null;
            Done = group.ByPhase!.Count == 0;
            if (Done)
            {
                return;
            }

            var key = group.Key;
            var oldest = Math.Max(0, reading.NowTicks - group.ByStart.Max!.RunStartedAt!.Value.UtcTicks);
            _margin = (long)Math.Ceiling(((double)oldest + key.RunRestartTicks + key.IntervalTicks) * RoundingPerTick) + 1;
            _q = Mod(reading.NowTicks, key.IntervalTicks);

            // Every job past its restart loses at least (r − M)/10⁷ s, whichever period its floor takes.
            Bound = BoundAt(0);
        }

        public override void Next()
        {
            if (!_open)
            {
                _open = true;
                Open();
            }
            else
            {
                Reading.Take(_head!);
            }

            Advance();
        }

        private double BoundAt(long d) =>
            group.Key.Gpus * (((double)(group.Key.RunRestartTicks + d - _margin) / TimeSpan.TicksPerSecond) + group.Key.Restart);

        /// <summary>Costs the phase-boundary jobs exactly and sets up the walk over the rest.</summary>
        private void Open()
        {
            var c = group.Key.IntervalTicks;
            var m = _margin;
            _rangeCount = 0;
            _range = 0;
            if ((2 * m) + 1 >= c)
            {
                // The margin covers the whole period: cost every job exactly.
                TakeAll(0, c - 1);
                return;
            }

            // Boundary: phases q − M … q + M (cyclically), d ≤ M or d ≥ c − M.
            var low = Mod(_q - m, c);
            var high = Mod(_q + m, c);
            if (low <= high)
            {
                TakeAll(low, high);
            }
            else
            {
                TakeAll(0, high);
                TakeAll(low, c - 1);
            }

            // Walk: phases q − M − 1 down to q + M + 1 (cyclically), that is d = M + 1 … c − M − 1 increasing.
            var top = Mod(_q - m - 1, c);
            var bottom = Mod(_q + m + 1, c);
            if (bottom <= top)
            {
                _ranges[_rangeCount++] = (bottom, top);
            }
            else
            {
                _ranges[_rangeCount++] = (0, top);
                _ranges[_rangeCount++] = (bottom, c - 1);
            }

            _cursor = View(_ranges[0].Low, _ranges[0].High).Reverse().GetEnumerator();
        }

        private void Advance()
        {
            var end = group.RestartEnd;
            while (_cursor is not null && !Reading.Stopped)
            {
                while (!Reading.Stopped && _cursor.MoveNext())
                {
                    var entry = _cursor.Current;
                    var job = entry.Job!;
                    if (Reading.NowTicks - job.RunStartedAt!.Value.UtcTicks < end || !Reading.Eligible(job) || Reading.Stopped)
                    {
                        continue;
                    }

                    _head = job;
                    Bound = BoundAt(Mod(_q - entry.Phase, group.Key.IntervalTicks));
                    return;
                }

                _cursor = ++_range < _rangeCount ? View(_ranges[_range].Low, _ranges[_range].High).Reverse().GetEnumerator() : null;
            }

            _head = null;
            Done = true;
        }

        private void TakeAll(long low, long high)
        {
            var end = group.RestartEnd;
            foreach (var entry in View(low, high))
            {
                if (Reading.Stopped)
                {
                    return;
                }

                var job = entry.Job!;
                if (Reading.NowTicks - job.RunStartedAt!.Value.UtcTicks >= end && Reading.Eligible(job))
                {
                    Reading.Take(job);
                }
            }
        }

        private SortedSet<PhaseEntry> View(long low, long high) =>
            group.ByPhase!.GetViewBetween(new PhaseEntry(low, long.MinValue, null), new PhaseEntry(high, long.MaxValue, null));
    }
}
