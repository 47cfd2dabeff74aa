using System.Diagnostics.CodeAnalysis;
using LlmCore.Scheduling.Policies;

namespace LlmCore.Scheduling.Internal;

/// <summary>
/// The running preemptible jobs in groups whose victim order under <c>LeastLostWorkPreemption</c> is known without
/// costing every job, kept incrementally by the engine (O(log running) per start and stop), so that a preemptor can read
/// its victims cheapest first (<see cref="InVictimOrder"/>) instead of costing and ordering every eligible running job.
/// The engine keeps one under LAS, where the victims of one queue are taken cheapest first (the planner reads the index
/// once per queue, the last queue first, with that queue's service floor); under SRTF the victims are taken longest
/// remaining first, which the engine's anchor order gives directly, so no engine keeps an index with
/// <see cref="VictimAnchors.RunningKey"/> anchors (the mode stays, with its tests, for an ordering that would need it).
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
/// <para>
/// Storage: each group keeps its jobs in <see cref="AnchorList"/>s (by start, and with checkpoints by phase: sorted
/// chunks that also hold the largest anchor of each chunk) with their anchors (<see cref="VictimAnchors"/>): the
/// running-key anchor (<see cref="Job.RunningKeyAnchor"/>) for an ordering with anchored running keys (SRTF: a job whose
/// anchor is below the preemptor's line ranks before it and is no victim), or the intercept of the job's
/// attained-service line for one whose running keys grow with service (2D-LAS: a job whose service is below the
/// preemptor's threshold ranks before it; groups are then also split by the rate of service, so that one floor per
/// group compares every job of it). A reading passes a floor; the walks then skip every chunk whose largest anchor is
/// below the group's floor and scan the others' anchors a vector at a time, so that the many running jobs ranked
/// before the preemptor cost no filter call each. (Until 2026-12 these were treaps with the largest anchor per subtree;
/// their upkeep per start and stop was about 14 % of a 1,000,000-job LAS run.) The walks
/// are reused: a reading allocates nothing but its iterator. Groups without jobs are not visited.
/// </para>
/// <para>Not thread-safe; owned by one engine.</para>
/// </remarks>
internal sealed class VictimIndex
{
    /// <summary>Margin per tick of x (oldest elapsed + restart + interval): 36 u, nine times the rounding bound 4 u.</summary>
    private const double RoundingPerTick = 36.0 / (1L << 53);

    private readonly VictimAnchors _anchors;
    private readonly Dictionary<GroupKey, Group> _groupOf = [];
    private readonly List<Group> _groups = [];
    private readonly List<Stream> _active = [];
    private readonly Reading _reading = new();
    private int _unindexed;

    /// <summary>Creates an empty index.</summary>
    /// <param name="anchors">What the anchor of a job is, and so what the floor of a reading means.</param>
    public VictimIndex(VictimAnchors anchors = VictimAnchors.RunningKey) => _anchors = anchors;

    /// <summary>Gets what the index anchors its jobs by.</summary>
    public VictimAnchors Anchors => _anchors;

    /// <summary>Gets whether every running preemptible job is in a group (none has a run restart cost that is not a whole
    /// number of ticks).</summary>
    public bool Complete => _unindexed == 0;

    /// <summary>Gets the number of jobs in the groups.</summary>
    public int Count { get; private set; }

    /// <summary>Adds a job that just started (its placement, start, run restart cost and running-key anchor set).</summary>
    public void Add(Job job)
    {
        if (KeyOf(job) is not { } key)
        {
            job.VictimGroup = null;
            _unindexed++;
            return;
        }

        if (!_groupOf.TryGetValue(key, out var group))
        {
            group = new Group(key, this);
            _groupOf.Add(key, group);
            _groups.Add(group);
        }

        group.Add(job, AnchorOf(job, key));
        job.VictimGroup = group;
        Count++;
    }

    /// <summary>Removes a job that stops running (before its placement and start are cleared).</summary>
    public void Remove(Job job)
    {
        // The group the job was added to (its key then, from its run, is its key now); a job without one of this index's
        // groups was only counted.
        if (job.VictimGroup is not Group group || group.Owner != this)
        {
            _unindexed--;
            return;
        }

        job.VictimGroup = null;
        if (group.Remove(job))
        {
            Count--;
        }
    }

