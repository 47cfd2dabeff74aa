using LlmCore.Scheduling.Internal;

namespace LlmCore.Scheduling.Policies;

/// <summary>
/// Orders jobs for admission: computes a key per job, smaller first; ties go to the earlier submission.
/// </summary>
/// <remarks>Implementations must be deterministic and may be called from any single thread at a time.</remarks>
public interface IJobOrdering
{
    /// <summary>Gets the policy name (<c>fifo</c>, <c>priority</c>, ...).</summary>
    string Name { get; }

    /// <summary>Gets a value indicating whether a pending job with a smaller key may preempt a running preemptible job with a larger one (SRTF, 2D-LAS).</summary>
    bool IsPreemptive { get; }

    /// <summary>Gets a value indicating whether a job's key depends only on the job and the context, not on the other
    /// jobs passed with it, so the engine may compute one job's key alone (all built-in orderings except DRF, whose key
    /// accumulates a tenant's earlier jobs).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    bool KeysAreIndependent => false;

    /// <summary>Computes the keys of <paramref name="jobs"/> (given in submission order) into <paramref name="keys"/>.</summary>
    /// <param name="context">The pass's time, cluster and tenant shares.</param>
    /// <param name="jobs">The jobs, in submission order.</param>
    /// <param name="keys">The destination, as long as <paramref name="jobs"/>.</param>
    void ComputeKeys(OrderingContext context, IReadOnlyList<Job> jobs, Span<double> keys);

    /// <summary>
    /// Computes a key for a pending job that stays valid while the job waits, until <paramref name="validUntil"/>, so the
    /// engine can keep its queue sorted between passes instead of computing and sorting every key every pass. Keys from
    /// this method are compared only with each other (ties go to the earlier submission) and must order pending jobs
    /// exactly as <see cref="ComputeKeys"/> would at any time before <paramref name="validUntil"/>.
    /// </summary>
    /// <param name="context">The time the job (re)entered the queue, or the time its previous key expired.</param>
    /// <param name="job">A pending job.</param>
    /// <param name="key">The key.</param>
    /// <param name="validUntil">When the key must be computed again (<see cref="DateTimeOffset.MaxValue"/>: never while it waits).</param>
    /// <returns><see langword="false"/> (the default) when keys depend on other jobs or change in ways only a full
    /// recomputation captures; the engine then computes and sorts every key every pass.</returns>
    bool TryComputeQueueKey(OrderingContext context, Job job, out double key, out DateTimeOffset validUntil)
    {
        key = 0;
        validUntil = default;
        return false;
    }
}

/// <summary>
/// A preemptive ordering whose key of a running job is <c>max(0, anchor − t)</c> at time t (t in seconds since the Unix
/// epoch) with an anchor fixed from the job's launch to its release, so the running jobs' order by key never changes
/// while they run: the engine keeps its preemptible running jobs sorted by anchor and finds the largest key of a pass
/// from the top few instead of computing every running job's key. A job without an anchor (no estimate) gives +∞.
/// </summary>
/// <remarks>Implemented by <see cref="ShortestRemainingTimeFirstOrdering"/>. Implementations are stateless and thread-safe.</remarks>
internal interface IAnchoredRunningKey
{
    /// <summary>The anchor of a job just launched (its state, start, speed and restart cost set).</summary>
    /// <param name="running">The running job.</param>
    /// <returns>The anchor in seconds since the Unix epoch, or +∞.</returns>
    double RunningKeyAnchor(Job running);
}

/// <summary>
/// A preemptive ordering whose key of a running job depends only on the service the job has attained and does not fall
/// as it grows, so that a running job's key exceeds a given key exactly when its service has reached a threshold that
/// depends on that key alone: the engine's <see cref="VictimIndex"/> then passes over, without computing their keys,
/// the running jobs whose service is certainly below a preemptor's threshold.
/// </summary>
/// <remarks>Implemented by <see cref="LeastAttainedServiceOrdering"/>: the service is
/// <see cref="OrderingContext.AttainedService"/>. Thread-safe.</remarks>
internal interface IServiceRunningKey
{
    /// <summary>The least attained service at which a running job's key exceeds <paramref name="key"/>.</summary>
    /// <param name="key">A preemptor's key.</param>
    /// <returns>The threshold; −∞ when every running job's key exceeds <paramref name="key"/>, +∞ when none can.</returns>
    double ServiceAbove(double key);
}

