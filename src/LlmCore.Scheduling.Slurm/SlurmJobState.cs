namespace LlmCore.Scheduling.Slurm;

/// <summary>
/// The few states a scheduler needs, mapped from Slurm's <c>job_state</c> and <c>state_reason</c>.
/// </summary>
/// <remarks>
/// Mapping (every supported REST API version; from v0.0.40 on, the <c>job_state</c> list is first reduced to one name
/// by Slurm's own precedence, see <see cref="SlurmJob.SlurmState"/>): <c>PENDING</c> with reason
/// <c>JobHeldUser</c>/<c>JobHeldAdmin</c>, priority 0 or <c>hold</c> → <see cref="Held"/>; other <c>PENDING</c>,
/// <c>REQUEUED</c>, <c>REQUEUE_HOLD</c>, <c>REQUEUE_FED</c>, <c>EXPEDITING</c>, <c>SPECIAL_EXIT</c>,
/// <c>RESV_DEL_HOLD</c> → <see cref="Pending"/>; <c>CONFIGURING</c>, <c>RUNNING</c>, <c>COMPLETING</c>,
/// <c>SIGNALING</c>, <c>STAGE_OUT</c>, <c>SUSPENDED</c>, <c>RESIZING</c>, <c>STOPPED</c> → <see cref="Running"/>;
/// <c>COMPLETED</c> → <see cref="Completed"/>; <c>CANCELLED</c> → <see cref="Cancelled"/>; <c>PREEMPTED</c> →
/// <see cref="Preempted"/>; <c>FAILED</c>, <c>TIMEOUT</c>, <c>NODE_FAIL</c>, <c>OUT_OF_MEMORY</c>, <c>BOOT_FAIL</c>,
/// <c>DEADLINE</c>, <c>REVOKED</c> → <see cref="Failed"/>; anything else → <see cref="Unknown"/>. A job requeued by
/// preemption shows up as <see cref="Pending"/> with <see cref="SlurmJob.RestartCount"/> one higher, not as
/// <see cref="Preempted"/>.
/// </remarks>
public enum SlurmJobState
{
    /// <summary>A state this client does not know.</summary>
    Unknown = 0,

    /// <summary>Pending and held: it starts only after a release.</summary>
    Held,

    /// <summary>Pending and eligible (or waiting for its begin time after a requeue).</summary>
    Pending,

    /// <summary>Allocated: configuring, running, completing or suspended.</summary>
    Running,

    /// <summary>Finished with exit code 0.</summary>
    Completed,

    /// <summary>Finished with a non-zero exit code, a time-out, a node failure or out of memory.</summary>
    Failed,

    /// <summary>Cancelled by a user or an administrator.</summary>
    Cancelled,

    /// <summary>Preempted and not requeued.</summary>
    Preempted,
}
