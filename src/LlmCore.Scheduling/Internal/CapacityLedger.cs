namespace LlmCore.Scheduling.Internal;

/// <summary>
/// The one place where capacity is counted: free GPUs, CPU cores and memory per node; free GPUs per GPU type and per
/// topology domain and type (up nodes only); an index of up nodes by type and free GPUs (bitsets, for best-fit
/// lookups without a scan); and what each tenant holds (GPUs, CPU, memory, GPUs per type). The engine owns one
/// ledger. A scheduling pass changes it tentatively inside <see cref="Mark"/> … <see cref="Rollback"/>: every change
/// made while a mark is open is journaled and undone in reverse order, so a pass copies no arrays and leaves the
/// ledger exactly as it found it. Not thread-safe.
/// </summary>
internal sealed class CapacityLedger
{
    private readonly Cluster _cluster;
    private readonly List<(JobSpec Spec, Placement Placement, int Tenant, int Sign)> _journal = [];
    private readonly int _types;
    private readonly int _maxFree;
    private readonly int _words;
    private readonly ulong[] _byFree;

    /// <summary>The number of nodes in each bitset of <see cref="_byFree"/> (per type and free GPUs), so that a lookup
    /// in an empty one costs no scan of its words.</summary>
    private readonly int[] _countByFree;
    private int _open;

    public CapacityLedger(Cluster cluster)
    {
        _cluster = cluster;
        var n = cluster.Nodes.Count;
        FreeGpus = new int[n];
        FreeCpu = new double[n];
        FreeMemory = new double[n];
        Up = new bool[n];
        _types = cluster.GpuTypes.Count;
        _maxFree = cluster.MaxGpusPerNode;
        _words = (n + 63) >> 6;
        _byFree = new ulong[_types * (_maxFree + 1) * _words];
        _countByFree = new int[_types * (_maxFree + 1)];
        FreeByType = new int[_types];
        FreeByDomain = new int[cluster.LevelCount][];
        for (var level = 0; level < cluster.LevelCount; level++)
        {
            FreeByDomain[level] = new int[cluster.DomainCounts[level] * _types];
        }

        for (var i = 0; i < n; i++)
        {
            var node = cluster.Nodes[i];
            FreeGpus[i] = node.Gpus;
            FreeCpu[i] = node.CpuCores;
            FreeMemory[i] = node.MemoryGib;
            Up[i] = true;
            FreeByType[cluster.TypeOf[i]] += node.Gpus;
            for (var level = 0; level < cluster.LevelCount; level++)
            {
                FreeByDomain[level][(cluster.DomainOf[level][i] * _types) + cluster.TypeOf[i]] += node.Gpus;
            }

            Index(i, node.Gpus, true);
        }
    }

    public Cluster Cluster => _cluster;

    /// <summary>Free GPUs per node (down nodes keep their count; readers check <see cref="Up"/>).</summary>
    public int[] FreeGpus { get; }

    public double[] FreeCpu { get; }

    public double[] FreeMemory { get; }

    public bool[] Up { get; }

    /// <summary>Free GPUs of up nodes, per GPU type.</summary>
    public int[] FreeByType { get; }

    /// <summary>Free GPUs of up nodes, per level, domain and type (<c>FreeByDomain[level][domain * types + type]</c>).</summary>
    public int[][] FreeByDomain { get; }

    /// <summary>GPUs allocated to running jobs (and to the pass's tentative starts).</summary>
    public int AllocatedGpus { get; private set; }

    public List<int> UsedGpus { get; } = [];

    public List<double> UsedCpu { get; } = [];

    public List<double> UsedMemory { get; } = [];

    /// <summary>GPUs each tenant holds per GPU type (<c>UsedByType[tenant][type]</c>).</summary>
    public List<int[]> UsedByType { get; } = [];

    /// <summary>Bumped by every change, so callers can tell whether cached answers still hold.</summary>
    public long Version { get; private set; }

    /// <summary>Adds a tenant with nothing allocated and returns its index.</summary>
    public int AddTenant()
    {
        UsedGpus.Add(0);
        UsedCpu.Add(0);
        UsedMemory.Add(0);
        UsedByType.Add(new int[_cluster.GpuTypes.Count]);
        return UsedGpus.Count - 1;
    }

    /// <summary>Allocates <paramref name="placement"/> to a job of <paramref name="spec"/> charged to <paramref name="tenant"/>.</summary>
    public void Take(JobSpec spec, Placement placement, int tenant) => Change(spec, placement, tenant, -1);

    /// <summary>Frees what <see cref="Take"/> allocated.</summary>
    public void Give(JobSpec spec, Placement placement, int tenant) => Change(spec, placement, tenant, 1);

    /// <summary>Opens a tentative section: changes from now on are journaled until <see cref="Rollback"/>.</summary>
    public int Mark()
    {
        _open++;
        return _journal.Count;
    }

    /// <summary>Undoes every change since <paramref name="mark"/> (in reverse order) and closes that section.</summary>
    public void Rollback(int mark)
    {
        for (var i = _journal.Count - 1; i >= mark; i--)
        {
            var (spec, placement, tenant, sign) = _journal[i];
            Apply(spec, placement, tenant, -sign);
        }

        _journal.RemoveRange(mark, _journal.Count - mark);
        _open--;
        Version++;
    }

