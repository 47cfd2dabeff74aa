namespace LlmCore.Scheduling;

/// <summary>The states of a job. <c>Pending → Running → Completed | Failed | Cancelled</c>; a preempted or
/// node-failed run returns the job to <c>Pending</c>; a job that can never be placed is <c>Rejected</c> at submission.</summary>
public enum JobState
{
    /// <summary>Waiting in the queue (see the pending reason).</summary>
    Pending = 0,

    /// <summary>Admitted and placed; its GPUs are allocated.</summary>
    Running = 1,

    /// <summary>Finished successfully (terminal).</summary>
    Completed = 2,

    /// <summary>Finished unsuccessfully (terminal).</summary>
    Failed = 3,

    /// <summary>Cancelled by a user, a failed dependency or a missed deadline (terminal).</summary>
    Cancelled = 4,

    /// <summary>Refused at submission because no placement could ever satisfy it (terminal).</summary>
    Rejected = 5,
}

/// <summary>
/// A job as a <see cref="SchedulingEngine"/> tracks it, read by policies during a scheduling pass.
/// </summary>
/// <remarks>Not thread-safe: it belongs to one engine and changes as the engine applies decisions; read it only from
/// the thread that drives the engine (policies do), and use <see cref="JobInfo"/> snapshots elsewhere.</remarks>
public sealed class Job
{
    private readonly Internal.ReasonBoard? _board;

    internal Job(JobSpec spec, long sequence, int tenantIndex, DateTimeOffset submittedAt, Internal.ReasonBoard? board = null)
    {
        Spec = spec;
        Sequence = sequence;
        TenantIndex = tenantIndex;
        SubmittedAt = submittedAt;
        QueuedSince = submittedAt;
        _board = board;
        ReasonStamp = board?.Stamp ?? 0;
        Conditional = spec.Dependencies.Count > 0 || spec.Deadline is not null;
    }

    /// <summary>Gets the request.</summary>
    public JobSpec Spec { get; }

    /// <summary>Gets the submission order (0, 1, 2, ...), the final tie-break of every ordering.</summary>
    public long Sequence { get; }

    /// <summary>Gets the time the job was submitted.</summary>
    public DateTimeOffset SubmittedAt { get; }

    /// <summary>Gets the time the job last entered the queue (submission, preemption or node failure).</summary>
    public DateTimeOffset QueuedSince { get; internal set; }

    /// <summary>Gets the state.</summary>
    public JobState State { get; internal set; }

    /// <summary>Gets the number of runs started so far; the current run's attempt number when running.</summary>
    public int Attempts { get; internal set; }

    /// <summary>Gets the placement of the current run, or <see langword="null"/> when not running.</summary>
    public Placement? Placement { get; internal set; }

    /// <summary>Gets the start of the current run, or <see langword="null"/> when not running.</summary>
    public DateTimeOffset? RunStartedAt { get; internal set; }

    /// <summary>Gets the first time the job started, or <see langword="null"/>.</summary>
    public DateTimeOffset? FirstStartedAt { get; internal set; }

    /// <summary>Gets the end time of a terminal job, or <see langword="null"/>.</summary>
    public DateTimeOffset? EndedAt { get; internal set; }

    /// <summary>Gets the seconds of the job's own work saved in checkpoints (where a restart resumes).</summary>
    public double ProgressSeconds { get; internal set; }

    /// <summary>Gets the GPU-seconds consumed by finished runs (including work lost to preemption).</summary>
    public double AttainedGpuSecondsBeforeRun { get; internal set; }

    /// <summary>Gets the GPU-seconds lost to preemption and node failures (work since the last checkpoint, and restart costs).</summary>
    public double LostGpuSeconds { get; internal set; }

    /// <summary>Gets the number of times the job was preempted or lost to a node failure.</summary>
    public int Preemptions { get; internal set; }

    /// <summary>Gets the number of times the elastic job was resized (grown or shrunk, each a checkpoint and restart).</summary>
    public int Resizes { get; internal set; }

    /// <summary>Gets why the job is pending or why it ended, or <see langword="null"/>. For a pending job that the last
    /// scheduling pass did not reach (it stopped once nothing more could start), the reason names what blocked the queue
    /// then, or the refusal of the job's tenant quota as it stands when asked.</summary>
    public string? Reason =>
        State == JobState.Pending && _board is { } board && ReasonStamp != board.Stamp && board.Deferred is { } deferred
            ? deferred.For(this) ?? ReasonText
            : ReasonText;