/// <summary>
/// An ordering whose keys change only when a job's attained service crosses one of the thresholds (a running job moves
/// to a later queue) or when a waiting job has waited <see cref="StarvationFactor"/> times its run time per GPU (it goes
/// back to the first queue): nothing else happens between events, so a simulation schedules a wake-up at each such
/// instant and a pass there.
/// </summary>
/// <remarks>Implemented by <see cref="LeastAttainedServiceOrdering"/> (Tiresias' queues); the simulator asks for this
/// capability, not for a class. Thread-safe.</remarks>
internal interface IServiceQueues
{
    /// <summary>Gets the attained-service thresholds between queues, ascending, in GPU-seconds.</summary>
    IReadOnlyList<double> ThresholdsGpuSeconds { get; }

    /// <summary>Gets the starvation factor (0: no promotion).</summary>
    double StarvationFactor { get; }
}

/// <summary>
/// An ordering whose keys never exceed a known bound, so a search for the largest key can stop when it meets one.
/// </summary>
/// <remarks>Implemented by <see cref="LeastAttainedServiceOrdering"/> (the number of queue thresholds). Thread-safe.</remarks>
internal interface IBoundedKey
{
    /// <summary>Gets the largest key <see cref="IJobOrdering.ComputeKeys"/> can give.</summary>
    double MaxKey { get; }
}

/// <summary>
/// An ordering whose keys, within one pass, never decrease along the pending jobs of a group taken in submission order,
/// provided submission times never decrease with the submission sequence. A pass can then read the pending jobs in key
/// order by merging the groups (each group's next job in a small heap), computing a key only for the jobs it reaches,
/// instead of computing every pending job's key and sorting them: most passes stop at the first job that cannot start.
/// <see cref="NextKey"/> gives exactly the key <see cref="IJobOrdering.ComputeKeys"/> gives the same job over the
/// pending jobs in submission order (the same arithmetic on the same values), and the merge of runs that are sorted by
/// (key, submission) is the sort by (key, submission), so the order, and every decision of the pass, is the same.
/// </summary>
/// <remarks>Implemented by <see cref="MultifactorOrdering"/> (a group: tenant, GPUs, priority and QOS, the terms other
/// than age; age falls along the group) and <see cref="DominantResourceFairnessOrdering"/> (a group: the tenant; its
/// keys are its dominant share after each job and the tenant's earlier ones). Stateless and thread-safe: a pass's
/// values live in its <see cref="OrderingContext"/>.</remarks>
internal interface IGroupedKeys
{
    /// <summary>Gets whether the keys are monotone in every group with this ordering's settings (e.g. not with a
    /// negative age weight); when not, passes compute every key.</summary>
    bool HasMonotoneGroups { get; }

    /// <summary>The group of a job (a function of its spec and tenant, fixed for its life).</summary>
    /// <param name="job">The job.</param>
    /// <returns>The group.</returns>
    PendingGroupKey GroupOf(Job job);

    /// <summary>
    /// The key of the next pending job of a group, read in submission order, skipping none that
    /// <see cref="IJobOrdering.ComputeKeys"/> would be given. The values a key reads from the engine's state are taken
    /// as they are at the first call for the job's tenant in the pass (<see cref="OrderingContext.TenantValues"/>): the
    /// planner reads the first job of every group before it decides anything, so these are the values at the start of
    /// the pass, as <see cref="IJobOrdering.ComputeKeys"/> reads them.
    /// </summary>
    /// <param name="context">The pass context.</param>
    /// <param name="job">The job.</param>
    /// <param name="sums">What the group's earlier jobs in this pass added (starts at zero per group and pass).</param>
    /// <returns>The key.</returns>
    double NextKey(OrderingContext context, Job job, ref GroupSums sums);
}

/// <summary>A group of pending jobs of an <see cref="IGroupedKeys"/> ordering: the terms of the key other than the one
/// that falls along the group (fields an ordering does not use are 0 or <see langword="null"/>).</summary>
/// <param name="Tenant">The tenant index.</param>
/// <param name="Gpus">The GPUs the job asks for.</param>
/// <param name="Priority">The job's priority.</param>
/// <param name="Qos">The job's QOS name.</param>
internal readonly record struct PendingGroupKey(int Tenant, int Gpus, int Priority, string? Qos);

