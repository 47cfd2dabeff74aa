namespace LlmCore.Scheduling.Internal;

/// <summary>Per-tenant quotas, weights and decayed usage of one engine; what each tenant holds now is counted by the
/// <see cref="CapacityLedger"/>. Not thread-safe.</summary>
internal sealed class TenantLedger
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly double _halfLifeSeconds;
    private readonly CapacityLedger _capacity;

    public TenantLedger(IEnumerable<TenantQuota> quotas, CapacityLedger capacity, double halfLifeSeconds)
    {
        _halfLifeSeconds = halfLifeSeconds;
        _capacity = capacity;
        var cluster = capacity.Cluster;
        foreach (var q in quotas)
        {
            if (_index.ContainsKey(q.Name))
            {
                throw new ArgumentException($"Tenant '{q.Name}' is configured twice.", nameof(quotas));
            }

            Add(q.Name, q);
        }

        HasQuotas = Count > 0;
        TotalGpus = cluster.TotalGpus;
        foreach (var n in cluster.Nodes)
        {
            TotalCpu += double.IsFinite(n.CpuCores) ? n.CpuCores : 0;
            TotalMemory += double.IsFinite(n.MemoryGib) ? n.MemoryGib : 0;
        }
    }

    public bool HasQuotas { get; }

    public int Count => Names.Count;

    public List<string> Names { get; } = [];

    public List<TenantQuota?> Quotas { get; } = [];

    public List<double> Weights { get; } = [];

    public double TotalWeight { get; private set; }

    public List<int> UsedGpus => _capacity.UsedGpus;

    public List<double> UsedCpu => _capacity.UsedCpu;

    public List<double> UsedMemory => _capacity.UsedMemory;

    public List<double> DecayedUsage { get; } = [];

    public DateTimeOffset UsageUpdatedAt { get; set; }

    public int TotalGpus { get; }

    public double TotalCpu { get; }

    public double TotalMemory { get; }

    public int IndexOf(string tenant)
    {
        if (_index.TryGetValue(tenant, out var i))
        {
            return i;
        }

        if (HasQuotas)
        {
            throw new UnknownTenantException(tenant, Names);
        }

        return Add(tenant, null);
    }

    /// <summary>Decays usage to <paramref name="now"/> and accrues the GPU-seconds of the running allocation (Slurm PriorityDecayHalfLife).</summary>
    public void Accrue(DateTimeOffset now)
    {
        var dt = (now - UsageUpdatedAt).TotalSeconds;
        if (dt <= 0)
        {
            return;
        }

        // One decay factor for every tenant (the same value DecayedUsageAt computes for each): a simulation accrues at
        // every instant, and a power per tenant per instant was about 1 % of a 1,000,000-job run.
        var decay = DecayOver(dt);
        for (var t = 0; t < Count; t++)
        {
            DecayedUsage[t] = Decayed(t, decay, dt);
        }

        UsageUpdatedAt = now;
    }

    public double DecayedUsageAt(int tenant, DateTimeOffset now)
    {
        var dt = Math.Max(0, (now - UsageUpdatedAt).TotalSeconds);
        return Decayed(tenant, DecayOver(dt), dt);
    }

    private double DecayOver(double dt) => _halfLifeSeconds > 0 ? Math.Pow(2, -dt / _halfLifeSeconds) : 1;

    private double Decayed(int tenant, double decay, double dt) => (DecayedUsage[tenant] * decay) + (UsedGpus[tenant] * dt);

    public double DominantShare(int tenant, double gpus, double cpu, double memory) =>
        DominantShareOf(tenant, UsedGpus[tenant], UsedCpu[tenant], UsedMemory[tenant], gpus, cpu, memory);

    /// <summary>What the tenant holds now: GPUs, CPU cores, memory (for <see cref="DominantShareOf"/> later in a pass).</summary>
    public (double Gpus, double Cpu, double Memory) UsageOf(int tenant) => (UsedGpus[tenant], UsedCpu[tenant], UsedMemory[tenant]);

    /// <summary>The tenant's weighted dominant share with <paramref name="gpus"/>, <paramref name="cpu"/> and
    /// <paramref name="memory"/> added to the given usage (<see cref="DominantShare"/> is this with the usage now).</summary>
    public double DominantShareOf(int tenant, double usedGpus, double usedCpu, double usedMemory, double gpus, double cpu, double memory)
    {
        var share = (usedGpus + gpus) / Math.Max(1, TotalGpus);
        if (TotalCpu > 0)
        {
            share = Math.Max(share, (usedCpu + cpu) / TotalCpu);
        }

        if (TotalMemory > 0)
        {
            share = Math.Max(share, (usedMemory + memory) / TotalMemory);
        }

        return share / Weights[tenant];
    }

    private int Add(string name, TenantQuota? quota)
    {
        var i = Names.Count;
        _index.Add(name, i);
        Names.Add(name);
        Quotas.Add(quota);
        Weights.Add(quota?.Weight ?? 1);
        TotalWeight += quota?.Weight ?? 1;
        _capacity.AddTenant();
        DecayedUsage.Add(0);
        return i;
    }
}
