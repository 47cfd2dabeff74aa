namespace LlmCore.Scheduling.Policies;

/// <summary>Finds where a gang can run on the free capacity, all GPUs at once, or reports that it cannot.</summary>
/// <remarks>Implementations must be deterministic; they are called from one thread at a time.</remarks>
public interface IPlacementStrategy
{
    /// <summary>Finds a placement for every GPU of <paramref name="job"/>, or <see langword="null"/>.</summary>
    /// <param name="job">The job.</param>
    /// <param name="capacity">The free capacity.</param>
    /// <returns>The placement, or <see langword="null"/> when the gang does not fit.</returns>
    Placement? TryPlace(JobSpec job, ClusterCapacityView capacity);
}

/// <summary>
/// Best-fit, topology- and GPU-type-aware placement: for each acceptable GPU type in preference order, try one node
/// (the node left with the fewest free GPUs: best fit against fragmentation), then one NVLink domain, then one rack,
/// then the cluster (up to the job's <see cref="JobSpec.MaxSpan"/>); within a domain choose the group with the least
/// sufficient free capacity and fill its emptiest-first nodes so the gang uses as few nodes as possible.
/// </summary>
/// <remarks>Best fit follows the bin-packing heuristics used against GPU fragmentation (Weng et al., FGD, ATC'23);
/// topology levels follow Slurm <c>topology/tree</c> and Kueue TAS. Stateless and thread-safe.</remarks>
public sealed class BestFitTopologyPlacement : IPlacementStrategy
{
    /// <summary>Gets a shared instance.</summary>
    public static BestFitTopologyPlacement Instance { get; } = new();