    /// <summary>Keeps every change since <paramref name="mark"/> and closes that section (its journal entries are dropped;
    /// an enclosing section still undoes them).</summary>
    public void Commit(int mark)
    {
        if (_open == 1)
        {
            _journal.RemoveRange(mark, _journal.Count - mark);
        }

        _open--;
        Version++;
    }

    /// <summary>Marks a node up or down; its free GPUs join or leave the per-type and per-domain sums.</summary>
    public void SetUp(int node, bool up)
    {
        if (Up[node] == up)
        {
            return;
        }

        Up[node] = up;
        var delta = up ? FreeGpus[node] : -FreeGpus[node];
        var type = _cluster.TypeOf[node];
        FreeByType[type] += delta;
        for (var level = 0; level < FreeByDomain.Length; level++)
        {
            FreeByDomain[level][(_cluster.DomainOf[level][node] * _types) + type] += delta;
        }

        Index(node, FreeGpus[node], up);
        Version++;
    }

    /// <summary>
    /// The lowest-numbered up node of <paramref name="type"/> with exactly <paramref name="free"/> free GPUs whose
    /// index is at least <paramref name="from"/>, or −1. Best fit for g GPUs is the first hit for free = g, g + 1, ….
    /// </summary>
    public int NextNodeWithFree(int type, int free, int from)
    {
        if (free > _maxFree || from >= FreeGpus.Length || _countByFree[(type * (_maxFree + 1)) + free] == 0)
        {
            return -1;
        }

        var baseWord = ((type * (_maxFree + 1)) + free) * _words;
        var w = from >> 6;
        var bits = _byFree[baseWord + w] & (ulong.MaxValue << (from & 63));
        while (true)
        {
            if (bits != 0)
            {
                return (w << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits);
            }

            if (++w >= _words)
            {
                return -1;
            }

            bits = _byFree[baseWord + w];
        }
    }

    /// <summary>The largest number of free GPUs on one up node of <paramref name="type"/> (0 when none).</summary>
    public int MaxFreeOnANode(int type)
    {
        for (var f = _maxFree; f > 0; f--)
        {
            if (NextNodeWithFree(type, f, 0) >= 0)
            {
                return f;
            }
        }

        return 0;
    }

    /// <summary>The largest number of free GPUs of one acceptable type of <paramref name="spec"/> (up nodes).</summary>
    public int FreeOfTypes(JobSpec spec)
    {
        var best = 0;
        if (spec.GpuTypes.Count == 0)
        {
            foreach (var f in FreeByType)
            {
                best = Math.Max(best, f);
            }

            return best;
        }

        foreach (var name in spec.GpuTypes)
        {
            var t = _cluster.TypeIndex(name);
            if (t >= 0)
            {
                best = Math.Max(best, FreeByType[t]);
            }
        }

        return best;
    }

    /// <summary>The largest number of free GPUs of any one type (up nodes).</summary>
    public int MaxFreeOfAnyType()
    {
        var best = 0;
        foreach (var f in FreeByType)
        {
            best = Math.Max(best, f);
        }

        return best;
    }

    private void Change(JobSpec spec, Placement placement, int tenant, int sign)
    {
        if (_open > 0)
        {
            _journal.Add((spec, placement, tenant, sign));
        }

        Apply(spec, placement, tenant, sign);
    }

    private void Apply(JobSpec spec, Placement placement, int tenant, int sign)
    {
        var cpuPerGpu = spec.CpuPerGpu;
        var memoryPerGpu = spec.MemoryPerGpu;
        var levels = FreeByDomain.Length;
        var nodes = placement.Nodes;
        for (var i = 0; i < nodes.Count; i++)
        {
            var a = nodes[i];
            var n = a.NodeIndex;
            var gpus = sign * a.Gpus;
            var up = Up[n];
            if (up)
            {
                Index(n, FreeGpus[n], false);
            }

            FreeGpus[n] += gpus;
            FreeCpu[n] += sign * cpuPerGpu * a.Gpus;
            FreeMemory[n] += sign * memoryPerGpu * a.Gpus;
            if (up)
            {
                var type = _cluster.TypeOf[n];
                FreeByType[type] += gpus;
                for (var level = 0; level < levels; level++)
                {
                    FreeByDomain[level][(_cluster.DomainOf[level][n] * _types) + type] += gpus;
                }

                Index(n, FreeGpus[n], true);
            }
        }

        // Rigid jobs charge their tenant exactly their spec (as the DRF shares always did); an elastic run its share.
        var total = placement.Gpus;
        var whole = total == spec.Gpus;
        UsedGpus[tenant] -= sign * total;
        UsedCpu[tenant] -= sign * (whole ? spec.CpuCores : cpuPerGpu * total);
        UsedMemory[tenant] -= sign * (whole ? spec.MemoryGib : memoryPerGpu * total);
        UsedByType[tenant][_cluster.TypeOf[placement.Nodes[0].NodeIndex]] -= sign * total;
        AllocatedGpus -= sign * total;
        Version++;
    }

    private void Index(int node, int free, bool add)
    {
        if ((uint)free > (uint)_maxFree)
        {
            return;
        }

        var bucket = (_cluster.TypeOf[node] * (_maxFree + 1)) + free;
        var word = (bucket * _words) + (node >> 6);
        var bit = 1UL << (node & 63);
        var had = (_byFree[word] & bit) != 0;
        if (add != had)
        {
            _countByFree[bucket] += add ? 1 : -1;
            _byFree[word] ^= bit;
        }
    }
}
