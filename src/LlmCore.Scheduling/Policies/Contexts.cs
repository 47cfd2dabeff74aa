using LlmCore.Scheduling.Internal;

namespace LlmCore.Scheduling.Policies;

/// <summary>Free capacity of a cluster as a scheduling pass sees it (down nodes have none).</summary>
/// <remarks>Not thread-safe: valid only during the call that receives it.</remarks>
public sealed class ClusterCapacityView
{
    internal ClusterCapacityView(Cluster cluster, int[] freeGpus, double[] freeCpu, double[] freeMemory, bool[] up)
    {
        Cluster = cluster;
        FreeGpusArray = freeGpus;
        FreeCpuArray = freeCpu;
        FreeMemoryArray = freeMemory;
        Up = up;
    }

    /// <summary>Gets the cluster.</summary>
    public Cluster Cluster { get; }

    internal int[] FreeGpusArray { get; }

    internal double[] FreeCpuArray { get; }

    internal double[] FreeMemoryArray { get; }

    internal bool[] Up { get; }

    internal int[]? GpuLimit { get; set; }

    internal double[]? CpuLimit { get; set; }

    internal double[]? MemoryLimit { get; set; }

    /// <summary>Gets a value indicating whether node <paramref name="node"/> is up.</summary>
    /// <param name="node">The node index.</param>
    /// <returns><see langword="true"/> when the node is up.</returns>
    public bool IsUp(int node) => Up[node];

    /// <summary>Gets the free GPUs of node <paramref name="node"/> (0 when down).</summary>
    /// <param name="node">The node index.</param>
    /// <returns>The free GPUs.</returns>
    public int FreeGpus(int node) => !Up[node] ? 0 : GpuLimit is { } l ? Math.Min(FreeGpusArray[node], l[node]) : FreeGpusArray[node];

    /// <summary>Gets the free CPU cores of node <paramref name="node"/>.</summary>
    /// <param name="node">The node index.</param>
    /// <returns>The free cores (infinite when not tracked).</returns>
    public double FreeCpu(int node) => CpuLimit is { } l ? Math.Min(FreeCpuArray[node], l[node]) : FreeCpuArray[node];

    /// <summary>Gets the free memory in GiB of node <paramref name="node"/>.</summary>
    /// <param name="node">The node index.</param>
    /// <returns>The free GiB (infinite when not tracked).</returns>
    public double FreeMemory(int node) => MemoryLimit is { } l ? Math.Min(FreeMemoryArray[node], l[node]) : FreeMemoryArray[node];

    /// <summary>Gets how many of <paramref name="job"/>'s GPUs node <paramref name="node"/> could host now (GPUs, CPU and memory).</summary>
    /// <param name="job">The job.</param>
    /// <param name="node">The node index.</param>
    /// <returns>The GPUs the node can give the job.</returns>
    public int UsableGpus(JobSpec job, int node)
    {
        ArgumentNullException.ThrowIfNull(job);
        var gpus = FreeGpus(node);
        if (gpus == 0)
        {
            return 0;
        }

        if (job.CpuCores > 0)
        {
            gpus = (int)Math.Min(gpus, Math.Floor((FreeCpu(node) / job.CpuPerGpu) + 1e-9));
        }

        if (job.MemoryGib > 0)
        {
            gpus = (int)Math.Min(gpus, Math.Floor((FreeMemory(node) / job.MemoryPerGpu) + 1e-9));
        }

        return Math.Max(0, gpus);
    }
}

/// <summary>What an ordering may read during a pass: the time, the cluster and each tenant's share and usage.</summary>
/// <remarks>Not thread-safe: valid only during the call that receives it.</remarks>
public sealed class OrderingContext
{
    internal OrderingContext(DateTimeOffset now, Cluster cluster, TenantLedger ledger)
    {
        Now = now;
        Cluster = cluster;
        Ledger = ledger;
    }

