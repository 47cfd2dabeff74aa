using LlmCore.Scheduling.Internal;

namespace LlmCore.Scheduling.Policies;

/// <summary>Decides whether a job may be admitted as far as quotas go (gang and placement checks are the engine's).</summary>
/// <remarks>Implementations must be deterministic and monotone in the job's size (a tenant refused g GPUs of a type is
/// refused more); they are called from one thread at a time.</remarks>
public interface IAdmissionPolicy
{
    /// <summary>Checks the job against the quotas, for the GPU type in <see cref="AdmissionContext.GpuType"/> when it is set.</summary>
    /// <param name="job">The job.</param>
    /// <param name="context">Quotas and usage at this point of the pass.</param>
    /// <returns><see langword="null"/> to admit, else a human-readable reason.</returns>
    string? Check(Job job, AdmissionContext context);
}

/// <summary>
/// An admission policy whose verdict on a job of a tenant without per-type quotas depends only on the tenants' usage and
/// the GPUs the job asks for (not on its priority, types or other fields), and never turns from a refusal into an
/// admission as usage or the size grows. Usage only grows during a pass until a preemption, so once every tenant is
/// refused a single GPU no later job of the pass can be admitted and the pass may stop its walk.
/// </summary>
/// <remarks>Implemented by <see cref="CohortQuotaAdmission"/>; the planner asks for this capability, not for a class.</remarks>
internal interface IUsageAndSizeAdmission : IAdmissionPolicy
{
}

/// <summary>
/// Kueue-style tenant quotas: a tenant may use its nominal GPUs; above that it borrows, up to its borrowing limit,
/// from the unused nominal quota its cohort lends (each lender within its lending limit). With per-type quotas
/// (<see cref="TenantQuota.Flavors"/>) the same rules hold per GPU type: the pass asks for each type the tenant lists,
/// in its order, and places the job on the first admitted type with room. Without configured quotas every job is admitted.
/// </summary>
/// <remarks>Kueue ClusterQueue <c>nominalQuota</c>, <c>borrowingLimit</c>, <c>lendingLimit</c>, cohorts and
/// ResourceFlavors with fungibility. Refusal texts are built once per tenant, type and verdict until usage changes.
/// Stateless and thread-safe.</remarks>
internal sealed class CohortQuotaAdmission : IUsageAndSizeAdmission
{
    /// <summary>Gets a shared instance.</summary>
    public static CohortQuotaAdmission Instance { get; } = new();

    /// <inheritdoc/>
    public string? Check(Job job, AdmissionContext context)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(context);
        var verdict = Evaluate(job, context);
        if (verdict == QuotaVerdict.Admit)
        {
            return null;
        }

