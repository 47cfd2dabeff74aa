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

    internal ClusterCapacityView(CapacityLedger ledger)
        : this(ledger.Cluster, ledger.FreeGpus, ledger.FreeCpu, ledger.FreeMemory, ledger.Up)
    {
        Ledger = ledger;
    }

    /// <summary>Gets the cluster.</summary>
    public Cluster Cluster { get; }

    internal int[] FreeGpusArray { get; }

    internal double[] FreeCpuArray { get; }

    internal double[] FreeMemoryArray { get; }

    internal bool[] Up { get; }

    /// <summary>The ledger behind the arrays, whose per-domain sums and free-GPU index answer without scanning nodes;
    /// <see langword="null"/> for a view over bare arrays.</summary>
    internal CapacityLedger? Ledger { get; }

    internal int[]? GpuLimit { get; set; }

    internal double[]? CpuLimit { get; set; }

    internal double[]? MemoryLimit { get; set; }

    /// <summary>The GPU types (indices) the pass allows the current job, in the order to try them, or <see langword="null"/>
    /// for the job's own list (or every type in cluster order when it names none).</summary>
    internal int[]? TypeOrder { get; set; }

    /// <summary>Clears the pass's limits and type order (the engine reuses one view per pass).</summary>
    internal void Reset()
    {
        GpuLimit = null;
        CpuLimit = null;
        MemoryLimit = null;
        TypeOrder = null;
    }

    /// <summary>Whether the ledger's sums and index are exact for <paramref name="job"/>: free GPUs are what the job
    /// can use on every up node (no backfill limit, and the job needs no CPU or memory).</summary>
    internal bool SumsExactFor(JobSpec job) => Ledger is not null && GpuLimit is null && job.CpuCores <= 0 && job.MemoryGib <= 0;

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

    /// <summary>
    /// Gets the GPU types <paramref name="job"/> may be placed on now, in the order to try them: the pass's order when it
    /// chose one (a tenant's flavour order, or the heterogeneity-aware order by normalised throughput), else the job's
    /// own preference list, else every type of the cluster in order. Placement strategies place only on these.
    /// </summary>
    /// <param name="job">The job.</param>
    /// <returns>The type names, in order.</returns>
    public IReadOnlyList<string> AcceptableGpuTypes(JobSpec job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return [.. TypesToTry(job).Select(t => Cluster.GpuTypes[t])];
    }

    /// <summary>The indices behind <see cref="AcceptableGpuTypes"/>.</summary>
    internal IEnumerable<int> TypesToTry(JobSpec job)
    {
        if (TypeOrder is { } order)
        {
            return order;
        }

        if (job.GpuTypes.Count == 0)
        {
            return Enumerable.Range(0, Cluster.GpuTypes.Count);
        }

        return job.GpuTypes.Select(Cluster.TypeIndex).Where(t => t >= 0);
    }

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
    private double[]? _usage;
    private double _usageTotal;
    private double[] _tenantValues = [];
    private long[] _tenantStamps = [];
    private long _stamp = 1;

    internal OrderingContext(DateTimeOffset now, Cluster cluster, TenantLedger ledger, bool heterogeneityAware = false)
    {
        Now = now;
        Cluster = cluster;
        Ledger = ledger;
        HeterogeneityAware = heterogeneityAware;
    }

    /// <summary>Makes this context the one of a new pass at <paramref name="now"/> (the engine reuses one per pass).</summary>
    internal void Reset(DateTimeOffset now)
    {
        Now = now;
        _usage = null;
        _usageTotal = 0;
        _stamp++;
    }

    /// <summary>The number of values <see cref="TenantValues"/> keeps per tenant.</summary>
    internal const int ValuesPerTenant = 3;

    /// <summary>
    /// Room for <see cref="ValuesPerTenant"/> values of a tenant that an <see cref="IGroupedKeys"/> ordering keeps for the
    /// rest of the pass (e.g. the tenant's usage at the pass's start); <paramref name="fresh"/> is <see langword="true"/>
    /// at the first call for the tenant since <see cref="Reset"/>, when the caller fills them.
    /// </summary>
    internal Span<double> TenantValues(int tenant, out bool fresh)
    {
        if (tenant >= _tenantStamps.Length)
        {
            var size = Math.Max(tenant + 1, Math.Max(4, 2 * _tenantStamps.Length));
            Array.Resize(ref _tenantStamps, size);
            Array.Resize(ref _tenantValues, size * ValuesPerTenant);
        }

        fresh = _tenantStamps[tenant] != _stamp;
        _tenantStamps[tenant] = _stamp;
        return _tenantValues.AsSpan(tenant * ValuesPerTenant, ValuesPerTenant);
    }

    /// <summary>Gets a value indicating whether the policy is heterogeneity-aware: service counts in normalised
    /// GPU-seconds (GPUs × seconds × the run's speed relative to the reference GPU type) instead of plain GPU-seconds.</summary>
    public bool HeterogeneityAware { get; }

    /// <summary>Gets the service <paramref name="job"/> has attained by <see cref="Now"/>: normalised GPU-seconds when
    /// <see cref="HeterogeneityAware"/>, else GPU-seconds (Tiresias' 2D attained service).</summary>
    /// <param name="job">The job.</param>
    /// <returns>The attained service.</returns>
    public double AttainedService(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return HeterogeneityAware ? job.AttainedNormalizedGpuSeconds(Now) : job.AttainedGpuSeconds(Now);
    }

    /// <summary>Each tenant's decayed usage at <see cref="Now"/> and their sum, computed once per context.</summary>
    internal (double[] Usage, double Total) DecayedUsage()
    {
        if (_usage is null || _usage.Length != Ledger.Count)
        {
            _usage = new double[Ledger.Count];
            _usageTotal = 0;
            for (var t = 0; t < _usage.Length; t++)
            {
                _usage[t] = Ledger.DecayedUsageAt(t, Now);
                _usageTotal += _usage[t];
            }
        }

        return (_usage, _usageTotal);
    }

    /// <summary>Gets the pass's time.</summary>
    public DateTimeOffset Now { get; private set; }

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
        var (usage, total) = DecayedUsage();
        return total <= 0 ? 0 : usage[job.TenantIndex] / total;
    }

    /// <summary>Gets the tenant's weighted dominant share of the cluster right now: max over GPUs, CPU and memory of
    /// allocated / capacity, divided by the tenant's fair-share weight (weighted DRF; equal to the plain dominant share at
    /// weight 1).</summary>
    /// <param name="job">A job of the tenant.</param>
    /// <returns>The weighted dominant share (DRF with weights, Ghodsi et al. 2011).</returns>
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
    private readonly IReadOnlyList<int> _used;
    private readonly IReadOnlyList<int[]> _usedByType;
    private readonly Func<long>? _version;
    private Dictionary<(int Tenant, int Type, int Verdict), string>? _texts;
    private long _textsVersion = -1;

    internal AdmissionContext(TenantLedger ledger, Cluster cluster, IReadOnlyList<int> usedGpus, IReadOnlyList<int[]> usedByType, Func<long>? version)
    {
        Ledger = ledger;
        Cluster = cluster;
        _used = usedGpus;
        _usedByType = usedByType;
        _version = version;
    }

    internal TenantLedger Ledger { get; }

    internal Cluster Cluster { get; }

    /// <summary>Clears the pass's type, gang and cached texts (the engine reuses one context per pass).</summary>
    internal void Reset()
    {
        GpuTypeIndex = -1;
        GangOverride = 0;

        // No ledger version is −1: the next lookup drops the texts.
        _textsVersion = -1;
    }

    /// <summary>The GPU type (index) the pass is considering for the job, or −1 when it considers every acceptable type at once.</summary>
    internal int GpuTypeIndex { get; set; } = -1;

    /// <summary>The gang size the pass is considering for an elastic job, or 0 for its smallest gang.</summary>
    internal int GangOverride { get; set; }

    /// <summary>Gets the GPUs the job asks for at this point of the pass: its gang, or for an elastic job the size the pass
    /// considers (its minimum when admitting it; a larger size when choosing how large to start or grow it).</summary>
    /// <param name="job">The job.</param>
    /// <returns>The GPUs.</returns>
    public int RequestedGpus(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return GangOverride > 0 ? GangOverride : job.Spec.SmallestGang;
    }

    /// <summary>Gets the GPU type (resource flavour) the pass is considering for the job, or <see langword="null"/> when the
    /// job's tenant has no per-type quotas (then the quota counts GPUs of every type together).</summary>
    public string? GpuType => GpuTypeIndex < 0 ? null : Cluster.GpuTypes[GpuTypeIndex];

    /// <summary>Gets the quota of the job's tenant, or <see langword="null"/> when quotas are not configured.</summary>
    /// <param name="job">The job.</param>
    /// <returns>The quota.</returns>
    public TenantQuota? QuotaOf(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return Ledger.Quotas[job.TenantIndex];
    }

    /// <summary>Gets the GPUs the job's tenant uses (running and admitted earlier in this pass), of every type.</summary>
    /// <param name="job">The job.</param>
    /// <returns>The GPUs in use.</returns>
    public int UsedGpus(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return _used[job.TenantIndex];
    }

    /// <summary>Gets the GPUs of <paramref name="gpuType"/> the job's tenant uses (running and admitted earlier in this pass).</summary>
    /// <param name="job">The job.</param>
    /// <param name="gpuType">The GPU type.</param>
    /// <returns>The GPUs in use (0 for a type the cluster lacks).</returns>
    public int UsedGpus(Job job, string gpuType)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(gpuType);
        var t = Cluster.TypeIndex(gpuType);
        return t < 0 ? 0 : _usedByType[job.TenantIndex][t];
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

            var used = _used[t];
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

    /// <summary>Gets, for one GPU type (resource flavour), the GPUs borrowed by the tenants of <paramref name="cohort"/> and
    /// the GPUs its members lend (unused nominal quota of that type within their lending limits).</summary>
    /// <param name="cohort">The cohort.</param>
    /// <param name="gpuType">The GPU type.</param>
    /// <returns>The borrowed total and the lendable pool of that type.</returns>
    public (int Borrowed, int Lendable) Cohort(string cohort, string gpuType)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        ArgumentNullException.ThrowIfNull(gpuType);
        var type = Cluster.TypeIndex(gpuType);
        var borrowed = 0;
        var lendable = 0;
        for (var t = 0; t < Ledger.Count; t++)
        {
            if (Ledger.Quotas[t] is not { } q || !string.Equals(q.Cohort, cohort, StringComparison.Ordinal) || q.Flavor(gpuType) is not { } f)
            {
                continue;
            }

            var used = type < 0 ? 0 : _usedByType[t][type];
            if (used > f.NominalGpus)
            {
                borrowed += used - f.NominalGpus;
            }
            else
            {
                lendable += Math.Min(f.LendingLimitGpus ?? int.MaxValue, f.NominalGpus - used);
            }
        }

        return (borrowed, lendable);
    }

    /// <summary>A refusal text cached per tenant, type and verdict until usage changes (texts that depend only on those,
    /// so a pass over many refused jobs formats one string per tenant).</summary>
    internal bool TryGetCachedText(int tenant, int verdict, out string text)
    {
        var version = _version?.Invoke() ?? 0;
        if (version != _textsVersion)
        {
            _texts?.Clear();
            _textsVersion = version;
        }

        // Made on first use: most passes format no refusal.
        if (_texts is null)
        {
            text = null!;
            return false;
        }

        return _texts.TryGetValue((tenant, GpuTypeIndex, verdict), out text!);
    }

    internal string CacheText(int tenant, int verdict, string text)
    {
        (_texts ??= [])[(tenant, GpuTypeIndex, verdict)] = text;
        return text;
    }
}