/// <summary>What the jobs of a group read so far in a pass add up to (DRF's progressive filling).</summary>
internal struct GroupSums
{
    /// <summary>The GPUs.</summary>
    public double Gpus;

    /// <summary>The CPU cores.</summary>
    public double Cpu;

    /// <summary>The memory in GiB.</summary>
    public double Memory;
}

/// <summary>First in, first out: by submission order.</summary>
/// <remarks>Stateless and thread-safe.</remarks>
internal sealed class FifoOrdering : IJobOrdering
{
    /// <inheritdoc/>
    public string Name => "fifo";

    /// <inheritdoc/>
    public bool IsPreemptive => false;

    /// <inheritdoc/>
    public bool KeysAreIndependent => true;

    /// <inheritdoc/>
    public void ComputeKeys(OrderingContext context, IReadOnlyList<Job> jobs, Span<double> keys)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        for (var i = 0; i < jobs.Count; i++)
        {
            keys[i] = jobs[i].Sequence;
        }
    }

    /// <inheritdoc/>
    public bool TryComputeQueueKey(OrderingContext context, Job job, out double key, out DateTimeOffset validUntil)
    {
        ArgumentNullException.ThrowIfNull(job);
        key = job.Sequence;
        validUntil = DateTimeOffset.MaxValue;
        return true;
    }
}

/// <summary>Strict priority with aging: effective priority = priority + <see cref="PointsPerHour"/> × hours since submission; larger first.</summary>
/// <remarks>Aging bounds starvation: a job waiting long enough outranks any newer job of bounded priority. Stateless and thread-safe.</remarks>
internal sealed class PriorityAgingOrdering : IJobOrdering
{
    /// <summary>Creates the ordering.</summary>
    /// <param name="pointsPerHour">Priority points gained per hour of waiting (≥ 0; 0 disables aging).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pointsPerHour"/> is negative or not finite.</exception>
    public PriorityAgingOrdering(double pointsPerHour)
    {
        PointsPerHour = Guard.NonNegativeFinite(pointsPerHour);
    }

    /// <summary>Gets the priority points gained per hour of waiting.</summary>
    public double PointsPerHour { get; }

    /// <inheritdoc/>
    public string Name => "priority";

    /// <inheritdoc/>
    public bool IsPreemptive => false;

    /// <inheritdoc/>
    public bool KeysAreIndependent => true;

    /// <inheritdoc/>
    public void ComputeKeys(OrderingContext context, IReadOnlyList<Job> jobs, Span<double> keys)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(jobs);
        for (var i = 0; i < jobs.Count; i++)
        {
            var hours = Math.Max(0, (context.Now - jobs[i].SubmittedAt).TotalHours);
            keys[i] = -(jobs[i].Spec.Priority + (PointsPerHour * hours));
        }
    }

    /// <inheritdoc/>
    /// <remarks>Every waiting job gains the same points per hour, so the order stands still while jobs wait: the key is
    /// −(priority − points per hour × submission time in hours since the context's time), valid until the first
    /// waiting job's age would have to be clamped at 0 (never, as ages only grow).</remarks>
    public bool TryComputeQueueKey(OrderingContext context, Job job, out double key, out DateTimeOffset validUntil)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(job);
        if (job.SubmittedAt > context.Now)
        {
            // An age below 0 would be clamped: only a full recomputation orders such a job.
            key = 0;
            validUntil = default;
            return false;
        }

        key = -(job.Spec.Priority - (PointsPerHour * (job.SubmittedAt - DateTimeOffset.UnixEpoch).TotalHours));
        validUntil = DateTimeOffset.MaxValue;
        return true;
    }
}

/// <summary>Shortest job first by runtime estimate; jobs without an estimate go last (FIFO among themselves).</summary>
/// <remarks>Stateless and thread-safe. Helios (Hu et al., SC'21) and Tiresias (Gu et al., NSDI'19) use it as the estimate-based baseline.</remarks>
internal sealed class ShortestJobFirstOrdering : IJobOrdering
{
    /// <inheritdoc/>
    public string Name => "sjf";

    /// <inheritdoc/>
    public bool IsPreemptive => false;

    /// <inheritdoc/>
    public bool KeysAreIndependent => true;

