namespace LlmCore.Scheduling.Internal;

/// <summary>
/// The running preemptible jobs in groups whose victim order under <c>LeastLostWorkPreemption</c> does not change with
/// time, kept incrementally by the engine (O(log running) per start and stop), so that a preemptor can read its victims
/// cheapest first by merging a few sorted groups instead of costing and ordering every eligible running job.
/// </summary>
/// <remarks>
/// <para>
/// Without a checkpoint interval a running job's victim cost is <c>g · (max(0, now − start) + r)</c> (g its GPUs, r its
/// spec's restart cost): within a group of equal (g, r) it falls with the start time, the same for every <c>now</c>, so a
/// group ordered by start (newest first), then priority, then newest submission is in victim order
/// (<see cref="PassPlanner.VictimKey"/>: cost, priority, newest) at every instant. Two different starts are at least one
/// tick (100 ns) apart, far above the rounding of the cost (about 1e-16 relative), so they never tie in cost unless they
/// tie in start. Jobs with a checkpoint interval (whose lost work is a saw-tooth in time) are only counted:
/// <see cref="Complete"/> is then <see langword="false"/> and the planner uses its full scan.
/// </para>
/// <para>Not thread-safe; owned by one engine.</para>
/// </remarks>
internal sealed class VictimIndex
{
    private readonly Dictionary<(int Gpus, double Restart), int> _groupOf = [];
    private readonly List<SortedSet<Job>> _groups = [];
    private int _unindexed;

    /// <summary>Gets the groups (some possibly empty), each in victim order.</summary>
    public IReadOnlyList<SortedSet<Job>> Groups => _groups;

    /// <summary>Gets whether every running preemptible job is in a group (none has a checkpoint interval).</summary>
    public bool Complete => _unindexed == 0;

    /// <summary>Gets the number of jobs in the groups.</summary>
    public int Count { get; private set; }

    /// <summary>Adds a job that just started (its placement and start set).</summary>
    public void Add(Job job)
    {
        if (job.Spec.CheckpointInterval is not null)
        {
            _unindexed++;
            return;
        }

        var key = (job.RunningGpus, job.Spec.RestartCost.TotalSeconds);
        if (!_groupOf.TryGetValue(key, out var g))
        {
            g = _groups.Count;
            _groupOf.Add(key, g);
            _groups.Add(new SortedSet<Job>(ByVictimOrder.Instance));
        }

        _groups[g].Add(job);
        Count++;
    }

    /// <summary>Removes a job that stops running (before its placement and start are cleared).</summary>
    public void Remove(Job job)
    {
        if (job.Spec.CheckpointInterval is not null)
        {
            _unindexed--;
            return;
        }

        if (_groupOf.TryGetValue((job.RunningGpus, job.Spec.RestartCost.TotalSeconds), out var g) && _groups[g].Remove(job))
        {
            Count--;
        }
    }

    /// <summary>Newest start first, then lower priority, then newest submission: victim order within a group.</summary>
    internal sealed class ByVictimOrder : IComparer<Job>
    {
        public static readonly ByVictimOrder Instance = new();

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
}