    /// <summary>
    /// The indexed jobs that <paramref name="eligible"/> accepts, in victim order at <paramref name="now"/> (cost as
    /// <c>LeastLostWorkPreemption</c> computes it, then lower priority, then newest submission), read lazily: the same
    /// sequence as sorting every accepted job by that key. Some jobs are passed over without calling the filter: with
    /// <see cref="VictimAnchors.RunningKey"/>, those whose <see cref="Job.RunningKeyAnchor"/> (as it was when they were
    /// added) is below <paramref name="floor"/> (a NaN anchor is never below); with the service anchors, those whose
    /// attained service at <paramref name="now"/> is certainly below <paramref name="floor"/> (by more than the rounding
    /// of its floating-point computation). <paramref name="eligible"/> must be a pure function of the job; it is called
    /// once per job read, at most. One reading at a time: starting another ends the previous one.
    /// </summary>
    public IEnumerable<Job> InVictimOrder(DateTimeOffset now, Func<Job, bool> eligible, double floor = double.NegativeInfinity)
    {
        Begin(now, eligible, floor);
        while (TryNext(out var job))
        {
            yield return job;
        }
    }

    /// <summary>
    /// Starts a reading (as <see cref="InVictimOrder"/> describes) read with <see cref="TryNext"/>: the planner's form, which
    /// allocates nothing (its iterator and the planner's, one of each per reading, were about 170 MB of a 1,000,000-job
    /// LAS run). One reading at a time: starting another ends the previous one.
    /// </summary>
    public void Begin(DateTimeOffset now, Func<Job, bool> eligible, double floor)
    {
        var reading = _reading;
        reading.Begin(now, eligible, floor, _anchors != VictimAnchors.RunningKey);
        var streams = _active;
        streams.Clear();
        foreach (var group in _groups)
        {
            if (group.Count > 0)
            {
                // Streams done at once (nothing in their window) are left out of the merge.
                group.Recent.Reset(reading);
                if (!group.Recent.Done)
                {
                    streams.Add(group.Recent);
                }

                if (group.Phase is { } phase)
                {
                    phase.Reset(reading);
                    if (!phase.Done)
                    {
                        streams.Add(phase);
                    }
                }
            }
        }
    }

    /// <summary>The next job of the reading <see cref="Begin"/> started, in victim order; <see langword="false"/> once
    /// every accepted job has been given out.</summary>
    public bool TryNext([NotNullWhen(true)] out Job? job)
    {
        var read = _reading.Read;
        var streams = _active;
        while (true)
        {
            // The stream of lowest bound (the first of equal ones).
            Stream? low = null;
            for (var i = 0; i < streams.Count; i++)
            {
                var s = streams[i];
                if (!s.Done && (low is null || s.Bound < low.Bound))
                {
                    low = s;
                }
            }

            if (read.TryPeek(out job, out var key) && (low is null || key.Cost < low.Bound))
            {
                read.Dequeue();
                return true;
            }

            if (low is null)
            {
                job = null;
                return false;
            }

            low.Next();
        }
    }

    private GroupKey? KeyOf(Job job)
    {
        var restart = job.Spec.RestartCost.TotalSeconds;
        var rate = _anchors switch
        {
            VictimAnchors.GpuSeconds => job.RunningGpus,
            VictimAnchors.NormalizedGpuSeconds => job.RunningGpus * job.CurrentSpeed,
            _ => 0.0,
        };
        if (job.Spec.CheckpointInterval is not { } interval)
        {
            return new GroupKey(job.RunningGpus, restart, 0, 0, rate);
        }

        // The phase arithmetic is in ticks: the run's restart cost must be a whole number of them (as every TimeSpan is).
        var current = job.CurrentRestartCostSeconds;
        var ticks = Math.Round(current * TimeSpan.TicksPerSecond);
        if (!(ticks is >= 0 and <= 1e15) || ticks / TimeSpan.TicksPerSecond != current)
        {
            return null;
        }

        return new GroupKey(job.RunningGpus, restart, (long)ticks, interval.Ticks, rate);
    }