    /// <inheritdoc/>
    public void ComputeKeys(OrderingContext context, IReadOnlyList<Job> jobs, Span<double> keys)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        for (var i = 0; i < jobs.Count; i++)
        {
            keys[i] = jobs[i].Spec.RuntimeEstimate?.TotalSeconds ?? double.PositiveInfinity;
        }
    }

    /// <inheritdoc/>
    public bool TryComputeQueueKey(OrderingContext context, Job job, out double key, out DateTimeOffset validUntil)
    {
        ArgumentNullException.ThrowIfNull(job);
        key = job.Spec.RuntimeEstimate?.TotalSeconds ?? double.PositiveInfinity;
        validUntil = DateTimeOffset.MaxValue;
        return true;
    }
}

/// <summary>Shortest remaining time first: by estimate minus checkpointed progress; preemptive.</summary>
/// <remarks>Stateless and thread-safe.</remarks>
internal sealed class ShortestRemainingTimeFirstOrdering : IJobOrdering, IAnchoredRunningKey
{
    /// <inheritdoc/>
    public string Name => "srtf";

    /// <inheritdoc/>
    public bool IsPreemptive => true;

    /// <inheritdoc/>
    public bool KeysAreIndependent => true;

    /// <inheritdoc/>
    public void ComputeKeys(OrderingContext context, IReadOnlyList<Job> jobs, Span<double> keys)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(jobs);
        for (var i = 0; i < jobs.Count; i++)
        {
            keys[i] = jobs[i].RemainingSeconds(context.Now) ?? double.PositiveInfinity;
        }
    }

    /// <inheritdoc/>
    /// <remarks>A waiting job's remaining time (estimate − checkpointed progress + restart cost) does not change until it runs.</remarks>
    public bool TryComputeQueueKey(OrderingContext context, Job job, out double key, out DateTimeOffset validUntil)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(job);
        key = job.RemainingSeconds(context.Now) ?? double.PositiveInfinity;
        validUntil = DateTimeOffset.MaxValue;
        return true;
    }

    /// <inheritdoc/>
    /// <remarks>A running job's key is <c>max(0, left / speed + restart cost − (t − start))</c> (<see
    /// cref="Job.RemainingSeconds"/>): the anchor is <c>left / speed + restart cost + start</c>.</remarks>
    double IAnchoredRunningKey.RunningKeyAnchor(Job running) =>
        running.Spec.RuntimeEstimate is { } estimate && running.RunStartedAt is { } start
            ? (running.CurrentSpeed == 1 ? Math.Max(0, estimate.TotalSeconds - running.ProgressSeconds) : Math.Max(0, estimate.TotalSeconds - running.ProgressSeconds) / running.CurrentSpeed)
              + running.CurrentRestartCostSeconds + (start - DateTimeOffset.UnixEpoch).TotalSeconds
            : double.PositiveInfinity;
}

/// <summary>
/// Discretized two-dimensional least attained service (Tiresias 2D-LAS): a job's attained service is GPUs × time it
/// has run; jobs fall into queues by thresholds on that service, lower queues first, FIFO inside a queue; no
/// runtime estimates needed. Starvation guard: a job that has waited <see cref="StarvationFactor"/> times longer than
/// it has run goes back to the first queue.
/// </summary>
/// <remarks>Gu et al., "Tiresias: A GPU Cluster Manager for Distributed Deep Learning", NSDI 2019. Preemptive:
/// a job in a lower queue may preempt a running job in a higher one. Stateless and thread-safe.</remarks>
internal sealed class LeastAttainedServiceOrdering : IJobOrdering, IBoundedKey, IServiceRunningKey, IServiceQueues
{
    private readonly double[] _thresholds;

    /// <summary>Creates the ordering.</summary>
    /// <param name="thresholdsGpuSeconds">Ascending queue thresholds in GPU-seconds (may be empty: one queue).</param>
    /// <param name="starvationFactor">The promote knob (&gt; 0), or 0 to disable the guard.</param>
    /// <exception cref="ArgumentException">Thresholds are not ascending and positive.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="starvationFactor"/> is negative or not finite.</exception>
    public LeastAttainedServiceOrdering(IReadOnlyList<double> thresholdsGpuSeconds, double starvationFactor)
    {
        ArgumentNullException.ThrowIfNull(thresholdsGpuSeconds);
        for (var i = 0; i < thresholdsGpuSeconds.Count; i++)
        {
            if (!(thresholdsGpuSeconds[i] > 0) || !double.IsFinite(thresholdsGpuSeconds[i]) || (i > 0 && thresholdsGpuSeconds[i] <= thresholdsGpuSeconds[i - 1]))
            {
                throw new ArgumentException("Thresholds must be finite, positive and strictly ascending.", nameof(thresholdsGpuSeconds));
            }
        }

        StarvationFactor = Guard.NonNegativeFinite(starvationFactor);
        _thresholds = [.. thresholdsGpuSeconds];
    }

