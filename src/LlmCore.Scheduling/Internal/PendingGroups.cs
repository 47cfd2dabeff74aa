using LlmCore.Scheduling.Policies;

namespace LlmCore.Scheduling.Internal;

/// <summary>
/// The pending jobs of an engine whose ordering has monotone groups (<see cref="IGroupedKeys"/>), by group, each group
/// in submission order, kept beside the engine's pending set (an add or removal is one dictionary lookup and a short
/// copy inside one chunk of a <see cref="SortedJobs"/>). A pass merges the groups instead of computing every pending job's
/// key. Valid only while submission times never decrease with the submission sequence (<see cref="InOrder"/>); after
/// the first submission out of order it holds nothing and keeps nothing. Not thread-safe; owned by one engine.
/// </summary>
internal sealed class PendingGroups
{
    private readonly IGroupedKeys _ordering;
    private readonly Dictionary<PendingGroupKey, SortedJobs> _byKey = [];
    private readonly List<SortedJobs> _groups = [];
    private long _lastSubmittedTicks = long.MinValue;

    /// <summary>Creates an empty set of groups for <paramref name="ordering"/>.</summary>
    public PendingGroups(IGroupedKeys ordering) => _ordering = ordering;

    /// <summary>Gets every group made so far (some may be empty), in the order they were made.</summary>
    public IReadOnlyList<SortedJobs> Groups => _groups;

    /// <summary>Gets the number of jobs in the groups.</summary>
    public int Count { get; private set; }

    /// <summary>Gets whether every job submitted so far was submitted no earlier than the one before it (by sequence),
    /// which the monotone groups need: their keys fall with the time a job has waited.</summary>
    public bool InOrder { get; private set; } = true;

    /// <summary>Notes a job's submission (every job, in sequence order, whether or not it ever waits).</summary>
    public void Submitted(Job job)
    {
        var ticks = job.SubmittedAt.UtcTicks;
        if (ticks < _lastSubmittedTicks && InOrder)
        {
            // For the engine's life: the groups are let go of and no longer kept.
            InOrder = false;
            _byKey.Clear();
            _groups.Clear();
            Count = 0;
        }

        _lastSubmittedTicks = Math.Max(_lastSubmittedTicks, ticks);
    }

    /// <summary>Adds a job that becomes pending.</summary>
    public void Add(Job job)
    {
        if (!InOrder)
        {
            return;
        }

        var key = _ordering.GroupOf(job);
        if (!_byKey.TryGetValue(key, out var group))
        {
            group = SortedJobs.BySequence();
            _byKey.Add(key, group);
            _groups.Add(group);
        }

        if (group.Add(job))
        {
            Count++;
        }
    }

    /// <summary>Removes a job that stops pending.</summary>
    public void Remove(Job job)
    {
        if (InOrder && _byKey.TryGetValue(_ordering.GroupOf(job), out var group) && group.Remove(job))
        {
            Count--;
        }
    }
}
