namespace LlmCore.Scheduling.Slurm;

/// <summary>
/// One Slurm node with its GPUs, read from <c>GET /nodes</c>, so that LlmCore's cluster model can match the real cluster.
/// </summary>
/// <param name="Name">The node name (e.g. <c>n1</c>).</param>
/// <param name="State">Slurm's node state, lower case (<c>idle</c>, <c>mixed</c>, <c>allocated</c>, <c>down</c>, <c>drained</c>, ...).</param>
/// <param name="StateFlags">Slurm's state flags (e.g. <c>DRAIN</c>), possibly empty.</param>
/// <param name="Gpus">The number of GPUs configured (<c>gres</c>, summed over GPU types).</param>
/// <param name="GpusUsed">The number of GPUs allocated (<c>gres_used</c>).</param>
/// <param name="GpuType">The GPU type from <c>gres</c> (e.g. <c>a100</c> in <c>gpu:a100:8</c>), or <see langword="null"/> when untyped.</param>
/// <param name="Cpus">The number of CPUs.</param>
/// <param name="AllocatedCpus">The number of allocated CPUs.</param>
/// <param name="RealMemoryMb">The configured memory in MB.</param>
/// <param name="Partitions">The partitions the node belongs to.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record SlurmNode(
    string Name,
    string State,
    IReadOnlyList<string> StateFlags,
    int Gpus,
    int GpusUsed,
    string? GpuType,
    int Cpus,
    int AllocatedCpus,
    long RealMemoryMb,
    IReadOnlyList<string> Partitions)
{
    /// <summary>Gets a value indicating whether the node can run jobs (not down, drained, failing or invalid).</summary>
    public bool IsUsable
    {
        get
        {
            var s = State.ToUpperInvariant();
            if (s.Contains("DOWN", StringComparison.Ordinal) || s.Contains("DRAIN", StringComparison.Ordinal)
                || s.Contains("FAIL", StringComparison.Ordinal) || s.Contains("INVAL", StringComparison.Ordinal)
                || s.Contains("UNKNOWN", StringComparison.Ordinal))
            {
                return false;
            }

            foreach (var flag in StateFlags)
            {
                var f = flag.ToUpperInvariant();
                if (f.Contains("DRAIN", StringComparison.Ordinal) || f.Contains("FAIL", StringComparison.Ordinal)
                    || f.Contains("MAINT", StringComparison.Ordinal) || f.Contains("NOT_RESPONDING", StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }
    }
}

/// <summary>One Slurm partition, read from <c>GET /partitions</c>.</summary>
/// <param name="Name">The partition name.</param>
/// <param name="Nodes">The node list in Slurm's compressed form (e.g. <c>n[1-4]</c>).</param>
/// <param name="State">The partition state (<c>UP</c>, <c>DOWN</c>, ...).</param>
/// <param name="PriorityTier">The priority tier; with <c>PreemptType=preempt/partition_prio</c> a higher tier preempts a lower one.</param>
/// <param name="IsDefault">Whether it is the default partition.</param>
/// <param name="TotalNodes">The number of nodes.</param>
/// <param name="TotalCpus">The number of CPUs.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record SlurmPartition(string Name, string Nodes, string State, int PriorityTier, bool IsDefault, int TotalNodes, int TotalCpus);

/// <summary>The answer of <c>GET /ping</c>: whether slurmctld answers, and Slurm's version.</summary>
/// <param name="Hostname">The controller's host name.</param>
/// <param name="IsUp">Whether the controller answered <c>UP</c>.</param>
/// <param name="Mode">The controller's mode (<c>primary</c> or <c>backup</c>).</param>
/// <param name="SlurmVersion">Slurm's release (e.g. <c>22.05.8</c>), or an empty string when not reported.</param>
/// <param name="ApiVersion">The plugin that answered (e.g. <c>openapi/v0.0.38</c>).</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record SlurmPing(string Hostname, bool IsUp, string Mode, string SlurmVersion, string ApiVersion);

/// <summary>Scheduler statistics from <c>GET /diag</c>.</summary>
/// <param name="JobsSubmitted">Jobs submitted since the statistics were reset.</param>
/// <param name="JobsStarted">Jobs started.</param>
/// <param name="JobsCompleted">Jobs completed.</param>
/// <param name="JobsCanceled">Jobs cancelled.</param>
/// <param name="JobsFailed">Jobs failed.</param>
/// <param name="JobsPending">Jobs pending now.</param>
/// <param name="JobsRunning">Jobs running now.</param>
/// <param name="ScheduleCycleLastMicroseconds">The duration of the last scheduling cycle in microseconds.</param>
/// <param name="ScheduleCycleMeanMicroseconds">The mean duration of a scheduling cycle in microseconds.</param>
/// <param name="ServerThreadCount">slurmctld's active server threads.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record SlurmDiagnostics(
    long JobsSubmitted,
    long JobsStarted,
    long JobsCompleted,
    long JobsCanceled,
    long JobsFailed,
    long JobsPending,
    long JobsRunning,
    long ScheduleCycleLastMicroseconds,
    long ScheduleCycleMeanMicroseconds,
    int ServerThreadCount);