    /// <summary>Gets the queue thresholds in GPU-seconds.</summary>
    public IReadOnlyList<double> ThresholdsGpuSeconds => _thresholds;

    /// <summary>Gets the starvation promote knob.</summary>
    public double StarvationFactor { get; }

    /// <inheritdoc/>
    double IBoundedKey.MaxKey => _thresholds.Length;

    /// <inheritdoc/>
    /// <remarks>A running job's key is its queue, the number of thresholds its service has reached (the starvation guard
    /// promotes only waiting jobs): it exceeds k ≥ 0 exactly when the service reaches threshold ⌊k⌋ (0-based).</remarks>
    double IServiceRunningKey.ServiceAbove(double key)
    {
        if (double.IsNaN(key))
        {
            return double.PositiveInfinity;
        }

        if (key < 0)
        {
            return double.NegativeInfinity;
        }

        var queue = Math.Floor(key);
        return queue < _thresholds.Length ? _thresholds[(int)queue] : double.PositiveInfinity;
    }

    /// <inheritdoc/>
    public string Name => "las";

    /// <inheritdoc/>
    public bool IsPreemptive => true;

    /// <inheritdoc/>
    public bool KeysAreIndependent => true;

    /// <summary>Gets the queue of a job: the number of thresholds its attained service has reached, or 0 when promoted.</summary>
    /// <param name="job">The job.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The queue index.</returns>
    public int QueueOf(Job job, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        return QueueOf(job, now, job.AttainedGpuSeconds(now));
    }

    /// <inheritdoc/>
    public void ComputeKeys(OrderingContext context, IReadOnlyList<Job> jobs, Span<double> keys)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(jobs);
        for (var i = 0; i < jobs.Count; i++)
        {
            keys[i] = QueueOf(jobs[i], context.Now, context.AttainedService(jobs[i]));
        }
    }

    /// <inheritdoc/>
    /// <remarks>A waiting job's attained service does not change, so its queue changes only when the starvation guard
    /// promotes it, at <c>QueuedSince + StarvationFactor × run time</c>; the key holds until then.</remarks>
    public bool TryComputeQueueKey(OrderingContext context, Job job, out double key, out DateTimeOffset validUntil)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(job);
        var now = context.Now;
        var attained = context.AttainedService(job);
        var queue = QueueOf(job, now, attained);
        key = queue;
        validUntil = DateTimeOffset.MaxValue;
        if (queue > 0 && StarvationFactor > 0 && job.State == JobState.Pending)
        {
            var promoteAt = job.QueuedSince.AddTicks((long)Math.Ceiling(StarvationFactor * (job.AttainedGpuSeconds(now) / job.Spec.Gpus) * TimeSpan.TicksPerSecond));
            validUntil = promoteAt > now ? promoteAt : now.AddTicks(1);
        }

        return true;
    }

    private int QueueOf(Job job, DateTimeOffset now, double attained)
    {
        var queue = 0;
        while (queue < _thresholds.Length && attained >= _thresholds[queue])
        {
            queue++;
        }

        if (queue > 0 && StarvationFactor > 0 && job.State == JobState.Pending)
        {
            // The guard compares wall time: waited against run, whatever the GPUs' speed.
            var ran = job.AttainedGpuSeconds(now) / job.Spec.Gpus;
            if ((now - job.QueuedSince).TotalSeconds >= StarvationFactor * ran)
            {
                queue = 0;
            }
        }

        return queue;
    }
}

