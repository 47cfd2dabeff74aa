namespace LlmCore.Scheduling.Slurm;

/// <summary>
/// What Slurm reports about one job (a subset of the 110 fields of REST API v0.0.38).
/// </summary>
/// <param name="JobId">Slurm's job id.</param>
/// <param name="Name">The job name (LlmCore puts its own job id here).</param>
/// <param name="Comment">The job comment, or an empty string.</param>
/// <param name="State">The mapped state.</param>
/// <param name="SlurmState">Slurm's own <c>job_state</c> string, e.g. <c>PENDING</c>.</param>
/// <param name="Reason">Slurm's <c>state_reason</c>, e.g. <c>JobHeldUser</c>, <c>BeginTime</c>, <c>Resources</c>, <c>None</c>.</param>
/// <param name="Partition">The partition.</param>
/// <param name="Nodes">The allocated node list in Slurm's compressed form (e.g. <c>n[1-2]</c>), or empty.</param>
/// <param name="Gpus">GPUs requested per node (from <c>tres_per_node</c>), or per job (from <c>tres_per_job</c>) when none are per node; 0 when none.</param>
/// <param name="GpuIndexes">The allocated GPU details from <c>gres_detail</c>, e.g. <c>gpu:2(IDX:0-1)</c>.</param>
/// <param name="RestartCount">How often the job was requeued (<c>restart_cnt</c>).</param>
/// <param name="ExitCode">The exit status of the batch script (the raw wait status 768 becomes 3), or <see langword="null"/> when it was killed by a signal.</param>
/// <param name="Signal">The signal that ended the script, or <see langword="null"/>.</param>
/// <param name="SubmitTime">When the job was submitted, or <see langword="null"/>.</param>
/// <param name="StartTime">When the job (last) started, or <see langword="null"/> when it has not.</param>
/// <param name="EndTime">When the job ended, or <see langword="null"/> when it has not.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record SlurmJob(
    long JobId,
    string Name,
    string Comment,
    SlurmJobState State,
    string SlurmState,
    string Reason,
    string Partition,
    string Nodes,
    int Gpus,
    IReadOnlyList<string> GpuIndexes,
    int RestartCount,
    int? ExitCode,
    int? Signal,
    DateTimeOffset? SubmitTime,
    DateTimeOffset? StartTime,
    DateTimeOffset? EndTime)
{
    /// <summary>Gets a value indicating whether the job has finished (completed, failed, cancelled or preempted).</summary>
    public bool IsFinished => State is SlurmJobState.Completed or SlurmJobState.Failed or SlurmJobState.Cancelled or SlurmJobState.Preempted;
}
