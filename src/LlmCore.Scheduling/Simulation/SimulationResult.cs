using LlmCore.Scheduling.Metrics;

namespace LlmCore.Scheduling.Simulation;

/// <summary>The cluster at one instant of a simulation, after that instant's scheduling pass.</summary>
/// <param name="Seconds">The time, on the trace's clock.</param>
/// <param name="BusyGpus">GPUs allocated to running jobs.</param>
/// <param name="QueuedJobs">Jobs pending (waiting to start or restart).</param>
/// <remarks>This type is immutable and thread-safe.</remarks>
public readonly record struct ClusterSample(double Seconds, int BusyGpus, int QueuedJobs)
{
    /// <summary>Gets the jobs running.</summary>
    public int RunningJobs { get; init; }
}

/// <summary>What one tenant received.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Jobs">Its jobs.</param>
/// <param name="Completed">Its completed jobs.</param>
/// <param name="GpuSeconds">GPU-seconds of its run segments (including lost work).</param>
/// <param name="Share">Its fraction of all GPU-seconds used, in [0, 1].</param>
/// <param name="AvgJctSeconds">Mean JCT of its completed jobs (0 when none).</param>
/// <param name="ServiceRate">Σ gpus·duration over Σ gpus·JCT of its completed jobs, in [0, 1]: 1 means its jobs never waited.</param>
/// <remarks>This type is immutable and thread-safe.</remarks>
public sealed record TenantShare(string Tenant, int Jobs, int Completed, double GpuSeconds, double Share, double AvgJctSeconds, double ServiceRate);

/// <summary>Metrics of a simulation beyond <see cref="ScheduleMetrics"/>.</summary>
/// <param name="OfferedLoad">The trace's offered load on the cluster (<see cref="Trace.OfferedLoad"/>).</param>
/// <param name="Rejected">Jobs no placement in the cluster can ever satisfy.</param>
/// <param name="Failed">Jobs that ended failed (injected failures beyond the retries).</param>
/// <param name="Unfinished">Jobs still pending or running when the simulation stopped.</param>
/// <param name="LostGpuHours">GPU-hours of work lost to preemptions and failures (work since the last checkpoint, restart time included).</param>
/// <param name="RestartGpuHours">GPU-hours spent restoring checkpoints in runs that completed.</param>
/// <param name="LongestWaitSeconds">The longest time from submission to first start, over jobs that started.</param>
/// <param name="JainFairnessIndex">Jain's index over the tenants' <see cref="TenantShare.ServiceRate"/>: (Σx)² / (n·Σx²), in [1/n, 1].</param>
/// <param name="Tenants">Per-tenant shares, by tenant name.</param>
/// <param name="Passes">Scheduling passes run.</param>
/// <remarks>
/// Jain, Chiu and Hawe, "A Quantitative Measure of Fairness and Discrimination for Resource Allocation in Shared
/// Computer Systems", DEC-TR-301, 1984. This type is immutable and thread-safe.
/// </remarks>
public sealed record SimulationMetrics(
    double OfferedLoad,
    int Rejected,
    int Failed,
    int Unfinished,
    double LostGpuHours,
    double RestartGpuHours,
    double LongestWaitSeconds,
    double JainFairnessIndex,
    IReadOnlyList<TenantShare> Tenants,
    long Passes)
{
    /// <summary>
    /// Gets the mean over completed jobs of finish-time fairness ρ = JCT / T_isolated (Themis: Mahajan et al., NSDI 2020),
    /// where T_isolated is the job's run time on an equal 1/N share of the cluster, N the average number of jobs in the
    /// system (waiting or running) while it was; ρ ≤ 1 means the job did at least as well as on its fair share.
    /// </summary>
    /// <remarks>On a 1/N share the job gets n_t / N GPUs of each type t; its rate is min(fastest speed,
    /// Σ_t n_t·speed_t / (N·gpus)) of its speed on one full gang of the reference type (speed 1 for every type without a
    /// throughput matrix), so T_isolated = duration / rate.</remarks>
    public double FinishTimeFairnessMean { get; init; }

    /// <summary>Gets the largest finish-time fairness ρ over completed jobs (the job treated worst).</summary>
    public double FinishTimeFairnessMax { get; init; }

    /// <summary>Gets, per GPU type, the GPU-seconds of all run segments on that type over its GPUs × the makespan.</summary>
    public IReadOnlyDictionary<string, double> UtilizationByGpuType { get; init; } = new Dictionary<string, double>();

    /// <summary>Gets the number of elastic resizes (each a checkpoint and restart on another number of GPUs).</summary>
    public int Resizes { get; init; }
}

/// <summary>The outcome of a simulation.</summary>
/// <param name="Policy">The policy's name.</param>
/// <param name="Metrics">The headline metrics (the JSON keys of <c>llmcore schedule simulate</c>).</param>
/// <param name="Details">Further metrics.</param>
/// <param name="Jobs">Every job: submission and completion times.</param>
/// <param name="Segments">Every finished run segment, in the order they ended (empty when <see cref="SimulationOptions.KeepRunSegments"/> is off).</param>
/// <param name="OpenSegments">Runs still going when the simulation stopped, cut at the stop time (their outcome field is meaningless: <see cref="RunOutcome.Cancelled"/>).</param>
/// <param name="UnfinishedJobIds">Jobs pending or running at the stop, in submission order.</param>
/// <param name="Samples">The cluster after each instant's pass (utilization and queue length over time).</param>
/// <remarks>This type is immutable and thread-safe.</remarks>
public sealed record SimulationResult(
    string Policy,
    ScheduleMetrics Metrics,
    SimulationMetrics Details,
    IReadOnlyList<JobOutcomeRecord> Jobs,
    IReadOnlyList<JobRunSegment> Segments,
    IReadOnlyList<JobRunSegment> OpenSegments,
    IReadOnlyList<string> UnfinishedJobIds,
    IReadOnlyList<ClusterSample> Samples);