/// <summary>The weights and limits of the built-in <c>multifactor</c> ordering (Slurm <c>priority/multifactor</c>), passed to <see cref="SchedulingPolicy.Create(string, PolicyParameters, bool, bool)"/> through <see cref="PolicyParameters"/>.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record MultifactorWeights
{
    /// <summary>Gets the weight of the age factor (Slurm PriorityWeightAge).</summary>
    public double Age { get; init; } = 1000;

    /// <summary>Gets the weight of the fair-share factor (PriorityWeightFairshare).</summary>
    public double FairShare { get; init; } = 10000;

    /// <summary>Gets the weight of the job-size factor (PriorityWeightJobSize).</summary>
    public double JobSize { get; init; } = 1000;

    /// <summary>Gets the weight of the job's priority number, normalized over <see cref="PriorityClasses.Low"/>..<see cref="PriorityClasses.Critical"/>.</summary>
    public double Priority { get; init; } = 1000;

    /// <summary>Gets the weight of the QOS factor (PriorityWeightQOS).</summary>
    public double Qos { get; init; } = 1000;

    /// <summary>Gets the wait after which the age factor is 1 (PriorityMaxAge).</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Gets a value indicating whether smaller jobs get the larger size factor (PriorityFavorSmall).</summary>
    public bool FavorSmall { get; init; }

    /// <summary>Gets the QOS factor in [0, 1] per QOS name; unknown or missing QOS gives 0.</summary>
    public IReadOnlyDictionary<string, double> QosFactors { get; init; } = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// Slurm-style multifactor priority: W_age·age + W_fs·2^(−U/S) + W_size·size + W_prio·prio + W_qos·qos, larger first,
/// where U is the tenant's normalized decayed usage and S its normalized share (Slurm's classic fair-share formula).
/// </summary>
/// <remarks>SchedMD, "Multifactor Priority Plugin" (priority_multifactor.shtml). Stateless and thread-safe.</remarks>
internal sealed class MultifactorOrdering : IJobOrdering, IGroupedKeys
{
    /// <summary>Creates the ordering.</summary>
    /// <param name="weights">The weights.</param>
    /// <exception cref="ArgumentNullException"><paramref name="weights"/> is <see langword="null"/>.</exception>
    public MultifactorOrdering(MultifactorWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        Weights = weights;
    }

    /// <summary>Gets the weights.</summary>
    public MultifactorWeights Weights { get; }

    /// <inheritdoc/>
    public string Name => "multifactor";

    /// <inheritdoc/>
    public bool IsPreemptive => false;

    /// <inheritdoc/>
    public bool KeysAreIndependent => true;

    /// <inheritdoc/>
    /// <remarks>The age term w·age, with w finite and ≥ 0, does not fall as age grows (floating-point products and sums
    /// are monotone in each operand), and age falls along a group in submission order; the other terms are equal in a
    /// group. With a negative or non-finite age weight the keys are not monotone.</remarks>
    public bool HasMonotoneGroups => double.IsFinite(Weights.Age) && Weights.Age >= 0;

    /// <summary>Computes a job's multifactor priority (larger runs first).</summary>
    /// <param name="context">The pass context.</param>
    /// <param name="job">The job.</param>
    /// <returns>The priority.</returns>
    public double PriorityOf(OrderingContext context, Job job)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(job);
        var w = Weights;
        var age = Math.Clamp((context.Now - job.SubmittedAt).TotalSeconds / Math.Max(1, w.MaxAge.TotalSeconds), 0, 1);
        var fairShare = Math.Pow(2, -context.NormalizedUsage(job) / context.NormalizedShare(job));
        var size = (double)job.Spec.Gpus / context.Cluster.TotalGpus;
        if (w.FavorSmall)
        {
            size = 1 - size;
        }

        var prio = Math.Clamp((double)(job.Spec.Priority - PriorityClasses.Low) / (PriorityClasses.Critical - PriorityClasses.Low), 0, 1);
        var qos = job.Spec.Qos is { } name && w.QosFactors.TryGetValue(name, out var f) ? Math.Clamp(f, 0, 1) : 0;
        return (w.Age * age) + (w.FairShare * fairShare) + (w.JobSize * size) + (w.Priority * prio) + (w.Qos * qos);
    }

    /// <inheritdoc/>
    public void ComputeKeys(OrderingContext context, IReadOnlyList<Job> jobs, Span<double> keys)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(jobs);
        var (usage, total) = context.DecayedUsage();
        for (var i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            keys[i] = Key(context, job, FairShare(context, job, usage, total));
        }
    }

    /// <inheritdoc/>
    public PendingGroupKey GroupOf(Job job) => new(job.TenantIndex, job.Spec.Gpus, job.Spec.Priority, job.Spec.Qos);

    /// <inheritdoc/>
    public double NextKey(OrderingContext context, Job job, ref GroupSums sums)
    {
        // The fair-share term is the tenant's (one power per tenant and pass instead of one per job).
        var values = context.TenantValues(job.TenantIndex, out var fresh);
        if (fresh)
        {
            var (usage, total) = context.DecayedUsage();
            values[0] = FairShare(context, job, usage, total);
        }

        return Key(context, job, values[0]);
    }

    /// <summary>2^(−U/S): U the tenant's normalized decayed usage, S its normalized share.</summary>
    private static double FairShare(OrderingContext context, Job job, double[] usage, double total)
    {
        var u = total <= 0 ? 0 : usage[job.TenantIndex] / total;
        var s = context.NormalizedShare(job);
        return Math.Pow(2, -u / s);
    }

    /// <summary>The key (the negated priority) with the tenant's fair-share term given.</summary>
    private double Key(OrderingContext context, Job job, double fairShare)
    {
        var w = Weights;
        var age = Math.Clamp((context.Now - job.SubmittedAt).TotalSeconds / Math.Max(1, w.MaxAge.TotalSeconds), 0, 1);
        var size = (double)job.Spec.Gpus / context.Cluster.TotalGpus;
        if (w.FavorSmall)
        {
            size = 1 - size;
        }

        var prio = Math.Clamp((double)(job.Spec.Priority - PriorityClasses.Low) / (PriorityClasses.Critical - PriorityClasses.Low), 0, 1);
        var qos = job.Spec.Qos is { } name && w.QosFactors.TryGetValue(name, out var f) ? Math.Clamp(f, 0, 1) : 0;
        return -((w.Age * age) + (w.FairShare * fairShare) + (w.JobSize * size) + (w.Priority * prio) + (w.Qos * qos));
    }
}