    /// <summary>Gets the GPUs of the current run (its placement's size; an elastic job may run on fewer than
    /// <see cref="JobSpec.Gpus"/>), or 0 when not running.</summary>
    public int RunningGpus => Placement?.Gpus ?? 0;

    /// <summary>Gets the speed of the current run relative to the job's speed on the reference GPU type at its full size
    /// (1 without a throughput matrix and for a rigid job), or 1 when not running.</summary>
    public double RunSpeed => State == JobState.Running ? CurrentSpeed : 1;

    /// <summary>Gets the normalised GPU-seconds attained by finished runs: GPUs × seconds × relative speed, the service a
    /// heterogeneity-aware policy counts (Gavel's normalised units).</summary>
    public double AttainedNormalizedGpuSecondsBeforeRun { get; internal set; }

    /// <summary>Gets the reason's text (a <see cref="Internal.LazyReason"/> is written here, once, when read).</summary>
    internal string? ReasonText => Internal.LazyReason.TextOf(ReasonValue);

    /// <summary>Gets the reason as given: a string, a <see cref="Internal.LazyReason"/>, or <see langword="null"/>.</summary>
    internal object? ReasonValue { get; private set; }

    internal long ReasonStamp { get; private set; }

    internal int TenantIndex { get; }

    /// <summary>Whether the job has dependencies or a deadline (checked by every pass).</summary>
    internal bool Conditional { get; }

    /// <summary>The job's key in the engine's sorted queue (orderings with stable queue keys).</summary>
    internal double QueueKey { get; set; }

    /// <summary>Until when <see cref="QueueKey"/> holds.</summary>
    internal DateTimeOffset QueueKeyValidUntil { get; set; }

    /// <summary>The job's index in the engine's running list, or −1.</summary>
    internal int RunningIndex { get; set; } = -1;

    /// <summary>The running key anchor of the current run (<see cref="Policies.IAnchoredRunningKey"/>), set at launch.</summary>
    internal double RunningKeyAnchor { get; set; }

    /// <summary>The victim-index group the job is in while it runs (set and cleared by the index), so that taking it out
    /// needs no lookup of its group.</summary>
    internal object? VictimGroup { get; set; }

    internal double CurrentSpeed { get; set; } = 1;

    /// <summary>Under an ordering with anchored running keys (SRTF), the job whose start preempted this one by ordering
    /// (cleared when this one starts again); see <see cref="OrderingPreemptedAt"/>.</summary>
    internal Job? OrderingPreemptor { get; set; }

    /// <summary>When <see cref="OrderingPreemptor"/> preempted this job: that preemptor's run began then.</summary>
    internal DateTimeOffset OrderingPreemptedAt { get; set; }

    /// <summary>The pass that chose the job as a preemption victim (a pass compares it with its own number).</summary>
    internal long PreemptedInPass { get; set; }

    internal double RestartCostSecondsForRun => Attempts > 0 || ProgressSeconds > 0 ? Spec.RestartCost.TotalSeconds : 0;

    internal double CurrentRestartCostSeconds { get; set; }

    /// <summary>Gets the GPU-seconds of service the job has attained by <paramref name="now"/> (2D-LAS: GPUs × time).</summary>
    /// <param name="now">The current time.</param>
    /// <returns>The attained GPU-seconds.</returns>
    public double AttainedGpuSeconds(DateTimeOffset now) =>
        AttainedGpuSecondsBeforeRun + (State == JobState.Running && RunStartedAt is { } s ? RunningGpus * Math.Max(0, (now - s).TotalSeconds) : 0);

    /// <summary>Gets the normalised GPU-seconds attained by <paramref name="now"/>: GPUs × seconds × relative speed of each
    /// run (equal to <see cref="AttainedGpuSeconds"/> when every run went at reference speed).</summary>
    /// <param name="now">The current time.</param>
    /// <returns>The normalised GPU-seconds.</returns>
    public double AttainedNormalizedGpuSeconds(DateTimeOffset now) =>
        AttainedNormalizedGpuSecondsBeforeRun + (State == JobState.Running && RunStartedAt is { } s ? RunningGpus * CurrentSpeed * Math.Max(0, (now - s).TotalSeconds) : 0);