    /// <summary>
    /// The anchor of a job just added to the group of <paramref name="key"/>. With <see cref="VictimAnchors.RunningKey"/>,
    /// its <see cref="Job.RunningKeyAnchor"/> (NaN read as +∞). With the service anchors, the intercept of its service
    /// line: a job of the group attains <c>S₀ + ρ·(t − s)</c> at t (S₀ its service before this run, ρ the group's rate, s
    /// its start, seconds since the Unix epoch), which reaches a threshold T exactly when <c>S₀/ρ − s ≥ T/ρ − t</c>; the
    /// anchor is the left side, raised by a margin (10⁻⁹ of its terms' magnitudes plus a microsecond, far above the few
    /// ulps by which it and the ordering's own computation of the service can round), so it is never below the floor
    /// (<see cref="Reading.FloorOf"/>, the right side lowered by the same kind of margin) while the service computed by
    /// the ordering may have reached T. A rate that is not positive and finite gives +∞: never passed over.
    /// </summary>
    private double AnchorOf(Job job, GroupKey key)
    {
        if (_anchors == VictimAnchors.RunningKey)
        {
            return double.IsNaN(job.RunningKeyAnchor) ? double.PositiveInfinity : job.RunningKeyAnchor;
        }

        var before = _anchors == VictimAnchors.NormalizedGpuSeconds ? job.AttainedNormalizedGpuSecondsBeforeRun : job.AttainedGpuSecondsBeforeRun;
        var rate = key.Rate;
        var start = (job.RunStartedAt!.Value - DateTimeOffset.UnixEpoch).TotalSeconds;
        var intercept = before / rate;
        var anchor = intercept - start + AnchorMargin(intercept, start);
        return rate > 0 && double.IsFinite(rate) && double.IsFinite(anchor) ? anchor : double.PositiveInfinity;
    }

    /// <summary>
    /// The margin by which an anchor and the floor it is compared with are kept apart, one on each side: 10⁻⁹ of the
    /// magnitudes of the terms (<paramref name="a"/> and <paramref name="b"/>) plus a microsecond, far above the few ulps
    /// by which either side, or the ordering's own computation of a key or a service, can round. Shared by the index's
    /// service anchors and floors and the planner's anchor lines, so that both sides use one tolerance.
    /// </summary>
    internal static double AnchorMargin(double a, double b = 0) => (1e-9 * (Math.Abs(a) + Math.Abs(b))) + 1e-6;

    private static PassPlanner.VictimKey VictimKey(Job job, DateTimeOffset now) =>
        new(LeastLostWorkPreemption.Instance.VictimCost(job, now), job.Spec.Priority, job.Sequence);

    private static long Mod(long value, long modulus)
    {
        var m = value % modulus;
        return m < 0 ? m + modulus : m;
    }

    /// <summary>GPUs, spec restart cost (seconds), with a checkpoint interval the run's restart cost and the interval
    /// in ticks (both 0 without one), and with the service anchors the rate at which the run attains service (GPUs, or
    /// GPUs × speed; 0 otherwise).</summary>
    private readonly record struct GroupKey(int Gpus, double Restart, long RunRestartTicks, long IntervalTicks, double Rate);

    /// <summary>The state of the current <see cref="InVictimOrder"/> reading, shared by the streams (one per index,
    /// reused).</summary>
    private sealed class Reading
    {
        public DateTimeOffset Now { get; private set; }

        public long NowTicks { get; private set; }

        public Func<Job, bool> Eligible { get; private set; } = null!;

        /// <summary>Gets the reading's floor: an anchor, or with service anchors a service threshold.</summary>
        public double Floor { get; private set; }

        /// <summary>Gets whether <see cref="Floor"/> is a service threshold.</summary>
        public bool ServiceFloor { get; private set; }

        /// <summary>Gets the jobs read and costed, not yet given out, cheapest first.</summary>
        public PriorityQueue<Job, PassPlanner.VictimKey> Read { get; } = new();

        public void Begin(DateTimeOffset now, Func<Job, bool> eligible, double floor, bool serviceFloor)
        {
            Now = now;
            NowTicks = now.UtcTicks;
            Eligible = eligible;
            Floor = floor;
            ServiceFloor = serviceFloor;
            Read.Clear();
        }

