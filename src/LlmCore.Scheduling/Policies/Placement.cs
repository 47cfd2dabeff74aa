namespace LlmCore.Scheduling.Policies;

/// <summary>Finds where a gang can run on the free capacity, all GPUs at once, or reports that it cannot.</summary>
/// <remarks>Implementations must be deterministic and place only on <see cref="ClusterCapacityView.AcceptableGpuTypes"/>;
/// they are called from one thread at a time.</remarks>
public interface IPlacementStrategy
{
    /// <summary>Finds a placement for every GPU of <paramref name="job"/>, or <see langword="null"/>.</summary>
    /// <param name="job">The job.</param>
    /// <param name="capacity">The free capacity.</param>
    /// <returns>The placement, or <see langword="null"/> when the gang does not fit.</returns>
    Placement? TryPlace(JobSpec job, ClusterCapacityView capacity);

    /// <summary>Finds a placement for <paramref name="gpus"/> GPUs of an elastic <paramref name="job"/> (each GPU with the
    /// job's CPU and memory per GPU), or <see langword="null"/>.</summary>
    /// <param name="job">The job.</param>
    /// <param name="gpus">The gang size to place, between <see cref="JobSpec.MinGpus"/> and <see cref="JobSpec.Gpus"/>.</param>
    /// <param name="capacity">The free capacity.</param>
    /// <returns>The placement, or <see langword="null"/>.</returns>
    Placement? TryPlace(JobSpec job, int gpus, ClusterCapacityView capacity)
    {
        ArgumentNullException.ThrowIfNull(job);
        return TryPlace(gpus == job.Gpus ? job : job.WithGang(gpus), capacity);
    }

    /// <summary>Gets whether <see cref="TryPlace(JobSpec, ClusterCapacityView)"/> would find a placement; a strategy may
    /// answer faster than by building it (preemption trials and reservations only need the answer).</summary>
    /// <param name="job">The job.</param>
    /// <param name="capacity">The free capacity.</param>
    /// <returns><see langword="true"/> when the gang fits.</returns>
    bool Fits(JobSpec job, ClusterCapacityView capacity) => TryPlace(job, capacity) is not null;
}

/// <summary>
/// Best-fit, topology- and GPU-type-aware placement: for each acceptable GPU type in order, try one node (the node left
/// with the fewest free GPUs: best fit against fragmentation), then one domain of each topology level, narrowest first,
/// then the cluster (up to the job's <see cref="JobSpec.MaxSpan"/> and required level); at a level choose the domain with
/// the least sufficient free capacity and fill its emptiest-first nodes so the gang uses as few nodes as possible.
/// Slices, a preferred level and balanced spreading (<see cref="JobSpec.Topology"/>) shape how a domain is filled.
/// </summary>
/// <remarks>Best fit follows the bin-packing heuristics used against GPU fragmentation (Weng et al., FGD, ATC'23);
/// topology levels follow Slurm <c>topology/tree</c> and Kueue topology-aware scheduling (required, preferred and slice
/// constraints; balanced placement). When the capacity comes from the engine's ledger and the job needs no CPU or
/// memory, best-fit nodes come from an index of nodes by free GPUs and domains are chosen from per-domain sums, without
/// scanning nodes; the answers are the same. Stateless and thread-safe.</remarks>
internal sealed class BestFitTopologyPlacement : IPlacementStrategy
{
    /// <summary>Gets a shared instance.</summary>
    public static BestFitTopologyPlacement Instance { get; } = new();