/// <summary>
/// Dominant Resource Fairness across tenants: progressive filling, the tenant with the smallest weighted dominant
/// share goes next. A job's key is its tenant's dominant share (GPUs, CPU, memory) after it and the tenant's earlier
/// pending jobs were admitted, so the sorted order is the order progressive filling admits them.
/// </summary>
/// <remarks>Ghodsi et al., "Dominant Resource Fairness: Fair Allocation of Multiple Resource Types", NSDI 2011. Stateless and thread-safe.</remarks>
internal sealed class DominantResourceFairnessOrdering : IJobOrdering, IGroupedKeys
{
    /// <inheritdoc/>
    public string Name => "drf";

    /// <inheritdoc/>
    public bool IsPreemptive => false;

    /// <inheritdoc/>
    /// <remarks>A tenant's keys are its dominant share with its earlier pending jobs added: sums of non-negative
    /// requests, divided by positive totals and weight, so they never fall along the tenant's jobs.</remarks>
    public bool HasMonotoneGroups => true;

    /// <inheritdoc/>
    public void ComputeKeys(OrderingContext context, IReadOnlyList<Job> jobs, Span<double> keys)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(jobs);
        var count = context.Ledger.Count;
        var gpus = new double[count];
        var cpu = new double[count];
        var memory = new double[count];
        for (var i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            var t = job.TenantIndex;
            if (job.State == JobState.Running)
            {
                keys[i] = context.DominantShareWith(t, 0, 0, 0);
                continue;
            }

            gpus[t] += job.Spec.Gpus;
            cpu[t] += job.Spec.CpuCores;
            memory[t] += job.Spec.MemoryGib;
            keys[i] = context.DominantShareWith(t, gpus[t], cpu[t], memory[t]);
        }
    }

    /// <inheritdoc/>
    public PendingGroupKey GroupOf(Job job) => new(job.TenantIndex, 0, 0, null);

    /// <inheritdoc/>
    public double NextKey(OrderingContext context, Job job, ref GroupSums sums)
    {
        var t = job.TenantIndex;
        var used = context.TenantValues(t, out var fresh);
        if (fresh)
        {
            // The tenant's usage at the start of the pass (the pass's tentative starts change it as it goes).
            (used[0], used[1], used[2]) = context.Ledger.UsageOf(t);
        }

        sums.Gpus += job.Spec.Gpus;
        sums.Cpu += job.Spec.CpuCores;
        sums.Memory += job.Spec.MemoryGib;
        return context.Ledger.DominantShareOf(t, used[0], used[1], used[2], sums.Gpus, sums.Cpu, sums.Memory);
    }
}
