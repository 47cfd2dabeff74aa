using LlmCore.Scheduling.Internal;
using LlmCore.Scheduling.Policies;

namespace LlmCore.Scheduling.Simulation;

/// <summary>Where SJF, SRTF and backfill get their runtime estimates from in a simulation.</summary>
public enum RuntimeEstimateMode
{
    /// <summary>The estimate is the trace's true duration (an oracle, as in the Helios and Alibaba PAI simulators).</summary>
    Perfect = 0,

    /// <summary>The true duration times a log-normal error <c>exp(σ·Z)</c>, Z ~ N(0, 1), seeded per job.</summary>
    Noisy = 1,

    /// <summary>No estimate: SJF and SRTF fall back to submission order and backfill cannot reserve.</summary>
    None = 2,
}

/// <summary>A node failure to inject: the node goes down at <paramref name="AtSeconds"/> and comes back after <paramref name="RepairSeconds"/>.</summary>
/// <param name="Node">The node index, from 0.</param>
/// <param name="AtSeconds">When it fails, on the trace's clock.</param>
/// <param name="RepairSeconds">How long it stays down, ≥ 0 (infinite: it never comes back).</param>
/// <remarks>This type is immutable and thread-safe.</remarks>
public sealed record NodeFailure(int Node, double AtSeconds, double RepairSeconds);

/// <summary>The settings of a <see cref="Simulator"/> run.</summary>
/// <remarks>This type is immutable and thread-safe.</remarks>
public sealed record SimulationOptions
{
    /// <summary>Gets where runtime estimates come from.</summary>
    /// <value>The default value is <see cref="RuntimeEstimateMode.Perfect"/>.</value>
    public RuntimeEstimateMode RuntimeEstimates { get; init; } = RuntimeEstimateMode.Perfect;

    /// <summary>Gets σ of the log-normal estimate error for <see cref="RuntimeEstimateMode.Noisy"/>, finite and ≥ 0.</summary>
    /// <value>The default value is 1 (estimates within a factor e of the truth about 68% of the time).</value>
    public double EstimateErrorSigma
    {
        get;
        init => field = Guard.NonNegativeFinite(value, nameof(EstimateErrorSigma));
    } = 1;

    /// <summary>Gets how often every job checkpoints; a preempted or failed run loses the work since its last checkpoint. <see langword="null"/>: no checkpoints (all work lost).</summary>
    /// <value>The default value is 10 minutes.</value>
    public TimeSpan? CheckpointInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets the time a restarted run spends restoring its checkpoint before making progress, ≥ 0.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan RestartCost { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets the seed of every random choice (estimate noise, injected job failures).</summary>
    /// <value>The default value is 1.</value>
    public int Seed { get; init; } = 1;

    /// <summary>Gets the probability that a run fails at a uniformly random point of its run, in [0, 1].</summary>
    /// <value>The default value is 0.</value>
    public double JobFailureProbability
    {
        get;
        init => field = Guard.Probability(value, nameof(JobFailureProbability));
    }

    /// <summary>Gets how many times a failed run is retried (requeued, keeping its checkpointed progress) before the job ends failed, ≥ 0.</summary>
    /// <value>The default value is 3.</value>
    public int MaxRetries
    {
        get;
        init => field = Guard.NonNegative(value, nameof(MaxRetries));
    } = 3;

    /// <summary>Gets node failures to inject.</summary>
    /// <value>The default value is none.</value>
    public IReadOnlyList<NodeFailure> NodeFailures { get; init; } = [];

    /// <summary>Gets the time (trace clock) at which to stop; jobs still pending or running then are reported unfinished. <see langword="null"/>: run until every job ends.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public double? UntilSeconds { get; init; }

    /// <summary>Gets tenant quotas; empty means any tenant and no quotas.</summary>
    /// <value>The default value is empty.</value>
    public IReadOnlyList<TenantQuota> Tenants { get; init; } = [];

    /// <summary>Gets the fair-share usage half-life; <see langword="null"/> uses the engine's default (7 days).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public TimeSpan? FairShareHalfLife { get; init; }

    /// <summary>Gets the instant that trace time 0 maps to (only visible in fair-share decay and reasons).</summary>
    /// <value>The default value is 2017-10-01T00:00:00Z, the Philly traces' epoch.</value>
    public DateTimeOffset Epoch { get; init; } = new(2017, 10, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Gets the extra scheduling passes allowed at one instant after a pass that preempted (a pass starts at most <see cref="SchedulingPolicy.MaxPreemptorsPerPass"/> preemptors), ≥ 0.</summary>
    /// <value>The default value is 8.</value>
    public int MaxExtraPassesPerInstant
    {
        get;
        init => field = Guard.NonNegative(value, nameof(MaxExtraPassesPerInstant));
    } = 8;

    /// <summary>
    /// Gets whether <see cref="SimulationResult.Segments"/> keeps every finished run segment. Turn it off when only the
    /// metrics are wanted: on a trace of 1,000,000 jobs the segments (one or more per job, each with its placement text)
    /// are a few hundred MB. The metrics are the same either way.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool KeepRunSegments { get; init; } = true;
}
