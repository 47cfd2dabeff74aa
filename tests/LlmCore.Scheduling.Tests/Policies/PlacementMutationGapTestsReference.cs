namespace LlmCore.Scheduling.Tests.Policies;

/// <summary>
/// A brute-force model of best-fit, topology-aware placement written from the documented rules only (docs/scheduling.md,
/// "Topology: levels, required and preferred placement, slices", and the contract in the remarks of
/// <c>BestFitTopologyPlacement</c>), for tiny clusters: it computes every domain from the nodes' labels itself (no
/// index, no per-domain sums, nothing of the production search), and answers what the placement must be.
/// </summary>
/// <remarks>
/// The rules, in the order the docs give them:
/// <list type="number">
/// <item>GPU types in order: the pass's order when it set one, else the job's list (unknown names skipped), else the
/// cluster's types in order of first appearance. The first type with a placement wins.</item>
/// <item>One node when one can hold the gang: the node left with the fewest free GPUs (best fit), lowest index on a tie.</item>
/// <item>Else one domain of each named level, narrowest first, up to the job's <c>MaxSpan</c> and required level: the
/// domain with the least sufficient capacity (GPUs, or whole slices when the job is sliced), lowest domain index (first
/// appearance) on a tie; then the cluster when the span allows it.</item>
/// <item>Inside the domain: slices (units of <c>SliceGpus</c>, each inside one slice-level domain), or the preferred
/// level's domains, or (balanced) nodes, are filled as groups: most units first (ties by group index), as few groups as
/// hold the gang; balanced shares are water-filled (shares of groups with room differ by at most one unit, lower
/// positions first); inside a group the nodes largest free first. Otherwise nodes largest free first and the last piece on
/// the node that fits it most tightly (the search runs from the smallest end: the highest index among equal nodes;
/// TopologySchedulingTests.Balanced_SpreadsEvenlyOverTheFewestNodes).</item>
/// <item><c>SpanLevel</c> names the narrowest level with one domain holding every allocation.</item>
/// </list>
/// </remarks>
internal sealed class PlacementReferenceModel
{
    private readonly Cluster _cluster;
    private readonly string[] _levelNames; // 0 node, 1..m named levels narrowest first, m + 1 cluster
    private readonly int[][] _domainOf;    // per level, per node: domain index by first appearance

    public PlacementReferenceModel(Cluster cluster, bool labeled)
    {
        _cluster = cluster;
        var named = labeled ? cluster.TopologyLevels.Reverse().ToArray() : ["nvlink", "rack"];
        _levelNames = [Cluster.NodeLevel, .. named, Cluster.ClusterLevel];
        var n = cluster.Nodes.Count;
        _domainOf = new int[_levelNames.Length][];
        _domainOf[0] = [.. Enumerable.Range(0, n)];
        _domainOf[^1] = new int[n];
        for (var level = 1; level < _levelNames.Length - 1; level++)
        {
            var keys = new string[n];
            for (var i = 0; i < n; i++)
            {
                var node = cluster.Nodes[i];
                if (labeled)
                {
                    // A domain is the path of labels from the widest level down to this one (every test node has all labels).
                    var widestFirst = cluster.TopologyLevels;
                    var depth = widestFirst.Count - level; // index of this level in the widest-first list
                    keys[i] = string.Join("/", widestFirst.Take(depth + 1).Select(l => node.Labels[l]));
                }
                else
                {
                    var label = level == 1 ? node.NvLinkDomain : node.Rack;
                    keys[i] = label ?? "\0own:" + i;
                }
            }

            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            _domainOf[level] = keys.Select(k => index.TryGetValue(k, out var d) ? d : index[k] = index.Count).ToArray();
        }
    }

    private int Top => _levelNames.Length - 1;

    private int? LevelIndex(string name)
    {
        var i = Array.FindIndex(_levelNames, l => string.Equals(l, name, StringComparison.OrdinalIgnoreCase));
        return i < 0 ? null : i;
    }

    private int SpanIndex(TopologyLevel span) => span switch
    {
        TopologyLevel.Node => 0,
        TopologyLevel.NvLinkDomain => LevelIndex("nvlink") ?? 0,
        TopologyLevel.Rack => LevelIndex("rack") ?? 0,
        _ => Top,
    };

