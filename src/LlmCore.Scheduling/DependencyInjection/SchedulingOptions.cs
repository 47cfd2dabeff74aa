using System.ComponentModel.DataAnnotations;
using LlmCore.Scheduling.Policies;

namespace LlmCore.Scheduling.DependencyInjection;

/// <summary>
/// Options for the services that <c>AddLlmCoreScheduling</c> registers.
/// </summary>
/// <remarks>This type is mutable and not thread-safe; it is read once when the services are built.</remarks>
public sealed class SchedulingOptions
{
    /// <summary>Gets or sets the name of the scheduling policy, one of <see cref="SchedulingPolicy.Names"/> (case-insensitive).</summary>
    /// <value>The default value is <c>fifo</c>.</value>
    [Required]
    public string Policy { get; set; } = "fifo";

    /// <summary>Gets or sets a value indicating whether EASY backfill is on.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Backfill { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether preemption (priority, quota reclaim, SRTF/LAS ordering) is on.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Preemption { get; set; } = true;

    /// <summary>Gets or sets the parameters of the orderings (aging, 2D-LAS thresholds, multifactor weights).</summary>
    [Required]
    public PolicyParameters Parameters { get; set; } = new();

    /// <summary>Gets or sets the cluster; <see langword="null"/> means one local node with <see cref="LocalGpus"/> GPUs.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Cluster? Cluster { get; set; }

    /// <summary>Gets or sets the GPUs of the default local node (1..1024).</summary>
    /// <value>The default value is 8.</value>
    [Range(1, 1024)]
    public int LocalGpus { get; set; } = 8;

    /// <summary>Gets the tenant quotas; empty means any tenant and no quotas.</summary>
    public IList<TenantQuota> Tenants { get; } = [];

    /// <summary>Gets or sets the longest time between scheduling passes (aging, reservations); 1 ms to 1 hour.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan PassInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the half-life of fair-share usage decay (Slurm PriorityDecayHalfLife); zero disables decay.</summary>
    /// <value>The default value is 7 days.</value>
    public TimeSpan FairShareHalfLife { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Gets or sets the throughput of each job class on each GPU type (Gavel), or <see langword="null"/> for
    /// none: see <see cref="SchedulingPolicy.Throughputs"/>; <see cref="ThroughputMatrix.Load(string)"/> reads one from a
    /// file.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public ThroughputMatrix? Throughputs { get; set; }

    /// <summary>Gets or sets a value indicating whether the policy is the heterogeneity-aware variant of its ordering
    /// (see <see cref="SchedulingPolicy.HeterogeneityAware"/>); needs <see cref="Throughputs"/>, which validation
    /// checks.</summary>
    /// <value>The default value is <see langword="false"/> (heterogeneity-agnostic).</value>
    public bool HeterogeneityAware { get; set; }

    /// <summary>Builds the policy these options describe.</summary>
    /// <returns>The policy.</returns>
    public SchedulingPolicy CreatePolicy() => SchedulingPolicy.Create(Policy, Parameters, Backfill, Preemption) with
    {
        Throughputs = Throughputs,
        HeterogeneityAware = HeterogeneityAware,
    };
}
