namespace LlmCore.Scheduling.Execution;

/// <summary>What happened to a run, as an executor reports it.</summary>
public enum JobRunEvent
{
    /// <summary>The run's processes started (informational; the GPUs were allocated when the scheduler decided).</summary>
    Started = 0,

    /// <summary>The run finished successfully.</summary>
    Completed = 1,

    /// <summary>The run failed.</summary>
    Failed = 2,

    /// <summary>The run was stopped and the job must be requeued (executor-side preemption or loss).</summary>
    Preempted = 3,
}

/// <summary>A report about one run of a job.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Attempt">The run's attempt (from <see cref="JobLaunch.Attempt"/>); reports of older attempts are ignored.</param>
/// <param name="Event">What happened.</param>
/// <param name="Message">An optional detail (a failure reason).</param>
public sealed record JobRunReport(string JobId, int Attempt, JobRunEvent Event, string? Message = null);

/// <summary>Receives reports from executors; implemented by <see cref="JobScheduler"/>.</summary>
/// <remarks>Implementations are thread-safe: executors report from any thread.</remarks>
public interface IJobRunReporter
{
    /// <summary>Reports an event of a run.</summary>
    /// <param name="report">The report.</param>
    void Report(JobRunReport report);
}

/// <summary>
/// Runs the scheduler's decisions on real resources (in process, Slurm, Kubernetes). The scheduler allocates GPUs
/// when it decides; the executor launches the run on exactly the given placement and reports back.
/// </summary>
/// <remarks>
/// Contract: <see cref="StartAsync"/> launches a run and returns once the launch was handed over (not when the job
/// ends); the executor then reports <see cref="JobRunEvent.Started"/> (optional), then exactly one of
/// <see cref="JobRunEvent.Completed"/>, <see cref="JobRunEvent.Failed"/> or <see cref="JobRunEvent.Preempted"/>
/// through the reporter, naming the launch's attempt. <see cref="PreemptAsync"/> stops a run so that it can be
/// requeued (the scheduler has already requeued the job and charged the lost work; a later report for that attempt is
/// ignored); <see cref="CancelAsync"/> stops a run for good. Both must be idempotent and tolerate a run that already
/// ended. Preemptions are always dispatched before the starts of the same pass. Implementations must be thread-safe.
/// </remarks>
public interface IJobExecutor
{
    /// <summary>Launches a run.</summary>
    /// <param name="launch">The job, its attempt and placement.</param>
    /// <param name="reporter">Where to report the run's events.</param>
    /// <param name="cancellationToken">Cancels the hand-over (not the run).</param>
    /// <returns>A task that completes when the run was handed over.</returns>
    Task StartAsync(JobLaunch launch, IJobRunReporter reporter, CancellationToken cancellationToken);

    /// <summary>Stops a run for good (user cancellation, or a node failure took part of its gang).</summary>
    /// <param name="launch">The run.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the stop was requested.</returns>
    Task CancelAsync(JobLaunch launch, CancellationToken cancellationToken);

    /// <summary>Stops a run so that its job can be requeued (Slurm: requeue; the job resumes from its last checkpoint).</summary>
    /// <param name="launch">The run.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the stop was requested.</returns>
    Task PreemptAsync(JobLaunch launch, CancellationToken cancellationToken);
}

/// <summary>A command for an executor, queued by <see cref="JobScheduler"/> for its dispatcher.</summary>
/// <param name="Kind">What to do.</param>
/// <param name="Launch">The run.</param>
public sealed record ExecutorCommand(ExecutorCommandKind Kind, JobLaunch Launch);

/// <summary>The kinds of <see cref="ExecutorCommand"/>.</summary>
public enum ExecutorCommandKind
{
    /// <summary>Call <see cref="IJobExecutor.StartAsync"/>.</summary>
    Start = 0,

    /// <summary>Call <see cref="IJobExecutor.PreemptAsync"/>.</summary>
    Preempt = 1,

    /// <summary>Call <see cref="IJobExecutor.CancelAsync"/>.</summary>
    Cancel = 2,
}