    /// <summary>The expected placement as (ToString, SpanLevel, Span, GpuType), or null when none exists.</summary>
    /// <param name="job">The job (its gang is <c>job.Gpus</c>).</param>
    /// <param name="usable">GPUs each node can give the job (GPUs, CPU, memory, up, backfill limit).</param>
    /// <param name="free">Free GPUs of each node (0 when down; with the backfill limit), the best-fit measure.</param>
    /// <param name="typeOrder">The pass's type order, or null.</param>
    public (string Nodes, string SpanLevel, TopologyLevel Span, string GpuType)? Place(JobSpec job, int[] usable, int[] free, int[]? typeOrder)
    {
        var g = job.Gpus;
        var maxLevel = SpanIndex(job.MaxSpan);
        int? preferred = null;
        int? slice = null;
        var sliceLevel = 0;
        var balanced = false;
        if (job.Topology is { } t)
        {
            if (t.RequiredLevel is { } r)
            {
                if (LevelIndex(r) is not { } ri)
                {
                    return null;
                }

                maxLevel = Math.Min(maxLevel, ri);
            }

            if (t.PreferredLevel is { } p)
            {
                if (LevelIndex(p) is not { } pi)
                {
                    return null;
                }

                preferred = pi;
            }

            if (t.SliceGpus is { } k)
            {
                if (LevelIndex(t.SliceLevel) is not { } si || g % k != 0)
                {
                    return null;
                }

                slice = k;
                sliceLevel = si;
            }

            balanced = t.Balanced;
        }

        var typeNames = _cluster.Nodes.Select(x => x.GpuType).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        IEnumerable<int> types = typeOrder
            ?? (job.GpuTypes.Count == 0
                ? Enumerable.Range(0, typeNames.Count)
                : job.GpuTypes.Select(name => typeNames.FindIndex(x => string.Equals(x, name, StringComparison.OrdinalIgnoreCase))).Where(i => i >= 0));
        foreach (var type in types)
        {
            var ofType = Enumerable.Range(0, _cluster.Nodes.Count)
                .Where(n => string.Equals(_cluster.Nodes[n].GpuType, typeNames[type], StringComparison.OrdinalIgnoreCase))
                .ToArray();

            // One node: the fewest free GPUs left, lowest index on a tie.
            var fitting = ofType.Where(n => usable[n] >= g).ToArray();
            if (fitting.Length > 0)
            {
                var best = fitting.OrderBy(n => free[n]).ThenBy(n => n).First();
                return Result([(best, g)], typeNames[type]);
            }

            for (var level = 1; level <= Math.Min(maxLevel, Top - 1); level++)
            {
                // Capacity in whole slices when the domain splits into slice domains, else in GPUs (a domain inside one
                // slice domain holds g / k slices exactly when it holds g GPUs).
                var inSlices = slice is not null && sliceLevel < level;
                var domains = ofType.GroupBy(n => _domainOf[level][n])
                    .Select(d => (Domain: d.Key, Nodes: d.ToArray(), Capacity: Capacity(d.ToArray(), usable, inSlices ? slice : null, sliceLevel)))
                    .Where(d => d.Capacity >= (inSlices ? g / slice!.Value : g))
                    .OrderBy(d => d.Capacity).ThenBy(d => d.Domain)
                    .ToList();
                if (domains.Count > 0 && Fill(domains[0].Nodes, level, usable, g, slice, sliceLevel, preferred, balanced) is { } found)
                {
                    return Result(found, typeNames[type]);
                }
            }

            if (maxLevel == Top && Fill(ofType, Top, usable, g, slice, sliceLevel, preferred, balanced) is { } wide)
            {
                return Result(wide, typeNames[type]);
            }
        }

        return null;
    }

    private int Capacity(int[] nodes, int[] usable, int? slice, int sliceLevel) =>
        slice is not { } k
            ? nodes.Sum(n => usable[n])
            : nodes.GroupBy(n => _domainOf[sliceLevel][n]).Sum(s => s.Sum(n => usable[n]) / k);