    /// <summary>Gets the pass's time.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>Gets the cluster.</summary>
    public Cluster Cluster { get; }

    internal TenantLedger Ledger { get; }

    /// <summary>Gets the tenant's fair-share weight divided by the sum of all tenants' weights (in (0, 1]).</summary>
    /// <param name="job">A job of the tenant.</param>
    /// <returns>The normalized share.</returns>
    public double NormalizedShare(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return Ledger.Weights[job.TenantIndex] / Ledger.TotalWeight;
    }

    /// <summary>Gets the tenant's fair-share weight.</summary>
    /// <param name="job">A job of the tenant.</param>
    /// <returns>The weight (&gt; 0).</returns>
    public double Weight(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return Ledger.Weights[job.TenantIndex];
    }

    /// <summary>Gets the tenant's decayed GPU usage divided by all tenants' decayed usage (in [0, 1]; 0 before any use).</summary>
    /// <param name="job">A job of the tenant.</param>
    /// <returns>The normalized usage.</returns>
    public double NormalizedUsage(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var total = 0.0;
        for (var t = 0; t < Ledger.Count; t++)
        {
            total += Ledger.DecayedUsageAt(t, Now);
        }

        return total <= 0 ? 0 : Ledger.DecayedUsageAt(job.TenantIndex, Now) / total;
    }

    /// <summary>Gets the tenant's dominant share of the cluster right now: max over GPUs, CPU and memory of allocated / capacity.</summary>
    /// <param name="job">A job of the tenant.</param>
    /// <returns>The dominant share (DRF, Ghodsi et al. 2011).</returns>
    public double DominantShare(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return Ledger.DominantShare(job.TenantIndex, 0, 0, 0);
    }

    internal double DominantShareWith(int tenant, double gpus, double cpu, double memory) => Ledger.DominantShare(tenant, gpus, cpu, memory);
}

/// <summary>What an admission policy may read: each tenant's quota and the GPUs it uses at this point of the pass.</summary>
/// <remarks>Not thread-safe: valid only during the call that receives it.</remarks>
public sealed class AdmissionContext
{
    internal AdmissionContext(TenantLedger ledger, int[] usedGpus)
    {
        Ledger = ledger;
        UsedGpusArray = usedGpus;
    }

    internal TenantLedger Ledger { get; }

    internal int[] UsedGpusArray { get; }

    /// <summary>Gets the quota of the job's tenant, or <see langword="null"/> when quotas are not configured.</summary>
    /// <param name="job">The job.</param>
    /// <returns>The quota.</returns>
    public TenantQuota? QuotaOf(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return Ledger.Quotas[job.TenantIndex];
    }

    /// <summary>Gets the GPUs the job's tenant uses (running and admitted earlier in this pass).</summary>
    /// <param name="job">The job.</param>
    /// <returns>The GPUs in use.</returns>
    public int UsedGpus(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return UsedGpusArray[job.TenantIndex];
    }

    /// <summary>Gets the GPUs borrowed by all tenants of <paramref name="cohort"/> and the GPUs its members lend (unused nominal quota within lending limits).</summary>
    /// <param name="cohort">The cohort.</param>
    /// <returns>The borrowed total and the lendable pool.</returns>
    public (int Borrowed, int Lendable) Cohort(string cohort)
    {
        var borrowed = 0;
        var lendable = 0;
        for (var t = 0; t < Ledger.Count; t++)
        {
            if (Ledger.Quotas[t] is not { } q || !string.Equals(q.Cohort, cohort, StringComparison.Ordinal))
            {
                continue;
            }

            var used = UsedGpusArray[t];
            if (used > q.NominalGpus)
            {
                borrowed += used - q.NominalGpus;
            }
            else
            {
                lendable += Math.Min(q.LendingLimitGpus ?? int.MaxValue, q.NominalGpus - used);
            }
        }

        return (borrowed, lendable);
    }
}
