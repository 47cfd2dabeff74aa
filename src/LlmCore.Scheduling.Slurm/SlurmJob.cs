namespace LlmCore.Scheduling.Slurm;

/// <summary>
/// What Slurm reports about one job (a subset of its fields), the same for every supported REST API version.
/// </summary>
/// <param name="JobId">Slurm's job id.</param>
/// <param name="Name">The job name (LlmCore puts its own job id here).</param>
/// <param name="Comment">The job comment, or an empty string.</param>
/// <param name="State">The mapped state.</param>
/// <param name="SlurmState">Slurm's own state name as <c>squeue</c> prints it, e.g. <c>PENDING</c> or <c>COMPLETING</c> (from v0.0.40 on, the list of <see cref="StateFlags"/> reduced by Slurm's own precedence: a flag such as <c>COMPLETING</c> before the base state).</param>
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
    /// <summary>Gets Slurm's state as sent: from v0.0.40 on the base state and its flags (e.g. <c>COMPLETED</c>, <c>COMPLETING</c>); with v0.0.38 the one state name.</summary>
    public IReadOnlyList<string> StateFlags { get; init; } = [];

    /// <summary>Gets the number of nodes allocated or requested (<c>node_count</c>), or 0 when not reported.</summary>
    public int NodeCount { get; init; }

    /// <summary>Gets the GPUs of the whole job: <see cref="Gpus"/> times <see cref="NodeCount"/> when they are per node, else <see cref="Gpus"/>.</summary>
    public int TotalGpus { get; init; }

    /// <summary>Gets how long the job's last run took (<see cref="EndTime"/> minus <see cref="StartTime"/>), or <see langword="null"/> when it has not both started and ended.</summary>
    public TimeSpan? Elapsed => StartTime is { } start && EndTime is { } end && end >= start ? end - start : null;

    /// <summary>Gets a value indicating whether the job has finished (completed, failed, cancelled or preempted).</summary>
    public bool IsFinished => State is SlurmJobState.Completed or SlurmJobState.Failed or SlurmJobState.Cancelled or SlurmJobState.Preempted;
}