        /// <summary>The anchor below which a job of the group of <paramref name="key"/> is passed over: the floor itself,
        /// or for a service threshold T, <c>T/ρ − now</c> lowered by a margin (see <see cref="AnchorOf"/>).</summary>
        public double FloorOf(GroupKey key)
        {
            if (!ServiceFloor || double.IsInfinity(Floor))
            {
                return Floor;
            }

            var line = Floor / key.Rate;
            var now = (Now - DateTimeOffset.UnixEpoch).TotalSeconds;
            var floor = line - now - AnchorMargin(line, now);
            return double.IsNaN(floor) ? double.NegativeInfinity : floor;
        }

        /// <summary>Costs a job exactly and puts it in the heap of jobs read.</summary>
        public void Take(Job job) => Read.Enqueue(job, VictimKey(job, Now));

        /// <summary>Puts a job already costed in the heap of jobs read.</summary>
        public void Take(Job job, PassPlanner.VictimKey key) => Read.Enqueue(job, key);
    }

    private sealed class Group
    {
        public Group(GroupKey key, VictimIndex owner)
        {
            Key = key;
            Owner = owner;
            Recent = new RecentStream(this);
            if (key.IntervalTicks > 0)
            {
                ByPhase = new AnchorList();
                Phase = new PhaseStream(this);
            }
        }

        public GroupKey Key { get; }

        /// <summary>Gets the index the group belongs to.</summary>
        public VictimIndex Owner { get; }

        /// <summary>Every job of the group by (start, −priority, sequence): read from the top, newest start first, then
        /// lower priority, then newest submission.</summary>
        public AnchorList ByStart { get; } = new();

        /// <summary>With a checkpoint interval, every job of the group by (phase, 0, sequence); otherwise
        /// <see langword="null"/>.</summary>
        public AnchorList? ByPhase { get; }

        public RecentStream Recent { get; }

        public PhaseStream? Phase { get; }

        public int Count => ByStart.Count;

        /// <summary>The elapsed ticks below which a job's lost work is its elapsed time (a job without checkpoints
        /// always; with them, while it is in its restart, or has not started yet).</summary>
        public long RestartEnd => Key.IntervalTicks > 0 ? Math.Max(Key.RunRestartTicks, 1) : long.MaxValue;

        public void Add(Job job, double anchor)
        {
            ByStart.Add(StartKey(job), job, anchor);
            ByPhase?.Add(PhaseKey(job), job, anchor);
        }

        public bool Remove(Job job)
        {
            ByPhase?.Remove(PhaseKey(job));
            return ByStart.Remove(StartKey(job));
        }

        private static AnchorKey StartKey(Job job) => new(job.RunStartedAt!.Value.UtcTicks, -(long)job.Spec.Priority, job.Sequence);

        private AnchorKey PhaseKey(Job job) =>
            new(Mod(job.RunStartedAt!.Value.UtcTicks + Key.RunRestartTicks, Key.IntervalTicks), 0, job.Sequence);
    }

    /// <summary>A group's jobs in an order of non-decreasing lower bound on their cost, merged by the reading.</summary>
    private abstract class Stream
    {
        /// <summary>Gets whether the stream has no job left to read.</summary>
        public bool Done { get; protected set; }

        /// <summary>Gets a lower bound on the cost of every job the stream has not yet given to the heap.</summary>
        public double Bound { get; protected set; }

        protected Reading Reading { get; private set; } = null!;

        /// <summary>Gets the anchor below which the reading passes a job of this stream's group over.</summary>
        protected double Floor { get; private set; }

        /// <summary>Gets the key of the stream's group.</summary>
        protected abstract GroupKey Key { get; }

        /// <summary>Starts a reading: the stream opens lazily, at its first <see cref="Next"/>.</summary>
        public virtual void Reset(Reading reading)
        {
            Reading = reading;
            Floor = reading.FloorOf(Key);
        }

        /// <summary>Gives the heap its next job (or, unopened, opens), and updates <see cref="Bound"/> and <see cref="Done"/>.</summary>
        public abstract void Next();
    }