    /// <inheritdoc/>
    public Placement? TryPlace(JobSpec job, ClusterCapacityView capacity)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(capacity);
        return Search(job, capacity, skipSingletonDomains: true);
    }

    /// <summary>The scalar reference of <see cref="TryPlace"/>: the same search without the shortcut that skips the
    /// NVLink level when every node is its own domain (tests compare the two on random clusters).</summary>
    internal static Placement? TryPlaceReference(JobSpec job, ClusterCapacityView capacity) => Search(job, capacity, skipSingletonDomains: false);

    private static Placement? Search(JobSpec job, ClusterCapacityView capacity, bool skipSingletonDomains)
    {
        var cluster = capacity.Cluster;
        if (job.GpuTypes.Count == 0)
        {
            for (var t = 0; t < cluster.GpuTypes.Count; t++)
            {
                if (TryPlaceType(job, capacity, t, skipSingletonDomains) is { } p)
                {
                    return p;
                }
            }

            return null;
        }

        foreach (var name in job.GpuTypes)
        {
            var t = cluster.TypeIndex(name);
            if (t >= 0 && TryPlaceType(job, capacity, t, skipSingletonDomains) is { } p)
            {
                return p;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether <see cref="TryPlace"/> would find a placement, without building it: for an acceptable type, a node with
    /// enough usable GPUs, or (as <see cref="JobSpec.MaxSpan"/> allows) an NVLink domain, a rack or the whole type whose
    /// usable GPUs add up to the gang (the fill of a group succeeds exactly when its sum suffices). One pass over the
    /// nodes, no allocation for up to 1,024 groups; used by preemption trials and reservations, which only need the answer.
    /// </summary>
    internal static bool Fits(JobSpec job, ClusterCapacityView capacity)
    {
        var cluster = capacity.Cluster;
        if (job.GpuTypes.Count == 0)
        {
            for (var t = 0; t < cluster.GpuTypes.Count; t++)
            {
                if (FitsType(job, capacity, t))
                {
                    return true;
                }
            }

            return false;
        }

        foreach (var name in job.GpuTypes)
        {
            var t = cluster.TypeIndex(name);
            if (t >= 0 && FitsType(job, capacity, t))
            {
                return true;
            }
        }

        return false;
    }

    private static bool FitsType(JobSpec job, ClusterCapacityView capacity, int type)
    {
        var cluster = capacity.Cluster;
        var g = job.Gpus;
        var span = job.MaxSpan;
        var byDomain = span is TopologyLevel.NvLinkDomain or TopologyLevel.Rack;
        var byRack = span == TopologyLevel.Rack;
        Span<int> domains = byDomain && cluster.DomainCount <= 1024 ? stackalloc int[cluster.DomainCount] : byDomain ? new int[cluster.DomainCount] : [];
        Span<int> racks = byRack && cluster.RackCount <= 1024 ? stackalloc int[cluster.RackCount] : byRack ? new int[cluster.RackCount] : [];
        domains.Clear();
        racks.Clear();
        var total = 0;
        for (var n = 0; n < cluster.Nodes.Count; n++)
        {
            if (cluster.TypeOf[n] != type)
            {
                continue;
            }

            var usable = capacity.UsableGpus(job, n);
            if (usable >= g)
            {
                return true;
            }

            total += usable;
            if (byDomain && (domains[cluster.DomainOf[n]] += usable) >= g)
            {
                return true;
            }

            if (byRack && (racks[cluster.RackOf[n]] += usable) >= g)
            {
                return true;
            }
        }

        return span == TopologyLevel.Cluster && total >= g;
    }

    private static Placement? TryPlaceType(JobSpec job, ClusterCapacityView capacity, int type, bool skipSingletonDomains)
    {
        var cluster = capacity.Cluster;
        var nodes = cluster.Nodes;
        var g = job.Gpus;

        // Level 1: one node, best fit.
        var best = -1;
        var bestLeft = int.MaxValue;
        for (var n = 0; n < nodes.Count; n++)
        {
            if (cluster.TypeOf[n] != type)
            {
                continue;
            }

            var usable = capacity.UsableGpus(job, n);
            if (usable >= g)
            {
                var left = capacity.FreeGpus(n) - g;
                if (left < bestLeft)
                {
                    best = n;
                    bestLeft = left;
                    if (left == 0)
                    {
                        break;
                    }
                }
            }
        }

        if (best >= 0)
        {
            return new Placement([new NodeAllocation(best, nodes[best].Name, g)], nodes[best].GpuType, TopologyLevel.Node);
        }

        if (job.MaxSpan == TopologyLevel.Node)
        {
            return null;
        }

        // With one node per NVLink domain (no domains configured) a domain holds no more than its node, which did not fit.
        if ((!skipSingletonDomains || cluster.DomainCount < nodes.Count)
            && TryGroup(job, capacity, type, cluster.DomainOf, cluster.DomainCount, TopologyLevel.NvLinkDomain) is { } domain)
        {
            return domain;
        }

        if (job.MaxSpan == TopologyLevel.NvLinkDomain)
        {
            return null;
        }

        if (TryGroup(job, capacity, type, cluster.RackOf, cluster.RackCount, TopologyLevel.Rack) is { } rack)
        {
            return rack;
        }

        if (job.MaxSpan == TopologyLevel.Rack)
        {
            return null;
        }

        return Fill(job, capacity, type, null, -1, TopologyLevel.Cluster);
    }

    private static Placement? TryGroup(JobSpec job, ClusterCapacityView capacity, int type, int[] groupOf, int groupCount, TopologyLevel level)
    {
        Span<int> sums = groupCount <= 1024 ? stackalloc int[groupCount] : new int[groupCount];
        sums.Clear();
        var cluster = capacity.Cluster;
        var any = false;
        for (var n = 0; n < cluster.Nodes.Count; n++)
        {
            if (cluster.TypeOf[n] == type)
            {
                sums[groupOf[n]] += capacity.UsableGpus(job, n);
                any = true;
            }
        }

        if (!any)
        {
            return null;
        }

        var best = -1;
        for (var d = 0; d < groupCount; d++)
        {
            if (sums[d] >= job.Gpus && (best < 0 || sums[d] < sums[best]))
            {
                best = d;
            }
        }

        return best < 0 ? null : Fill(job, capacity, type, groupOf, best, level);
    }

    private static Placement? Fill(JobSpec job, ClusterCapacityView capacity, int type, int[]? groupOf, int group, TopologyLevel level)
    {
        var cluster = capacity.Cluster;
        var candidates = new List<(int Node, int Usable)>();
        var total = 0;
        for (var n = 0; n < cluster.Nodes.Count; n++)
        {
            if (cluster.TypeOf[n] != type || (groupOf is not null && groupOf[n] != group))
            {
                continue;
            }

            var usable = capacity.UsableGpus(job, n);
            if (usable > 0)
            {
                candidates.Add((n, usable));
                total += usable;
            }
        }

        if (total < job.Gpus)
        {
            return null;
        }

        // Largest free first (fewest nodes); ties by node index for determinism.
        candidates.Sort((a, b) => a.Usable != b.Usable ? b.Usable.CompareTo(a.Usable) : a.Node.CompareTo(b.Node));
        var need = job.Gpus;
        var allocations = new List<NodeAllocation>();
        var i = 0;
        while (need > 0)
        {
            // For the last piece, prefer the node whose free capacity fits it most tightly.
            var pick = i;
            if (candidates[i].Usable > need)
            {
                for (var j = candidates.Count - 1; j > i; j--)
                {
                    if (candidates[j].Usable >= need)
                    {
                        pick = j;
                        break;
                    }
                }
            }

            var (node, usable) = candidates[pick];
            var take = Math.Min(usable, need);
            allocations.Add(new NodeAllocation(node, cluster.Nodes[node].Name, take));
            need -= take;
            if (pick == i)
            {
                i++;
            }
            else
            {
                break;
            }
        }

        var span = allocations.Count == 1 ? TopologyLevel.Node : level;
        if (level == TopologyLevel.Cluster && allocations.Count > 1)
        {
            span = Tightest(cluster, allocations);
        }

        allocations.Sort((a, b) => a.NodeIndex.CompareTo(b.NodeIndex));
        return new Placement(allocations, cluster.Nodes[allocations[0].NodeIndex].GpuType, span);
    }

    private static TopologyLevel Tightest(Cluster cluster, List<NodeAllocation> allocations)
    {
        var d = cluster.DomainOf[allocations[0].NodeIndex];
        var r = cluster.RackOf[allocations[0].NodeIndex];
        bool sameDomain = true, sameRack = true;
        foreach (var a in allocations)
        {
            sameDomain &= cluster.DomainOf[a.NodeIndex] == d;
            sameRack &= cluster.RackOf[a.NodeIndex] == r;
        }

        return sameDomain ? TopologyLevel.NvLinkDomain : sameRack ? TopologyLevel.Rack : TopologyLevel.Cluster;
    }
}