    /// <summary>Sets the reason as of the engine's latest pass.</summary>
    internal void SetReason(object? text)
    {
        ReasonValue = text;
        ReasonStamp = _board?.Stamp ?? 0;
    }

    /// <summary>Gets the estimated remaining run time in seconds at <paramref name="now"/>, or <see langword="null"/> without an estimate.</summary>
    /// <param name="now">The current time.</param>
    /// <returns>For a pending job: estimate − progress + restart cost; for a running job: what is left of its run.</returns>
    public double? RemainingSeconds(DateTimeOffset now)
    {
        if (Spec.RuntimeEstimate is not { } estimate)
        {
            return null;
        }

        var left = Math.Max(0, estimate.TotalSeconds - ProgressSeconds);
        if (State == JobState.Running && RunStartedAt is { } s)
        {
            return Math.Max(0, (CurrentSpeed == 1 ? left : left / CurrentSpeed) + CurrentRestartCostSeconds - (now - s).TotalSeconds);
        }

        return left + RestartCostSecondsForRun;
    }

    /// <summary>Gets the seconds of work since the last checkpoint of the current run at <paramref name="now"/> (0 when not running).</summary>
    /// <param name="now">The current time.</param>
    /// <returns>The wall seconds that a preemption at <paramref name="now"/> would lose, including the restart cost already paid.</returns>
    public double SecondsSinceCheckpoint(DateTimeOffset now)
    {
        if (State != JobState.Running || RunStartedAt is not { } s)
        {
            return 0;
        }

        var elapsed = Math.Max(0, (now - s).TotalSeconds);
        return elapsed - SavedSeconds(elapsed);
    }

    /// <summary>The progress a checkpoint taken at <paramref name="now"/> would hold (a planned resize loses nothing but
    /// the restart cost it pays), capped at the estimate.</summary>
    internal double ProgressAtCheckpoint(DateTimeOffset now)
    {
        if (State != JobState.Running || RunStartedAt is not { } s)
        {
            return ProgressSeconds;
        }

        var useful = Math.Max(0, (now - s).TotalSeconds - CurrentRestartCostSeconds);
        var progress = ProgressSeconds + (useful * CurrentSpeed);
        return Spec.RuntimeEstimate is { } e ? Math.Min(progress, e.TotalSeconds) : progress;
    }

    internal double SavedSeconds(double elapsed)
    {
        var useful = elapsed - CurrentRestartCostSeconds;
        if (useful <= 0 || Spec.CheckpointInterval is not { } interval)
        {
            return 0;
        }

        var c = interval.TotalSeconds;
        return Math.Floor(useful / c) * c;
    }

    /// <summary>Takes a thread-safe snapshot.</summary>
    /// <param name="now">The time for the time-dependent fields.</param>
    /// <returns>The snapshot.</returns>
    public JobInfo ToInfo(DateTimeOffset now) => new(
        Spec, State, Reason, SubmittedAt, FirstStartedAt, EndedAt, Attempts, Preemptions, Placement, ProgressSeconds,
        AttainedGpuSeconds(now), LostGpuSeconds);
}

/// <summary>An immutable snapshot of a job.</summary>
/// <param name="Spec">The request.</param>
/// <param name="State">The state when the snapshot was taken.</param>
/// <param name="Reason">Why it is pending (e.g. <c>needs 8 H100 GPUs in one rack</c>) or why it ended.</param>
/// <param name="SubmittedAt">Submission time.</param>
/// <param name="FirstStartedAt">First start, if any.</param>
/// <param name="EndedAt">End time of a terminal job.</param>
/// <param name="Attempts">Runs started.</param>
/// <param name="Preemptions">Runs ended by preemption or node failure.</param>
/// <param name="Placement">The current run's placement.</param>
/// <param name="ProgressSeconds">Checkpointed progress in seconds.</param>
/// <param name="AttainedGpuSeconds">GPU-seconds attained.</param>
/// <param name="LostGpuSeconds">GPU-seconds lost to preemption and failures.</param>
public sealed record JobInfo(
    JobSpec Spec,
    JobState State,
    string? Reason,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? FirstStartedAt,
    DateTimeOffset? EndedAt,
    int Attempts,
    int Preemptions,
    Placement? Placement,
    double ProgressSeconds,
    double AttainedGpuSeconds,
    double LostGpuSeconds)
{
    /// <summary>Gets the job's id.</summary>
    public string Id => Spec.Id;
}