    /// <summary>The jobs whose lost work is their elapsed time, newest start first (so cheapest first, exactly).</summary>
    private sealed class RecentStream(Group group) : Stream
    {
        private readonly AnchorWalk _walk = new();
        private bool _open;
        private Job? _head;
        private PassPlanner.VictimKey _key;

        /// <summary>The earliest start of a job still in its restart (elapsed below the restart end): now − end + 1 (no
        /// overflow: now ≥ 0, end ≤ long.MaxValue).</summary>
        private long _low;

        protected override GroupKey Key => group.Key;

        public override void Reset(Reading reading)
        {
            base.Reset(reading);
            _open = false;
            _head = null;
            _low = reading.NowTicks - group.RestartEnd + 1;

            // Done at once when no job is still in its restart (the newest start is before the window): the walk would
            // find none. Under checkpoints a first run's restart ends after a tick, so most of these streams stop here.
            Done = group.Count == 0 || group.ByStart.LargestFirst < _low;

            // lost ≥ 0 (elapsed is clamped at 0), and g · (x + R) is monotone in x under rounding.
            Bound = group.Key.Gpus * (0.0 + group.Key.Restart);
        }

        public override void Next()
        {
            if (!_open)
            {
                _open = true;
                _walk.Start(group.ByStart, _low, long.MaxValue, Floor);
            }
            else
            {
                Reading.Take(_head!, _key);
            }

            while (_walk.Next(out var job, out _))
            {
                if (Reading.Eligible(job))
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
        private readonly AnchorWalk _walk = new();
        private int _rangeCount;
        private int _range;
        private bool _walking;
        private bool _open;
        private Job? _head;
        private long _margin;
        private long _q;

        protected override GroupKey Key => group.Key;

        public override void Reset(Reading reading)
        {
            base.Reset(reading);
            _open = false;
            _walking = false;
            _head = null;
            if (group.ByPhase!.Count == 0)
            {
                Done = true;
                return;
            }

            // Done at once when no job is past its restart (the oldest is still in it): the walk would find none.
            var key = group.Key;
            var oldest = Math.Max(0, reading.NowTicks - group.ByStart.SmallestFirst);
            Done = oldest < group.RestartEnd;
            if (Done)
            {
                return;
            }

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

            _walking = true;
            _walk.Start(group.ByPhase!, _ranges[0].Low, _ranges[0].High, Floor);
        }

        private void Advance()
        {
            var end = group.RestartEnd;
            while (_walking)
            {
                while (_walk.Next(out var job, out var phase))
                {
                    if (Reading.NowTicks - job.RunStartedAt!.Value.UtcTicks < end || !Reading.Eligible(job))
                    {
                        continue;
                    }

                    _head = job;
                    Bound = BoundAt(Mod(_q - phase, group.Key.IntervalTicks));
                    return;
                }

                if (++_range < _rangeCount)
                {
                    _walk.Start(group.ByPhase!, _ranges[_range].Low, _ranges[_range].High, Floor);
                }
                else
                {
                    _walking = false;
                }
            }

            _head = null;
            Done = true;
        }

        private void TakeAll(long low, long high)
        {
            var end = group.RestartEnd;
            _walk.Start(group.ByPhase!, low, high, Floor);
            while (_walk.Next(out var job, out _))
            {
                if (Reading.NowTicks - job.RunStartedAt!.Value.UtcTicks >= end && Reading.Eligible(job))
                {
                    Reading.Take(job);
                }
            }
        }
    }
}

/// <summary>What a <see cref="VictimIndex"/> anchors its jobs by, and so what the floor of a reading means.</summary>
internal enum VictimAnchors
{
    /// <summary>The job's <see cref="Job.RunningKeyAnchor"/> (an ordering with anchored running keys, SRTF); the floor
    /// is an anchor.</summary>
    RunningKey,

    /// <summary>The line of the job's attained GPU-seconds (an ordering whose running key grows with them, 2D-LAS); the
    /// floor is a number of GPU-seconds.</summary>
    GpuSeconds,

    /// <summary>As <see cref="GpuSeconds"/>, in normalised GPU-seconds (GPUs × seconds × relative speed: a
    /// heterogeneity-aware 2D-LAS).</summary>
    NormalizedGpuSeconds,
}
