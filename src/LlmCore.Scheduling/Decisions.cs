namespace LlmCore.Scheduling;

/// <summary>A decision to start a run of a job: what an executor needs to launch it.</summary>
/// <param name="Spec">The job's request.</param>
/// <param name="Attempt">The run's attempt number (1 for the first run); reports name it so that stale reports are ignored.</param>
/// <param name="Placement">Where the gang runs.</param>
/// <param name="ProgressSeconds">Checkpointed progress the run resumes from (0 for a fresh start).</param>
/// <param name="RestartCostSeconds">The restart cost the run pays before making progress (0 on the first run).</param>
public sealed record JobLaunch(JobSpec Spec, int Attempt, Placement Placement, double ProgressSeconds, double RestartCostSeconds)
{
    /// <summary>Gets the job's id.</summary>
    public string JobId => Spec.Id;

    /// <summary>Gets the run's speed relative to the job's speed on the reference GPU type at <see cref="JobSpec.Gpus"/>
    /// (the job class's relative throughput on the placement's GPU type, times an elastic job's scaling at this size).</summary>
    /// <value>The default value is 1.</value>
    public double Speed { get; init; } = 1;

    /// <summary>Gets the run's GPUs (below <see cref="JobSpec.Gpus"/> for an elastic job started or resized smaller).</summary>
    public int Gpus => Placement.Gpus;

    /// <summary>The engine's job, when the engine made the launch (lets a driver skip looking the id up).</summary>
    internal Job? Job { get; init; }

    /// <summary>Gets the expected wall time of this run from the estimate (remaining work at <see cref="Speed"/> + restart
    /// cost), or <see langword="null"/>.</summary>
    public double? ExpectedRunSeconds => Spec.RuntimeEstimate is { } e ? (Math.Max(0, e.TotalSeconds - ProgressSeconds) / Speed) + RestartCostSeconds : null;
}

/// <summary>Why a running job is preempted.</summary>
public enum PreemptionReason
{
    /// <summary>A job of higher priority needs its GPUs.</summary>
    Priority = 0,

    /// <summary>A tenant reclaims its nominal quota from a borrower.</summary>
    QuotaReclaim = 1,

    /// <summary>A preemptive ordering (SRTF, 2D-LAS) ranks a pending job ahead of it.</summary>
    Ordering = 2,
}

/// <summary>A decision to preempt (requeue) a running job.</summary>
/// <param name="JobId">The victim.</param>
/// <param name="Attempt">The victim's run being stopped.</param>
/// <param name="ForJobId">The job that takes its GPUs.</param>
/// <param name="Reason">Why.</param>
/// <param name="LostGpuSeconds">GPU-seconds of work since the victim's last checkpoint, charged to its restart.</param>
public sealed record JobPreemption(string JobId, int Attempt, string ForJobId, PreemptionReason Reason, double LostGpuSeconds)
{
    /// <summary>The engine's job (the victim).</summary>
    internal Job? Job { get; init; }
}

/// <summary>Why an elastic job is resized.</summary>
public enum ResizeKind
{
    /// <summary>GPUs were idle and no pending job could use them: the job grows towards its maximum.</summary>
    Grow = 0,

    /// <summary>A pending job needed its GPUs: the job shrinks (towards its minimum) instead of being preempted.</summary>
    Shrink = 1,
}

/// <summary>
/// A decision to resize a running elastic job: its run <paramref name="Attempt"/> checkpoints and stops, and
/// <paramref name="Launch"/> restarts it at once on another number of GPUs (paying its restart cost; no work is lost).
/// An executor stops the old run and starts the new one.
/// </summary>
/// <param name="JobId">The job.</param>
/// <param name="Attempt">The run being stopped.</param>
/// <param name="Launch">The new run (attempt <paramref name="Attempt"/> + 1).</param>
/// <param name="Kind">Grow or shrink.</param>
/// <param name="ForJobId">For a shrink, the job that takes the GPUs; otherwise <see langword="null"/>.</param>
public sealed record JobResize(string JobId, int Attempt, JobLaunch Launch, ResizeKind Kind, string? ForJobId);

/// <summary>A decision to cancel a pending job that can never run (failed dependency, missed deadline).</summary>
/// <param name="JobId">The job.</param>
/// <param name="Reason">Why.</param>
public sealed record JobExpiry(string JobId, string Reason);

/// <summary>The EASY-backfill reservation of the head job: the earliest time and place it is guaranteed, given estimates.</summary>
/// <param name="JobId">The head job.</param>
/// <param name="StartAt">The reserved start (the "shadow time").</param>
/// <param name="Placement">The reserved GPUs.</param>
public sealed record Reservation(string JobId, DateTimeOffset StartAt, Placement Placement);

/// <summary>The decisions of one scheduling pass; apply them with <see cref="SchedulingEngine.Apply"/>.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class SchedulingPlan
{
    internal SchedulingPlan(
        DateTimeOffset now,
        long version,
        IReadOnlyList<JobLaunch> starts,
        IReadOnlyList<JobPreemption> preemptions,
        IReadOnlyList<JobExpiry> expired,
        Reservation? reservation,
        IReadOnlyList<(Job Job, object Reason)> reasons,
        Internal.IDeferredReasons? deferred = null,
        IReadOnlyList<JobResize>? resizes = null)
    {
        Resizes = resizes ?? [];
        Now = now;
        Version = version;
        Starts = starts;
        Preemptions = preemptions;
        Expired = expired;
        Reservation = reservation;
        Reasons = reasons;
        Deferred = deferred;
    }

    /// <summary>Gets the time the pass was computed for.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>Gets the runs to start, in admission order (preemptions first, then these).</summary>
    public IReadOnlyList<JobLaunch> Starts { get; }

    /// <summary>Gets the running jobs to preempt.</summary>
    public IReadOnlyList<JobPreemption> Preemptions { get; }

    /// <summary>Gets the running elastic jobs to resize (applied after the preemptions, before the starts).</summary>
    public IReadOnlyList<JobResize> Resizes { get; }

    /// <summary>Gets the pending jobs to cancel because they can never run.</summary>
    public IReadOnlyList<JobExpiry> Expired { get; }

    /// <summary>Gets the head job's backfill reservation, or <see langword="null"/>.</summary>
    public Reservation? Reservation { get; }

    /// <summary>Gets a value indicating whether the plan has no decision.</summary>
    public bool IsEmpty => Starts.Count == 0 && Preemptions.Count == 0 && Expired.Count == 0 && Resizes.Count == 0;

    internal long Version { get; }

    /// <summary>The engine whose pass computed the plan: its launches and preemptions then carry that engine's jobs, and
    /// <see cref="SchedulingEngine.Apply"/> takes them from there instead of looking each up by id.</summary>
    internal SchedulingEngine? Owner { get; init; }

    /// <summary>The reasons the pass gave the jobs it reached: a string or a <see cref="Internal.LazyReason"/>.</summary>
    internal IReadOnlyList<(Job Job, object Reason)> Reasons { get; }

    /// <summary>The reasons of the pending jobs the pass did not reach (it stops once nothing more can start).</summary>
    internal Internal.IDeferredReasons? Deferred { get; }
}