    /// <inheritdoc/>
    public Placement? TryPlace(JobSpec job, ClusterCapacityView capacity)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(capacity);
        return Search(job, job.Gpus, capacity, fast: true);
    }

    /// <inheritdoc/>
    public Placement? TryPlace(JobSpec job, int gpus, ClusterCapacityView capacity)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(capacity);
        ArgumentOutOfRangeException.ThrowIfLessThan(gpus, 1);
        return Search(job, gpus, capacity, fast: true);
    }

    /// <inheritdoc/>
    bool IPlacementStrategy.Fits(JobSpec job, ClusterCapacityView capacity)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(capacity);
        return Fits(job, job.Gpus, capacity);
    }

    /// <summary>
    /// Whether <see cref="TryPlace(JobSpec, ClusterCapacityView)"/> would find a placement, without building it: for an
    /// acceptable type, a node with enough usable GPUs, or (as the span allows) a domain whose usable GPUs add up to the
    /// gang (the fill of a domain succeeds exactly when its sum suffices). Slices need the full search.
    /// </summary>
    internal static bool Fits(JobSpec job, ClusterCapacityView capacity) => Fits(job, job.Gpus, capacity);

    /// <summary>The scalar reference of <see cref="TryPlace(JobSpec, ClusterCapacityView)"/>: the same search scanning
    /// every node at every level (no index, no per-domain sums, no skipped levels); tests compare the two.</summary>
    internal static Placement? TryPlaceReference(JobSpec job, ClusterCapacityView capacity) => Search(job, job.Gpus, capacity, fast: false);

    /// <summary><see cref="Fits(JobSpec, ClusterCapacityView)"/> for a gang of <paramref name="gpus"/>.</summary>
    internal static bool Fits(JobSpec job, int gpus, ClusterCapacityView capacity)
    {
        if (Resolve(job, gpus, capacity.Cluster) is not { } request)
        {
            return false;
        }

        if (request.SliceGpus > 0)
        {
            return Search(job, gpus, capacity, fast: true) is not null;
        }

        var cluster = capacity.Cluster;
        if (capacity.TypeOrder is { } order)
        {
            foreach (var t in order)
            {
                if (FitsType(job, request, capacity, t))
                {
                    return true;
                }
            }

            return false;
        }

        if (job.GpuTypes.Count == 0)
        {
            for (var t = 0; t < cluster.GpuTypes.Count; t++)
            {
                if (FitsType(job, request, capacity, t))
                {
                    return true;
                }
            }

            return false;
        }

        foreach (var name in job.GpuTypes)
        {
            var t = cluster.TypeIndex(name);
            if (t >= 0 && FitsType(job, request, capacity, t))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The job's topology constraints as level indices, or <see langword="null"/> when it names a level the
    /// cluster lacks or its slices do not divide the gang (no placement exists).</summary>
    internal static Request? Resolve(JobSpec job, int gpus, Cluster cluster)
    {
        var maxLevel = cluster.LevelIndexOf(job.MaxSpan);
        var preferred = -1;
        var sliceGpus = 0;
        var sliceLevel = 0;
        var balanced = false;
        if (job.Topology is { } topology)
        {
            if (topology.RequiredLevel is { } required)
            {
                if (cluster.LevelIndexOf(required) is not { } r)
                {
                    return null;
                }

                maxLevel = Math.Min(maxLevel, r);
            }

            if (topology.PreferredLevel is { } p)
            {
                if (cluster.LevelIndexOf(p) is not { } pi)
                {
                    return null;
                }

                preferred = pi;
            }

            if (topology.SliceGpus is { } k)
            {
                if (cluster.LevelIndexOf(topology.SliceLevel) is not { } si || gpus % k != 0)
                {
                    return null;
                }

                sliceGpus = k;
                sliceLevel = si;
            }

            balanced = topology.Balanced;
        }

        return new Request(gpus, maxLevel, preferred, sliceGpus, sliceLevel, balanced);
    }

    private static Placement? Search(JobSpec job, int gpus, ClusterCapacityView capacity, bool fast)
    {
        var cluster = capacity.Cluster;
        if (Resolve(job, gpus, cluster) is not { } request)
        {
            return null;
        }

        if (capacity.TypeOrder is { } order)
        {
            foreach (var t in order)
            {
                if (PlaceType(job, request, capacity, t, fast) is { } p)
                {
                    return p;
                }
            }

            return null;
        }

        if (job.GpuTypes.Count == 0)
        {
            for (var t = 0; t < cluster.GpuTypes.Count; t++)
            {
                if (PlaceType(job, request, capacity, t, fast) is { } p)
                {
                    return p;
                }
            }

            return null;
        }

        foreach (var name in job.GpuTypes)
        {
            var t = cluster.TypeIndex(name);
            if (t >= 0 && PlaceType(job, request, capacity, t, fast) is { } p)
            {
                return p;
            }
        }

        return null;
    }

    private static bool FitsType(JobSpec job, Request request, ClusterCapacityView capacity, int type)
    {
        var cluster = capacity.Cluster;
        var g = request.Gpus;
        var top = cluster.TopLevel;
        var maxLevel = request.MaxLevel;
        if (capacity.SumsExactFor(job))
        {
            var ledger = capacity.Ledger!;
            var types = cluster.GpuTypes.Count;
            for (var level = 0; level <= maxLevel; level++)
            {
                if (level == 0)
                {
                    if (ledger.MaxFreeOnANode(type) >= g)
                    {
                        return true;
                    }

                    continue;
                }

                if (level == top)
                {
                    return ledger.FreeByType[type] >= g;
                }

                var sums = ledger.FreeByDomain[level];
                for (var d = 0; d < cluster.DomainCounts[level]; d++)
                {
                    if (sums[(d * types) + type] >= g)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        // One pass over the nodes, summing usable GPUs per domain of every allowed level.
        var levels = Math.Min(maxLevel, top - 1);
        var sumsByLevel = new int[levels + 1][];
        for (var level = 1; level <= levels; level++)
        {
            sumsByLevel[level] = new int[cluster.DomainCounts[level]];
        }

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
            for (var level = 1; level <= levels; level++)
            {
                if ((sumsByLevel[level][cluster.DomainOf[level][n]] += usable) >= g)
                {
                    return true;
                }
            }
        }

        return maxLevel == top && total >= g;
    }

    private static Placement? PlaceType(JobSpec job, Request request, ClusterCapacityView capacity, int type, bool fast)
    {
        var cluster = capacity.Cluster;
        var g = request.Gpus;

        // One node, best fit: every slice lies inside it.
        var best = BestNode(job, g, capacity, type, fast);
        if (best >= 0)
        {
            return cluster.NodePlacement(best, g);
        }

        var top = cluster.TopLevel;
        var last = Math.Min(request.MaxLevel, top - 1);
        for (var level = 1; level <= last; level++)
        {
            // A level of singleton domains holds no more than one node, which did not fit.
            if (fast && cluster.DomainCounts[level] == cluster.Nodes.Count)
            {
                continue;
            }

            var domain = BestDomain(job, request, capacity, type, level, fast);
            if (domain >= 0 && Fill(job, request, capacity, type, level, domain, fast) is { } placement)
            {
                return placement;
            }
        }

        return request.MaxLevel == top ? Fill(job, request, capacity, type, top, 0, fast) : null;
    }

    private static int BestNode(JobSpec job, int g, ClusterCapacityView capacity, int type, bool fast)
    {
        var cluster = capacity.Cluster;
        if (fast && capacity.SumsExactFor(job))
        {
            // The least free GPUs that still hold the gang, lowest index on a tie: the first hit of the index.
            var ledger = capacity.Ledger!;
            for (var free = g; free <= cluster.MaxGpusPerNode; free++)
            {
                var n = ledger.NextNodeWithFree(type, free, 0);
                if (n >= 0)
                {
                    return n;
                }
            }

            return -1;
        }

        var best = -1;
        var bestLeft = int.MaxValue;
        for (var n = 0; n < cluster.Nodes.Count; n++)
        {
            if (cluster.TypeOf[n] != type)
            {
                continue;
            }

            if (capacity.UsableGpus(job, n) >= g)
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

        return best;
    }

    /// <summary>The domain of <paramref name="level"/> with the least sufficient capacity (lowest index on a tie), or −1.</summary>
    private static int BestDomain(JobSpec job, Request request, ClusterCapacityView capacity, int type, int level, bool fast)
    {
        var cluster = capacity.Cluster;
        var count = cluster.DomainCounts[level];
        var g = request.Gpus;
        if (request.SliceGpus > 0 && request.SliceLevel >= 1 && request.SliceLevel < level)
        {
            // Slices inside domains narrower than this level: count the slices each domain holds.
            var best = -1;
            var bestSlices = int.MaxValue;
            var needed = g / request.SliceGpus;
            for (var d = 0; d < count; d++)
            {
                var slices = SliceCapacity(job, request, capacity, type, level, d);
                if (slices >= needed && slices < bestSlices)
                {
                    best = d;
                    bestSlices = slices;
                }
            }

            return best;
        }

        if (request.SliceGpus > 0 && request.SliceLevel == 0)
        {
            var best = -1;
            var bestSlices = int.MaxValue;
            var needed = g / request.SliceGpus;
            for (var d = 0; d < count; d++)
            {
                var slices = 0;
                var start = cluster.DomainStart[level];
                var members = cluster.DomainNodes[level];
                for (var i = start[d]; i < start[d + 1]; i++)
                {
                    var n = members[i];
                    if (cluster.TypeOf[n] == type)
                    {
                        slices += capacity.UsableGpus(job, n) / request.SliceGpus;
                    }
                }

                if (slices >= needed && slices < bestSlices)
                {
                    best = d;
                    bestSlices = slices;
                }
            }

            return best;
        }

        if (fast && capacity.SumsExactFor(job))
        {
            var sums = capacity.Ledger!.FreeByDomain[level];
            var types = cluster.GpuTypes.Count;
            var best = -1;
            var bestSum = int.MaxValue;
            for (var d = 0; d < count; d++)
            {
                var sum = sums[(d * types) + type];
                if (sum >= g && sum < bestSum)
                {
                    best = d;
                    bestSum = sum;
                }
            }

            return best;
        }

        Span<int> totals = count <= 1024 ? stackalloc int[count] : new int[count];
        totals.Clear();
        var groupOf = cluster.DomainOf[level];
        for (var n = 0; n < cluster.Nodes.Count; n++)
        {
            if (cluster.TypeOf[n] == type)
            {
                totals[groupOf[n]] += capacity.UsableGpus(job, n);
            }
        }

        var chosen = -1;
        for (var d = 0; d < count; d++)
        {
            if (totals[d] >= g && (chosen < 0 || totals[d] < totals[chosen]))
            {
                chosen = d;
            }
        }

        return chosen;
    }

    /// <summary>The slices of <c>request.SliceGpus</c> GPUs that domain <paramref name="domain"/> of <paramref name="level"/>
    /// holds, each slice inside one domain of the slice level.</summary>
    private static int SliceCapacity(JobSpec job, Request request, ClusterCapacityView capacity, int type, int level, int domain)
    {
        var cluster = capacity.Cluster;
        var start = cluster.DomainStart[level];
        var members = cluster.DomainNodes[level];
        var sliceOf = cluster.DomainOf[request.SliceLevel];
        var sums = new Dictionary<int, int>();
        for (var i = start[domain]; i < start[domain + 1]; i++)
        {
            var n = members[i];
            if (cluster.TypeOf[n] == type)
            {
                sums[sliceOf[n]] = sums.GetValueOrDefault(sliceOf[n]) + capacity.UsableGpus(job, n);
            }
        }

        var slices = 0;
        foreach (var sum in sums.Values)
        {
            slices += sum / request.SliceGpus;
        }

        return slices;
    }

    private static Placement? Fill(JobSpec job, Request request, ClusterCapacityView capacity, int type, int level, int domain, bool fast)
    {
        var cluster = capacity.Cluster;
        var candidates = new List<(int Node, int Usable)>();
        var total = 0;
        var ordered = request.SliceGpus > 0 || (request.PreferredLevel > 0 && request.PreferredLevel < level) || request.Balanced;
        if (fast && !ordered && level == cluster.TopLevel && capacity.Ledger is { } ledger)
        {
            // The whole cluster, filled largest free first: only nodes with a free GPU can be usable (down nodes are not
            // indexed), so read them from the ledger's index by free GPUs instead of scanning every node (the reference
            // search, fast = false, scans). The order they are found in does not matter: FillNodes sorts them by
            // (usable, node), a total order.
            for (var free = 1; free <= cluster.MaxGpusPerNode; free++)
            {
                for (var n = ledger.NextNodeWithFree(type, free, 0); n >= 0; n = ledger.NextNodeWithFree(type, free, n + 1))
                {
                    var usable = capacity.UsableGpus(job, n);
                    if (usable > 0)
                    {
                        candidates.Add((n, usable));
                        total += usable;
                    }
                }
            }
        }
        else
        {
            var start = cluster.DomainStart[level];
            var members = cluster.DomainNodes[level];
            for (var i = start[domain]; i < start[domain + 1]; i++)
            {
                var n = members[i];
                if (cluster.TypeOf[n] != type)
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
        }

        if (total < request.Gpus)
        {
            return null;
        }

        List<NodeAllocation>? allocations;
        if (request.SliceGpus > 0)
        {
            var groupLevel = request.SliceLevel;
            allocations = FillGroups(cluster, candidates, groupLevel, request.Gpus, request.SliceGpus, request.Balanced);
        }
        else if (request.PreferredLevel > 0 && request.PreferredLevel < level)
        {
            allocations = FillGroups(cluster, candidates, request.PreferredLevel, request.Gpus, 1, request.Balanced);
        }
        else if (request.Balanced)
        {
            allocations = FillGroups(cluster, candidates, 0, request.Gpus, 1, balanced: true);
        }
        else
        {
            allocations = FillNodes(cluster, candidates, request.Gpus);
        }

        if (allocations is null)
        {
            return null;
        }

        allocations.Sort((a, b) => a.NodeIndex.CompareTo(b.NodeIndex));
        var span = Tightest(cluster, allocations);
        return new Placement(allocations, cluster.Nodes[allocations[0].NodeIndex].GpuType, cluster.ToTopologyLevel(span)) { SpanLevel = cluster.LevelName(span) };
    }

    /// <summary>Largest free first (fewest nodes), ties by node index; the last piece goes to the node whose free
    /// capacity fits it most tightly.</summary>
    private static List<NodeAllocation> FillNodes(Cluster cluster, List<(int Node, int Usable)> candidates, int gpus)
    {
        candidates.Sort((a, b) => a.Usable != b.Usable ? b.Usable.CompareTo(a.Usable) : a.Node.CompareTo(b.Node));
        var need = gpus;
        var allocations = new List<NodeAllocation>();
        var i = 0;
        while (need > 0)
        {
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

        return allocations;
    }

    /// <summary>
    /// Fills by groups (domains of <paramref name="groupLevel"/>; nodes when it is 0) in units of <paramref name="unit"/>
    /// GPUs, each unit inside one group: the groups holding the most units first, as few as needed; balanced shares
    /// differ by at most one unit. Inside a group, nodes largest free first.
    /// </summary>
    private static List<NodeAllocation>? FillGroups(Cluster cluster, List<(int Node, int Usable)> candidates, int groupLevel, int gpus, int unit, bool balanced)
    {
        var groupOf = cluster.DomainOf[groupLevel];
        var groups = new Dictionary<int, List<(int Node, int Usable)>>();
        foreach (var c in candidates)
        {
            var g = groupOf[c.Node];
            if (!groups.TryGetValue(g, out var list))
            {
                groups[g] = list = [];
            }

            list.Add(c);
        }

        var ordered = groups
            .Select(kv => (Group: kv.Key, Nodes: kv.Value, Units: kv.Value.Sum(c => c.Usable) / unit))
            .Where(x => x.Units > 0)
            .OrderByDescending(x => x.Units).ThenBy(x => x.Group)
            .ToList();
        var needed = gpus / unit;
        var used = 0;
        var covered = 0;
        while (used < ordered.Count && covered < needed)
        {
            covered += ordered[used++].Units;
        }

        if (covered < needed)
        {
            return null;
        }

        var shares = new int[used];
        if (balanced)
        {
            // Equal shares, capped by what each group holds; what a capped group cannot take goes to the others.
            var left = needed;
            var open = Enumerable.Range(0, used).ToList();
            while (left > 0 && open.Count > 0)
            {
                var each = Math.Max(1, left / open.Count);
                var extra = left >= open.Count ? left % open.Count : 0;
                var next = new List<int>();
                for (var k = 0; k < open.Count && left > 0; k++)
                {
                    var i = open[k];
                    var want = Math.Min(left, each + (k < extra ? 1 : 0));
                    var give = Math.Min(want, ordered[i].Units - shares[i]);
                    shares[i] += give;
                    left -= give;
                    if (shares[i] < ordered[i].Units)
                    {
                        next.Add(i);
                    }
                }

                // The groups with the smallest shares first (then by position), so that a capped group's remainder
                // evens the others out instead of going again to those that already had one more.
                next.Sort((a, b) => shares[a] != shares[b] ? shares[a].CompareTo(shares[b]) : a.CompareTo(b));
                open = next;
            }
        }
        else
        {
            var left = needed;
            for (var i = 0; i < used; i++)
            {
                shares[i] = Math.Min(left, ordered[i].Units);
                left -= shares[i];
            }
        }

        var allocations = new List<NodeAllocation>();
        for (var i = 0; i < used; i++)
        {
            var need = shares[i] * unit;
            if (need == 0)
            {
                continue;
            }

            var nodes = ordered[i].Nodes;
            nodes.Sort((a, b) => a.Usable != b.Usable ? b.Usable.CompareTo(a.Usable) : a.Node.CompareTo(b.Node));
            foreach (var (node, usable) in nodes)
            {
                if (need == 0)
                {
                    break;
                }

                var take = Math.Min(usable, need);
                allocations.Add(new NodeAllocation(node, cluster.Nodes[node].Name, take));
                need -= take;
            }
        }

        return allocations;
    }

    /// <summary>The narrowest level with one domain holding every allocation.</summary>
    private static int Tightest(Cluster cluster, List<NodeAllocation> allocations)
    {
        if (allocations.Count == 1)
        {
            return 0;
        }

        for (var level = 1; level < cluster.TopLevel; level++)
        {
            var groupOf = cluster.DomainOf[level];
            var d = groupOf[allocations[0].NodeIndex];
            var same = true;
            foreach (var a in allocations)
            {
                same &= groupOf[a.NodeIndex] == d;
            }

            if (same)
            {
                return level;
            }
        }

        return cluster.TopLevel;
    }

    /// <summary>A job's placement constraints as level indices of its cluster.</summary>
    internal readonly record struct Request(int Gpus, int MaxLevel, int PreferredLevel, int SliceGpus, int SliceLevel, bool Balanced);
}