        return context.TryGetCachedText(job.TenantIndex, (int)verdict, out var text)
            ? text
            : context.CacheText(job.TenantIndex, (int)verdict, Explain(verdict, job, context));
    }

    /// <summary>The decision of <see cref="Check"/> without its text (no allocation).</summary>
    internal static QuotaVerdict Evaluate(Job job, AdmissionContext context)
    {
        if (context.QuotaOf(job) is not { } quota)
        {
            return QuotaVerdict.Admit;
        }

        if (quota.Flavors.Count > 0)
        {
            return EvaluateFlavor(job, quota, context);
        }

        var used = context.UsedGpus(job);
        var verdict = Verdict(context.RequestedGpus(job), used, quota.NominalGpus, quota.BorrowingLimitGpus, out var borrowNeeded);
        if (verdict != QuotaVerdict.CohortExhausted)
        {
            return verdict;
        }

        var (borrowed, pool) = Pool(quota.NominalGpus, quota.LendingLimitGpus, used, context.Cohort(quota.Cohort));
        return borrowed + borrowNeeded > pool ? QuotaVerdict.CohortExhausted : QuotaVerdict.Admit;
    }

    /// <summary>The text of a refusal. It depends only on the tenant, the type and the usage in <paramref name="context"/>,
    /// not on the job's size, so a pass may reuse it for every job of the tenant until usage changes.</summary>
    internal static string Explain(QuotaVerdict verdict, Job job, AdmissionContext context)
    {
        var quota = context.QuotaOf(job)!;
        if (quota.Flavors.Count > 0)
        {
            var type = context.GpuType;
            var flavor = type is null ? null : quota.Flavor(type);
            if (flavor is null)
            {
                return $"tenant {quota.Name} has no quota for {(type is null ? "any acceptable GPU type" : type + " GPUs")} (its flavours: {string.Join(", ", quota.Flavors.Select(f => f.GpuType))})";
            }

            var usedOfType = context.UsedGpus(job, flavor.GpuType);
            if (verdict == QuotaVerdict.OverBorrowingLimit)
            {
                return $"tenant {quota.Name} has used its {flavor.GpuType} quota ({usedOfType}/{flavor.NominalGpus} GPUs, may borrow {flavor.BorrowingLimitGpus})";
            }

            var (borrowedOfType, poolOfType) = Pool(flavor.NominalGpus, flavor.LendingLimitGpus, usedOfType, context.Cohort(quota.Cohort, flavor.GpuType));
            return $"tenant {quota.Name} has used its {flavor.GpuType} quota ({usedOfType}/{flavor.NominalGpus} GPUs) and cohort {quota.Cohort} has {Math.Max(0, poolOfType - borrowedOfType)} {flavor.GpuType} GPUs to lend";
        }

        var used = context.UsedGpus(job);
        if (verdict == QuotaVerdict.OverBorrowingLimit)
        {
            return $"tenant {quota.Name} has used its quota ({used}/{quota.NominalGpus} GPUs, may borrow {quota.BorrowingLimitGpus})";
        }

        var (borrowed, pool) = Pool(quota.NominalGpus, quota.LendingLimitGpus, used, context.Cohort(quota.Cohort));
        return $"tenant {quota.Name} has used its quota ({used}/{quota.NominalGpus} GPUs) and cohort {quota.Cohort} has {Math.Max(0, pool - borrowed)} GPUs to lend";
    }

    /// <summary>The most GPUs (of <paramref name="gpuType"/>, or of any type without flavours) the tenant could ever hold:
    /// its nominal quota plus what it may borrow from what its cohort could lend; <see langword="null"/> without quotas.</summary>
    internal static int? Ceiling(TenantLedger ledger, int tenant, string? gpuType)
    {
        if (ledger.Quotas[tenant] is not { } q)
        {
            return null;
        }

        if (q.Flavors.Count > 0)
        {
            if (gpuType is null || q.Flavor(gpuType) is not { } own)
            {
                return 0;
            }

            long lendableOfType = 0;
            for (var t = 0; t < ledger.Count; t++)
            {
                if (t != tenant && ledger.Quotas[t] is { } other && string.Equals(other.Cohort, q.Cohort, StringComparison.Ordinal) && other.Flavor(gpuType) is { } f)
                {
                    lendableOfType += Math.Min(f.LendingLimitGpus ?? int.MaxValue, f.NominalGpus);
                }
            }

            return (int)Math.Min(int.MaxValue, own.NominalGpus + Math.Min(own.BorrowingLimitGpus ?? int.MaxValue, lendableOfType));
        }

        long lendable = 0;
        for (var t = 0; t < ledger.Count; t++)
        {
            if (t != tenant && ledger.Quotas[t] is { } other && string.Equals(other.Cohort, q.Cohort, StringComparison.Ordinal))
            {
                lendable += Math.Min(other.LendingLimitGpus ?? int.MaxValue, other.NominalGpus);
            }
        }

        return (int)Math.Min(int.MaxValue, q.NominalGpus + Math.Min(q.BorrowingLimitGpus ?? int.MaxValue, lendable));
    }

    private static QuotaVerdict EvaluateFlavor(Job job, TenantQuota quota, AdmissionContext context)
    {
        if (context.GpuType is not { } type)
        {
            // Asked for every acceptable type at once: admitted when one of the tenant's flavours admits.
            var best = QuotaVerdict.NoFlavor;
            foreach (var f in quota.Flavors)
            {
                var t = context.Cluster.TypeIndex(f.GpuType);
                if (t < 0 || !Accepts(job.Spec, f.GpuType))
                {
                    continue;
                }

                context.GpuTypeIndex = t;
                var v = EvaluateFlavor(job, quota, context);
                context.GpuTypeIndex = -1;
                if (v == QuotaVerdict.Admit)
                {
                    return v;
                }

                best = best == QuotaVerdict.NoFlavor ? v : best;
            }

            return best;
        }

        if (quota.Flavor(type) is not { } flavor)
        {
            return QuotaVerdict.NoFlavor;
        }

        var used = context.UsedGpus(job, type);
        var verdict = Verdict(context.RequestedGpus(job), used, flavor.NominalGpus, flavor.BorrowingLimitGpus, out var borrowNeeded);
        if (verdict != QuotaVerdict.CohortExhausted)
        {
            return verdict;
        }

        var (borrowed, pool) = Pool(flavor.NominalGpus, flavor.LendingLimitGpus, used, context.Cohort(quota.Cohort, type));
        return borrowed + borrowNeeded > pool ? QuotaVerdict.CohortExhausted : QuotaVerdict.Admit;
    }

    private static bool Accepts(JobSpec spec, string gpuType)
    {
        if (spec.GpuTypes.Count == 0)
        {
            return true;
        }

        foreach (var t in spec.GpuTypes)
        {
            if (string.Equals(t, gpuType, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Admit within the nominal quota, refuse over the borrowing limit, else <see cref="QuotaVerdict.CohortExhausted"/>
    /// meaning "ask the cohort's pool for <paramref name="borrowNeeded"/> GPUs".</summary>
    private static QuotaVerdict Verdict(int gpus, int used, int nominal, int? borrowingLimit, out int borrowNeeded)
    {
        var after = used + gpus;
        borrowNeeded = 0;
        if (after <= nominal)
        {
            return QuotaVerdict.Admit;
        }

        borrowNeeded = after - Math.Max(used, nominal);
        var borrowAfter = after - nominal;
        return borrowingLimit is { } limit && borrowAfter > limit ? QuotaVerdict.OverBorrowingLimit : QuotaVerdict.CohortExhausted;
    }

    private static (int Borrowed, int Pool) Pool(int nominal, int? lendingLimit, int used, (int Borrowed, int Lendable) cohort)
    {
        // Unused nominal quota of the job's own tenant is counted as lendable: remove it, it becomes this job's.
        var ownUnused = Math.Max(0, nominal - used);
        return (cohort.Borrowed, cohort.Lendable - Math.Min(lendingLimit ?? int.MaxValue, ownUnused));
    }
}

/// <summary>The outcome of <see cref="CohortQuotaAdmission"/> for one job.</summary>
internal enum QuotaVerdict
{
    /// <summary>Admitted.</summary>
    Admit,

    /// <summary>Borrowing would exceed the tenant's borrowing limit.</summary>
    OverBorrowingLimit,

    /// <summary>The cohort has not enough to lend.</summary>
    CohortExhausted,

    /// <summary>The tenant has no quota for the type.</summary>
    NoFlavor,
}

/// <summary>Scores preemption victims; the engine preempts the cheapest eligible victims until the job fits.</summary>
/// <remarks>
/// Under a preemptive ordering (<c>srtf</c>, <c>las</c>) the cost only breaks ties: the engine takes the eligible victims
/// of lowest priority first, then the ones the ordering ranks last (the largest running key: the longest remaining time,
/// the last LAS queue), then the cheapest. Taking the cheapest first there would preempt a job that ranks before another
/// running job and let it preempt that one in turn: on a 1,000,000-job SRTF trace that cascade made 4.3 million
/// preemptions instead of 0.87 million and lost twice the work. Under other orderings the cost decides, then lower
/// priority, then the newest submission. Implementations must be deterministic; they are called from one thread at a time.
/// </remarks>
public interface IPreemptionPolicy
{
    /// <summary>Gets the cost of preempting <paramref name="victim"/> at <paramref name="now"/> (smaller is preempted first).</summary>
    /// <param name="victim">A running, preemptible job.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The cost.</returns>
    double VictimCost(Job victim, DateTimeOffset now);
}

/// <summary>
/// A victim cost that is exactly <c>g · (lost + R)</c>: g the victim's running GPUs, lost what
/// <see cref="Job.SecondsSinceCheckpoint"/> returns, R its spec's restart cost in seconds. The engine's
/// <see cref="Internal.VictimIndex"/> orders running jobs by this cost without costing each, so it is kept only for a
/// policy that declares it.
/// </summary>
/// <remarks>Implemented by <see cref="LeastLostWorkPreemption"/>; the engine asks for this capability, not for a class.</remarks>
internal interface ILostWorkVictimCost : IPreemptionPolicy
{
}

/// <summary>Preempts the victims that lose the least work: GPUs × seconds since their last checkpoint, plus the restart cost they will pay.</summary>
/// <remarks>The lost work is charged to the restarted job (its attained service and <see cref="Job.LostGpuSeconds"/>).
/// Stateless and thread-safe.</remarks>
internal sealed class LeastLostWorkPreemption : ILostWorkVictimCost
{
    /// <summary>Gets a shared instance.</summary>
    public static LeastLostWorkPreemption Instance { get; } = new();

    /// <inheritdoc/>
    public double VictimCost(Job victim, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(victim);
        return victim.RunningGpus * (victim.SecondsSinceCheckpoint(now) + victim.Spec.RestartCost.TotalSeconds);
    }
}

/// <summary>A scheduling policy: ordering + admission + placement + preemption, and whether EASY backfill and preemption are on.</summary>
/// <remarks>Immutable and thread-safe when its parts are.</remarks>
/// <param name="Ordering">Which pending job goes first.</param>
/// <param name="Admission">Quota admission.</param>
/// <param name="Placement">Where a gang goes.</param>
/// <param name="Preemption">Victim choice.</param>
/// <param name="Backfill">EASY backfill: later jobs start early when they do not delay the head job's reservation; off means strict order (the head blocks).</param>
/// <param name="PreemptionEnabled">Whether priority, quota-reclaim and ordering preemption happen.</param>
public sealed record SchedulingPolicy(
    IJobOrdering Ordering,
    IAdmissionPolicy Admission,
    IPlacementStrategy Placement,
    IPreemptionPolicy Preemption,
    bool Backfill = true,
    bool PreemptionEnabled = true)
{
    /// <summary>Gets the policy names <see cref="Create(string, bool, bool)"/> accepts, from the one registry of named
    /// orderings (each name is the <see cref="IJobOrdering.Name"/> of the ordering it creates).</summary>
    public static IReadOnlyList<string> Names => PolicyCatalog.Names;

    /// <summary>Gets the name of the ordering.</summary>
    public string Name => Ordering.Name;

    /// <summary>Gets the throughput of each job class on each GPU type, or <see langword="null"/>. With a matrix, a run of a
    /// job whose <see cref="JobSpec.JobClass"/> is in it progresses at the class's speed on the GPU type it got (relative to
    /// the matrix's reference type), and a class never runs on a type where its throughput is 0.</summary>
    public ThroughputMatrix? Throughputs { get; init; }

    /// <summary>
    /// Gets a value indicating whether the policy is the heterogeneity-aware variant of its ordering (needs
    /// <see cref="Throughputs"/>): a job is placed on the acceptable GPU types in order of its normalised throughput (its
    /// speed on a type relative to the mean speed of all classes there, so a job goes where it has the largest comparative
    /// advantage), and attained service (2D-LAS) counts normalised GPU-seconds, GPUs × seconds × speed. Without it the
    /// ordering is heterogeneity-agnostic: types in the job's or the cluster's order, service in plain GPU-seconds.
    /// </summary>
    /// <remarks>After Narayanan et al., "Heterogeneity-Aware Cluster Scheduling Policies for Deep Learning Workloads"
    /// (Gavel), OSDI 2020, which expresses policies over normalised effective throughput.</remarks>
    public bool HeterogeneityAware { get; init; }

    /// <summary>Gets whether service counts in normalised GPU-seconds: <see cref="HeterogeneityAware"/> with a
    /// <see cref="Throughputs"/> matrix (the one condition the ordering context, the victim index and the simulator's
    /// queue-change wake-ups share).</summary>
    internal bool CountsNormalizedService => HeterogeneityAware && Throughputs is not null;

    /// <summary>
    /// Gets a one-line warning when this configuration keeps the ordering from behaving as its name says, or
    /// <see langword="null"/>: a preemptive ordering (<c>srtf</c>, <c>las</c>) with preemption off never preempts, so
    /// <c>las</c> degenerates to first-come first-served for jobs that never ran and <c>srtf</c> to shortest job first.
    /// </summary>
    public string? ConfigurationWarning => Ordering.IsPreemptive && !PreemptionEnabled
        ? $"policy {Ordering.Name} is preemptive by definition but preemption is off: running jobs are never preempted, so it only orders the queue ({(string.Equals(Ordering.Name, "las", StringComparison.Ordinal) ? "jobs that never ran all rank alike, as in FIFO" : "as a non-preemptive ordering")})"
        : null;

    /// <summary>Gets the most pending jobs that may preempt others in one pass (≥ 0); later ones wait for the next pass.</summary>
    /// <value>The default value is 8. It bounds a pass's cost: each preemption attempt scans the running jobs.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaxPreemptorsPerPass
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(MaxPreemptorsPerPass));
            field = value;
        }
    } = 8;

    /// <summary>Creates a policy by name with default parameters, quota admission, best-fit placement and least-lost-work preemption.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="backfill">Whether EASY backfill is on.</param>
    /// <param name="preemption">Whether preemption is on.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is unknown.</exception>
    public static SchedulingPolicy Create(string name, bool backfill = true, bool preemption = true) =>
        Create(name, new PolicyParameters(), backfill, preemption);

    /// <summary>Creates a policy by name with the given parameters.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="parameters">The ordering parameters.</param>
    /// <param name="backfill">Whether EASY backfill is on.</param>
    /// <param name="preemption">Whether preemption is on.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is unknown.</exception>
    public static SchedulingPolicy Create(string name, PolicyParameters parameters, bool backfill = true, bool preemption = true)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(parameters);
        var ordering = PolicyCatalog.CreateOrdering(name, parameters)
            ?? throw new ArgumentException($"Unknown policy '{name}'; expected one of {string.Join(", ", Names)}.", nameof(name));
        return new SchedulingPolicy(ordering, CohortQuotaAdmission.Instance, BestFitTopologyPlacement.Instance, LeastLostWorkPreemption.Instance, backfill, preemption);
    }
}

/// <summary>Parameters of the named orderings.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record PolicyParameters
{
    /// <summary>Gets the priority points per hour of waiting for <c>priority</c> (≥ 0).</summary>
    /// <value>The default value is 10 (a <c>low</c> job overtakes new <c>normal</c> ones after 10 hours).</value>
    public double AgingPointsPerHour { get; init; } = 10;

    /// <summary>Gets the 2D-LAS queue thresholds in GPU-seconds for <c>las</c>.</summary>
    /// <value>The default value is 1 GPU-hour and 10 GPU-hours.</value>
    public IReadOnlyList<double> LasThresholdsGpuSeconds { get; init; } = [3600, 36000];

    /// <summary>Gets the 2D-LAS starvation promote knob for <c>las</c> (0 disables).</summary>
    /// <value>The default value is 8.</value>
    public double LasStarvationFactor { get; init; } = 8;

    /// <summary>Gets the weights for <c>multifactor</c>.</summary>
    public MultifactorWeights Multifactor { get; init; } = new();
}
