namespace LlmCore.Scheduling.Metrics;

/// <summary>How one run segment of a job ended.</summary>
public enum RunOutcome
{
    /// <summary>The job finished its work.</summary>
    Completed = 0,

    /// <summary>The scheduler preempted the run; the job went back to the queue.</summary>
    Preempted = 1,

    /// <summary>The run failed (job failure or node failure).</summary>
    Failed = 2,

    /// <summary>The job was cancelled while running.</summary>
    Cancelled = 3,

    /// <summary>An elastic job was resized: it checkpointed and restarted at once on another number of GPUs (no work lost).</summary>
    Resized = 4,
}

/// <summary>
/// One continuous run of a job on a placement: a row of the <c>--events</c> file of <c>llmcore schedule simulate</c>
/// and <c>llmcore schedule run</c>.
/// </summary>
/// <param name="JobId">The job's id.</param>
/// <param name="Placement">Where it ran: <c>node:gpus</c> pairs joined by <c>;</c>, nodes numbered from 0 (e.g. <c>3:8;4:8</c>).</param>
/// <param name="Gpus">GPUs held during the segment.</param>
/// <param name="StartSeconds">Start, in seconds on the trace's clock.</param>
/// <param name="EndSeconds">End, in seconds on the trace's clock (≥ <paramref name="StartSeconds"/>).</param>
/// <param name="Outcome">How the segment ended.</param>
/// <remarks>This type is immutable and thread-safe.</remarks>
public sealed record JobRunSegment(string JobId, string Placement, int Gpus, double StartSeconds, double EndSeconds, RunOutcome Outcome);

/// <summary>What the metrics need to know of each job: when it was submitted and whether and when it completed.</summary>
/// <param name="JobId">The job's id.</param>
/// <param name="Tenant">The job's tenant.</param>
/// <param name="Gpus">GPUs the job asked for.</param>
/// <param name="SubmitSeconds">Submission time, in seconds on the trace's clock.</param>
/// <param name="CompletedSeconds">When the job completed, or <see langword="null"/> if it did not (unfinished, failed, cancelled or rejected).</param>
/// <remarks>This type is immutable and thread-safe.</remarks>
public sealed record JobOutcomeRecord(string JobId, string Tenant, int Gpus, double SubmitSeconds, double? CompletedSeconds);