    private List<(int Node, int Gpus)>? Fill(int[] nodes, int level, int[] usable, int g, int? slice, int sliceLevel, int? preferred, bool balanced)
    {
        var candidates = nodes.Where(n => usable[n] > 0).ToArray();
        if (candidates.Sum(n => usable[n]) < g)
        {
            return null;
        }

        if (slice is { } k)
        {
            return Groups(candidates, sliceLevel, usable, g, k, balanced);
        }

        if (preferred is { } p && p > 0 && p < level)
        {
            return Groups(candidates, p, usable, g, 1, balanced);
        }

        return balanced ? Groups(candidates, 0, usable, g, 1, balanced: true) : Pack(candidates, usable, g);
    }

    private static List<(int Node, int Gpus)> Pack(int[] candidates, int[] usable, int g)
    {
        var sorted = candidates.OrderByDescending(n => usable[n]).ThenBy(n => n).ToList();
        var result = new List<(int, int)>();
        var need = g;
        for (var i = 0; need > 0; i++)
        {
            var n = sorted[i];
            if (usable[n] > need)
            {
                // The last piece: the tightest node after this one that holds it (highest index among equals).
                var tight = sorted.Skip(i + 1).Where(m => usable[m] >= need).OrderBy(m => usable[m]).ThenByDescending(m => m).ToList();
                if (tight.Count > 0)
                {
                    result.Add((tight[0], need));
                    return result;
                }
            }

            var take = Math.Min(usable[n], need);
            result.Add((n, take));
            need -= take;
        }

        return result;
    }

    private List<(int Node, int Gpus)>? Groups(int[] candidates, int groupLevel, int[] usable, int g, int unit, bool balanced)
    {
        var groups = candidates.GroupBy(n => _domainOf[groupLevel][n])
            .Select(x => (Group: x.Key, Nodes: x.ToArray(), Units: x.Sum(n => usable[n]) / unit))
            .Where(x => x.Units > 0)
            .OrderByDescending(x => x.Units).ThenBy(x => x.Group)
            .ToList();
        var needed = g / unit;
        var used = 0;
        for (var covered = 0; covered < needed; used++)
        {
            if (used == groups.Count)
            {
                return null;
            }

            covered += groups[used].Units;
        }

        var shares = new int[used];
        if (balanced)
        {
            // Water-filling one unit at a time: the group with room and the smallest share, lowest position on a tie.
            for (var u = 0; u < needed; u++)
            {
                var pick = Enumerable.Range(0, used).Where(i => shares[i] < groups[i].Units).OrderBy(i => shares[i]).ThenBy(i => i).First();
                shares[pick]++;
            }
        }
        else
        {
            var left = needed;
            for (var i = 0; i < used; i++)
            {
                shares[i] = Math.Min(left, groups[i].Units);
                left -= shares[i];
            }
        }

        var result = new List<(int, int)>();
        for (var i = 0; i < used; i++)
        {
            var need = shares[i] * unit;
            foreach (var n in groups[i].Nodes.OrderByDescending(n => usable[n]).ThenBy(n => n))
            {
                if (need == 0)
                {
                    break;
                }

                var take = Math.Min(usable[n], need);
                result.Add((n, take));
                need -= take;
            }
        }

        return result;
    }

    private (string, string, TopologyLevel, string) Result(List<(int Node, int Gpus)> allocations, string type)
    {
        var sorted = allocations.OrderBy(a => a.Node).ToList();
        var span = Top;
        for (var level = 0; level <= Top; level++)
        {
            if (sorted.Select(a => _domainOf[level][a.Node]).Distinct().Count() == 1)
            {
                span = level;
                break;
            }
        }

        var nv = LevelIndex("nvlink");
        var rack = LevelIndex("rack");
        var coarse = span == 0 ? TopologyLevel.Node
            : nv is { } v && v >= span ? TopologyLevel.NvLinkDomain
            : rack is { } r && r >= span ? TopologyLevel.Rack
            : TopologyLevel.Cluster;
        return (string.Join(";", sorted.Select(a => a.Node + ":" + a.Gpus)), _levelNames[span], coarse, type);
    }
}
