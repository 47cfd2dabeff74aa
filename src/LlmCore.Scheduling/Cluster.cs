using System.Collections.ObjectModel;

namespace LlmCore.Scheduling;

/// <summary>The levels of a GPU cluster's topology, from the tightest (one node) to the widest (the whole cluster).</summary>
/// <remarks>A gang placed within a tighter level communicates faster: NVLink inside a node or NVLink domain, then the
/// rack's top-of-rack switch, then the cluster network (Slurm <c>topology/tree</c>, Kueue topology-aware scheduling).</remarks>
public enum TopologyLevel
{
    /// <summary>All GPUs on one node.</summary>
    Node = 0,

    /// <summary>All GPUs within one NVLink domain (for example an NVL72 rack-scale system): the level named <c>nvlink</c>;
    /// one node on a cluster without that level.</summary>
    NvLinkDomain = 1,

    /// <summary>All GPUs within one rack: the level named <c>rack</c>; one node on a cluster without that level.</summary>
    Rack = 2,

    /// <summary>Anywhere in the cluster.</summary>
    Cluster = 3,
}

/// <summary>One node of a cluster: its GPUs (one type per node), CPU cores, memory and place in the topology.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record NodeSpec
{
    /// <summary>Creates a node description.</summary>
    /// <param name="name">A unique name (for example a host name).</param>
    /// <param name="gpus">The number of GPUs, at least 1.</param>
    /// <param name="gpuType">The GPU type (for example <c>H100</c>); compared case-insensitively.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> or <paramref name="gpuType"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gpus"/> is less than 1.</exception>
    public NodeSpec(string name, int gpus, string gpuType = "GPU")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(gpuType);
        ArgumentOutOfRangeException.ThrowIfLessThan(gpus, 1);
        Name = name;
        Gpus = gpus;
        GpuType = gpuType;
    }

    /// <summary>Gets the node's unique name.</summary>
    public string Name { get; }

    /// <summary>Gets the number of GPUs on the node (at least 1).</summary>
    public int Gpus { get; }

    /// <summary>Gets the GPU type of the node.</summary>
    public string GpuType { get; }

    /// <summary>Gets the CPU cores on the node; <see cref="double.PositiveInfinity"/> (the default) means not tracked.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or NaN.</exception>
    public double CpuCores
    {
        get;
        init
        {
            ThrowIfNegativeOrNaN(value);
            field = value;
        }
    } = double.PositiveInfinity;

    /// <summary>Gets the memory of the node in GiB; <see cref="double.PositiveInfinity"/> (the default) means not tracked.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or NaN.</exception>
    public double MemoryGib
    {
        get;
        init
        {
            ThrowIfNegativeOrNaN(value);
            field = value;
        }
    } = double.PositiveInfinity;

    /// <summary>Gets the NVLink domain the node belongs to, or <see langword="null"/> when it is its own domain.</summary>
    public string? NvLinkDomain { get; init; }

    /// <summary>Gets the rack the node belongs to, or <see langword="null"/> when it is its own rack.</summary>
    public string? Rack { get; init; }

    /// <summary>
    /// Gets the node's domain at each named topology level of a cluster built with levels
    /// (<see cref="Cluster(IEnumerable{NodeSpec}, IEnumerable{string})"/>), by level name (case-insensitive), e.g.
    /// <c>{ "block": "b1", "rack": "r7", "nvl72": "d3" }</c>. A node without a label at a level is a domain of its own
    /// there and at every narrower level. For the levels named <c>rack</c> and <c>nvlink</c>, <see cref="Rack"/> and
    /// <see cref="NvLinkDomain"/> stand in for a missing label.
    /// </summary>
    /// <value>The default value is empty.</value>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = s_noLabels;

    private static readonly IReadOnlyDictionary<string, string> s_noLabels = new Dictionary<string, string>();

    internal static void ThrowIfNegativeOrNaN(double value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (double.IsNaN(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be a non-negative number (or +Infinity for not tracked).");
        }
    }
}

/// <summary>
/// An immutable description of a GPU cluster: its nodes, their GPU types and their topology. The topology is a tree of
/// any depth: node ⊂ each named level, narrowest to widest ⊂ cluster (for example node ⊂ NVLink domain ⊂ rack ⊂ block).
/// Node failures and allocations are state of a <see cref="SchedulingEngine"/>, not of this description.
/// </summary>
/// <remarks>
/// Without levels (<see cref="Cluster(IEnumerable{NodeSpec})"/>) the levels are <c>rack</c> and <c>nvlink</c> from
/// <see cref="NodeSpec.Rack"/> and <see cref="NodeSpec.NvLinkDomain"/>, each grouping nodes by its own value. With
/// levels, a node's domain at a level is the path of its <see cref="NodeSpec.Labels"/> from the widest level down to
/// that one, so a domain always lies inside one domain of every wider level (Kueue's Topology levels; Slurm
/// <c>topology/tree</c>). <see cref="TopologyLevel.NvLinkDomain"/> and <see cref="TopologyLevel.Rack"/> refer to the
/// levels named <c>nvlink</c> and <c>rack</c>; a cluster without such a level treats every node as its own domain there.
/// Immutable and thread-safe.
/// </remarks>
public sealed class Cluster
{
    /// <summary>The name of the implicit narrowest level (one node).</summary>
    public const string NodeLevel = "node";

    /// <summary>The name of the implicit widest level (the whole cluster).</summary>
    public const string ClusterLevel = "cluster";

    /// <summary>
    /// The most nodes a cluster may have by default (1,000,000), also the default limit on a cluster file's domains: the
    /// simulator's state grows with the node count (about 550 MB and 11 s to build at this size), so larger requests are
    /// refused before anything is allocated. The constructors and <see cref="Uniform(int, int, string, int, long)"/> that
    /// take a GPU limit scale it in proportion (<see cref="MaxNodesFor"/>).
    /// </summary>
    public const int MaxNodes = 1_000_000;

    /// <summary>
    /// The most GPUs a cluster may have in total by default (8,388,608 = 2²³): the simulator's state grows with the
    /// cluster, so larger requests are refused before anything is allocated (a billion GPUs on one node needed over
    /// 11 GB). The overloads that take <c>maxGpus</c> raise it, up to <see cref="MaxGpusCeiling"/>.
    /// </summary>
    public const long MaxGpus = 8_388_608;

    /// <summary>
    /// The largest GPU limit a caller may set (2³⁰ = 1,073,741,824): <see cref="TotalGpus"/> is an <see cref="int"/>, and
    /// the scheduler's capacity index for one node of this many GPUs is as long as a .NET array may be.
    /// </summary>
    public const long MaxGpusCeiling = 1L << 30;

    /// <summary>The most named topology levels a cluster may have (64): each level keeps an array per node.</summary>
    internal const int MaxTopologyLevels = 64;

    /// <summary>Bytes of the scheduler's capacity index allowed per GPU of the limit (128: 1 GiB at the default limit).</summary>
    internal const long IndexBytesPerGpuOfLimit = 128;

    private readonly Dictionary<string, int> _indexByName;
    private readonly string[] _levelNames;

    /// <summary>Creates a cluster from its nodes; nodes are numbered from 0 in the given order.</summary>
    /// <param name="nodes">The nodes, at least one, with unique names.</param>
    /// <exception cref="ArgumentNullException"><paramref name="nodes"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="nodes"/> is empty, contains <see langword="null"/> or repeats a name,
    /// or has more than <see cref="MaxNodes"/> nodes or <see cref="MaxGpus"/> GPUs, or its scheduler state would exceed 1 GiB
    /// (see <see cref="Cluster(IEnumerable{NodeSpec}, IEnumerable{string}, long)"/>).</exception>
    public Cluster(IEnumerable<NodeSpec> nodes)
        : this(nodes, null, labeled: false, MaxGpus)
    {
    }

    /// <summary>Creates a cluster whose topology has the named levels, from the widest (e.g. <c>block</c>) to the narrowest
    /// above a node (e.g. <c>nvlink</c>); each node names its domain at each level in <see cref="NodeSpec.Labels"/>.</summary>
    /// <param name="nodes">The nodes, at least one, with unique names; numbered from 0 in the given order.</param>
    /// <param name="topologyLevels">The level names, widest first, unique (case-insensitive), none of them <c>node</c> or <c>cluster</c>; may be empty.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="nodes"/> is empty, contains <see langword="null"/> or repeats a
    /// name, has more than <see cref="MaxNodes"/> nodes or <see cref="MaxGpus"/> GPUs, or a level name is empty, repeated or reserved.</exception>
    public Cluster(IEnumerable<NodeSpec> nodes, IEnumerable<string> topologyLevels)
        : this(nodes, topologyLevels ?? throw new ArgumentNullException(nameof(topologyLevels)), labeled: true, MaxGpus)
    {
    }

    /// <summary>Creates a cluster with named topology levels, as <see cref="Cluster(IEnumerable{NodeSpec}, IEnumerable{string})"/>,
    /// under a GPU limit other than <see cref="MaxGpus"/>: the cluster may have up to <paramref name="maxGpus"/> GPUs and
    /// <see cref="MaxNodesFor"/>(<paramref name="maxGpus"/>) nodes, and its scheduler state may take up to 128 bytes per GPU
    /// of the limit (1 GiB at the default; the state grows with GPU types × the largest node's GPUs × nodes / 8 bytes and
    /// with topology domains × GPU types).</summary>
    /// <param name="nodes">The nodes, at least one, with unique names; numbered from 0 in the given order.</param>
    /// <param name="topologyLevels">The level names, widest first, unique (case-insensitive), none of them <c>node</c> or <c>cluster</c>; may be empty.</param>
    /// <param name="maxGpus">The GPU limit, in [1, <see cref="MaxGpusCeiling"/>].</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxGpus"/> is outside [1, <see cref="MaxGpusCeiling"/>],
    /// or the cluster exceeds the limits it sets.</exception>
    /// <exception cref="ArgumentException"><paramref name="nodes"/> is empty, contains <see langword="null"/> or repeats a
    /// name, or a level name is empty, repeated or reserved.</exception>
    public Cluster(IEnumerable<NodeSpec> nodes, IEnumerable<string> topologyLevels, long maxGpus)
        : this(nodes, topologyLevels ?? throw new ArgumentNullException(nameof(topologyLevels)), labeled: true, CheckLimit(maxGpus))
    {
    }

    private Cluster(IEnumerable<NodeSpec> nodes, IEnumerable<string>? topologyLevels, bool labeled, long maxGpus)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var list = nodes.ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException("A cluster needs at least one node.", nameof(nodes));
        }

        CheckSize(list.Length, list.Sum(static n => (long)(n?.Gpus ?? 0)), maxGpus, nameof(nodes));

        string[] levels;
        if (!labeled || topologyLevels is null)
        {
            levels = ["rack", "nvlink"];
        }
        else
        {
            levels = [.. topologyLevels];
            if (levels.Length > MaxTopologyLevels)
            {
                throw new ArgumentOutOfRangeException(nameof(topologyLevels), levels.Length, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"A cluster may have at most {MaxTopologyLevels} topology levels; this one has {levels.Length}."));
            }

            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { NodeLevel, ClusterLevel };
            foreach (var level in levels)
            {
                if (string.IsNullOrWhiteSpace(level) || !seen.Add(level))
                {
                    throw new ArgumentException($"Topology level '{level}' is empty, repeated or reserved (node and cluster are implicit).", nameof(topologyLevels));
                }
            }
        }

        _indexByName = new Dictionary<string, int>(StringComparer.Ordinal);
        var types = new List<string>();
        var typeIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        TypeOf = new int[list.Length];
        _nodePlacements = new Placement?[list.Length][];
        for (var i = 0; i < list.Length; i++)
        {
            var node = list[i] ?? throw new ArgumentException("Nodes must not be null.", nameof(nodes));
            if (!_indexByName.TryAdd(node.Name, i))
            {
                throw new ArgumentException($"Node name '{node.Name}' appears twice.", nameof(nodes));
            }

            // A dictionary, not a scan of the list: a million nodes of distinct types made the scan quadratic.
            if (!typeIndex.TryGetValue(node.GpuType, out var t))
            {
                t = types.Count;
                typeIndex.Add(node.GpuType, t);
                types.Add(node.GpuType);
            }

            TypeOf[i] = t;
            TotalGpus += node.Gpus;
            MaxGpusPerNode = Math.Max(MaxGpusPerNode, node.Gpus);
        }

        // Internal level indices run from the node (0) through the named levels, narrowest first, to the cluster.
        var count = levels.Length + 2;
        _levelNames = new string[count];
        _levelNames[0] = NodeLevel;
        _levelNames[count - 1] = ClusterLevel;
        DomainOf = new int[count][];
        DomainCounts = new int[count];
        DomainOf[0] = [.. Enumerable.Range(0, list.Length)];
        DomainCounts[0] = list.Length;
        DomainOf[count - 1] = new int[list.Length];
        DomainCounts[count - 1] = 1;
        var paths = new string[list.Length];
        for (var l = 0; l < levels.Length; l++)
        {
            // Widest named level first, so each narrower level can extend the path of the wider ones.
            var level = levels[l];
            var index = count - 2 - l;
            _levelNames[index] = level;
            var groups = new Dictionary<string, int>(StringComparer.Ordinal);
            DomainOf[index] = new int[list.Length];
            for (var i = 0; i < list.Length; i++)
            {
                var node = list[i];
                string? label;
                if (topologyLevels is null)
                {
                    label = l == 0 ? node.Rack : node.NvLinkDomain;
                }
                else
                {
                    label = LabelOf(node, level);
                    paths[i] = label is null ? paths[i] + "\0" + node.Name + "/" : paths[i] + label + "/";
                    label = label is null ? null : paths[i];
                }

                DomainOf[index][i] = GroupIndex(groups, label, "node:" + node.Name);
            }

            DomainCounts[index] = groups.Count;
        }

        CheckIndexSize(list.Length, types.Count, MaxGpusPerNode, DomainCounts, maxGpus, nameof(nodes));

        DomainNodes = new int[count][];
        DomainStart = new int[count][];
        for (var level = 0; level < count; level++)
        {
            var starts = new int[DomainCounts[level] + 1];
            foreach (var d in DomainOf[level])
            {
                starts[d + 1]++;
            }

            for (var d = 0; d < DomainCounts[level]; d++)
            {
                starts[d + 1] += starts[d];
            }

            var fill = (int[])starts.Clone();
            var members = new int[list.Length];
            for (var n = 0; n < list.Length; n++)
            {
                members[fill[DomainOf[level][n]]++] = n;
            }

            DomainStart[level] = starts;
            DomainNodes[level] = members;
        }

        Nodes = new ReadOnlyCollection<NodeSpec>(list);
        GpuTypes = types.AsReadOnly();
        TopologyLevels = Array.AsReadOnly(levels);
        NvLinkLevel = LevelIndexOf("nvlink") ?? 0;
        RackLevel = LevelIndexOf("rack") ?? 0;
        GpusOfType = new int[types.Count];
        for (var n = 0; n < list.Length; n++)
        {
            GpusOfType[TypeOf[n]] += list[n].Gpus;
        }
    }

    /// <summary>Gets the nodes, indexed from 0.</summary>
    public IReadOnlyList<NodeSpec> Nodes { get; }

    /// <summary>Gets the distinct GPU types, in order of first appearance.</summary>
    public IReadOnlyList<string> GpuTypes { get; }

    /// <summary>Gets the named topology levels, widest first (<c>rack</c>, <c>nvlink</c> for a cluster built without levels).</summary>
    public IReadOnlyList<string> TopologyLevels { get; }

    /// <summary>Gets the total number of GPUs.</summary>
    public int TotalGpus { get; }

    /// <summary>Gets the largest number of GPUs on one node.</summary>
    public int MaxGpusPerNode { get; }

    /// <summary>The level index of each node's domain: <c>DomainOf[level][node]</c>; level 0 is the node, the last the cluster.</summary>
    internal int[][] DomainOf { get; }

    /// <summary>The number of domains per level.</summary>
    internal int[] DomainCounts { get; }

    /// <summary>The nodes of each domain: <c>DomainNodes[level][DomainStart[level][d] .. DomainStart[level][d + 1]]</c>, ascending.</summary>
    internal int[][] DomainNodes { get; }

    /// <summary>The offsets into <see cref="DomainNodes"/> per level.</summary>
    internal int[][] DomainStart { get; }

    internal int LevelCount => _levelNames.Length;

    internal int TopLevel => _levelNames.Length - 1;

    /// <summary>The level index <see cref="TopologyLevel.NvLinkDomain"/> refers to (0 when the cluster has no <c>nvlink</c> level).</summary>
    internal int NvLinkLevel { get; }

    /// <summary>The level index <see cref="TopologyLevel.Rack"/> refers to (0 when the cluster has no <c>rack</c> level).</summary>
    internal int RackLevel { get; }

    internal int[] TypeOf { get; }

    /// <summary>Per node, its one-node placements by GPU count, made on first use (see <see cref="NodePlacement"/>).</summary>
    private readonly Placement?[]?[] _nodePlacements;

    /// <summary>
    /// The placement of <paramref name="gpus"/> GPUs on node <paramref name="node"/> alone: one shared instance per node and
    /// size (a placement is an immutable value), so that the launches of a long simulation, most of them on one node,
    /// allocate no placement each. Thread-safe: two threads that make the same one at once each get a placement equal
    /// to the other's, and one of them is kept.
    /// </summary>
    internal Placement NodePlacement(int node, int gpus)
    {
        // The fast path reads two arrays and no node: a slot is filled only with a size checked against its node.
        var row = Volatile.Read(ref _nodePlacements[node]);
        if (row is not null && (uint)gpus < (uint)row.Length && Volatile.Read(ref row[gpus]) is { } placement)
        {
            return placement;
        }

        return MakeNodePlacement(node, gpus);
    }

    private Placement MakeNodePlacement(int node, int gpus)
    {
        var n = Nodes[node];
        if ((uint)gpus - 1 >= (uint)n.Gpus)
        {
            throw new ArgumentOutOfRangeException(nameof(gpus), gpus, $"must be in [1, {n.Gpus}], the GPUs of node {n.Name}.");
        }

        if (Volatile.Read(ref _nodePlacements[node]) is null)
        {
            // Every node's row at once while they are small in all (at most 2^20 slots, 8 MB): made together, they sit
            // together in memory, which a simulation's launches on nodes all over the cluster read at random.
            var (from, to) = (long)_nodePlacements.Length * (MaxGpusPerNode + 1) <= 1 << 20 ? (0, _nodePlacements.Length) : (node, node + 1);
            for (var i = from; i < to; i++)
            {
                Interlocked.CompareExchange(ref _nodePlacements[i], new Placement?[Nodes[i].Gpus + 1], null);
            }
        }

        var row = Volatile.Read(ref _nodePlacements[node])!;
        var made = new Placement([new NodeAllocation(node, n.Name, gpus)], n.GpuType, TopologyLevel.Node) { SpanLevel = NodeLevel };
        return Interlocked.CompareExchange(ref row[gpus], made, null) ?? made;
    }

    internal int[] GpusOfType { get; }

    /// <summary>Creates a homogeneous cluster of <paramref name="nodes"/> nodes named <c>node0</c>, <c>node1</c>, ...</summary>
    /// <param name="nodes">The number of nodes, at least 1.</param>
    /// <param name="gpusPerNode">GPUs per node, at least 1.</param>
    /// <param name="gpuType">The GPU type of every node.</param>
    /// <param name="nodesPerRack">Nodes per rack (consecutive nodes share a rack), or 0 for no racks.</param>
    /// <returns>The cluster.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range, or the cluster would exceed <see cref="MaxNodes"/> nodes or <see cref="MaxGpus"/> GPUs.</exception>
    public static Cluster Uniform(int nodes, int gpusPerNode, string gpuType = "GPU", int nodesPerRack = 0) =>
        Uniform(nodes, gpusPerNode, gpuType, nodesPerRack, MaxGpus);

    /// <summary>Creates a homogeneous cluster as <see cref="Uniform(int, int, string, int)"/>, under a GPU limit other than
    /// <see cref="MaxGpus"/> (the node limit scales with it: <see cref="MaxNodesFor"/>).</summary>
    /// <param name="nodes">The number of nodes, at least 1.</param>
    /// <param name="gpusPerNode">GPUs per node, at least 1.</param>
    /// <param name="gpuType">The GPU type of every node.</param>
    /// <param name="nodesPerRack">Nodes per rack (consecutive nodes share a rack), or 0 for no racks.</param>
    /// <param name="maxGpus">The GPU limit, in [1, <see cref="MaxGpusCeiling"/>].</param>
    /// <returns>The cluster.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range, <paramref name="maxGpus"/> is outside
    /// [1, <see cref="MaxGpusCeiling"/>], or the cluster would exceed the limits it sets.</exception>
    public static Cluster Uniform(int nodes, int gpusPerNode, string gpuType, int nodesPerRack, long maxGpus)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(gpusPerNode, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(nodesPerRack);
        CheckLimit(maxGpus);
        CheckSize(nodes, (long)nodes * gpusPerNode, maxGpus, nameof(nodes));
        return new Cluster(Enumerable.Range(0, nodes).Select(i => new NodeSpec("node" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), gpusPerNode, gpuType)
        {
            Rack = nodesPerRack > 0 ? "rack" + (i / nodesPerRack).ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
        }), null, labeled: false, maxGpus);
    }

    /// <summary>The node limit (and a cluster file's domain limit) that goes with a GPU limit: <see cref="MaxNodes"/> scaled
    /// by <paramref name="maxGpus"/> / <see cref="MaxGpus"/>, rounded down, never below <see cref="MaxNodes"/> (1,000,000 at
    /// or below the default, 128,000,000 at the ceiling; a lower GPU limit bounds the nodes anyway, each has a GPU).</summary>
    /// <param name="maxGpus">The GPU limit, in [1, <see cref="MaxGpusCeiling"/>].</param>
    /// <returns>The node limit.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxGpus"/> is outside [1, <see cref="MaxGpusCeiling"/>].</exception>
    public static int MaxNodesFor(long maxGpus)
    {
        CheckLimit(maxGpus);
        return (int)Math.Max(MaxNodes, maxGpus * MaxNodes / MaxGpus);
    }

    private static long CheckLimit(long maxGpus)
    {
        if (maxGpus is < 1 or > MaxGpusCeiling)
        {
            throw new ArgumentOutOfRangeException(nameof(maxGpus), maxGpus, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The GPU limit must lie in [1, {MaxGpusCeiling:N0}]."));
        }

        return maxGpus;
    }

    /// <summary>Refuses a cluster beyond the node or GPU limit, before anything is allocated.</summary>
    private static void CheckSize(int nodes, long gpus, long maxGpus, string paramName)
    {
        var maxNodes = MaxNodesFor(maxGpus);
        if (nodes > maxNodes)
        {
            throw new ArgumentOutOfRangeException(paramName, nodes, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"A cluster may have at most {maxNodes:N0} nodes under a limit of {maxGpus:N0} GPUs; this one has {nodes:N0}."));
        }

        if (gpus > maxGpus)
        {
            throw new ArgumentOutOfRangeException(paramName, gpus, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"A cluster may have at most {maxGpus:N0} GPUs in total; this one has {gpus:N0}."));
        }
    }

    /// <summary>Refuses a cluster whose scheduler state (the capacity index: a bitset per GPU type and free-GPU count over
    /// the nodes, and free GPUs per domain and type at every level) would exceed 128 bytes per GPU of the limit: a few
    /// nodes with very many GPUs among many small ones, or very many GPU types, would otherwise allocate beyond memory.</summary>
    internal static void CheckIndexSize(int nodes, int types, int maxGpusPerNode, IReadOnlyList<int> domainCounts, long maxGpus, string paramName)
    {
        var bytes = (decimal)types * (maxGpusPerNode + 1) * ((nodes + 63) / 64) * sizeof(ulong);
        foreach (var domains in domainCounts)
        {
            bytes += (decimal)domains * types * sizeof(int);
        }

        var allowed = (decimal)maxGpus * IndexBytesPerGpuOfLimit;
        if (bytes > allowed)
        {
            throw new ArgumentOutOfRangeException(paramName, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The cluster's scheduler state would take {bytes / (1024 * 1024):N0} MiB ({types:N0} GPU type(s) × {maxGpusPerNode + 1:N0} free-GPU counts × {nodes:N0} nodes / 8 bytes, plus domains × types), more than the {allowed / (1024 * 1024):N0} MiB allowed under a limit of {maxGpus:N0} GPUs (128 bytes per GPU)."));
        }
    }

    /// <summary>Gets the index of the node named <paramref name="name"/>.</summary>
    /// <param name="name">The node's name.</param>
    /// <returns>The node's index.</returns>
    /// <exception cref="ArgumentException">No node has that name.</exception>
    public int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_indexByName.TryGetValue(name, out var index))
        {
            throw new ArgumentException($"The cluster has no node named '{name}'.", nameof(name));
        }

        return index;
    }

    /// <summary>Gets whether <paramref name="level"/> names a level of this cluster: <c>node</c>, <c>cluster</c> or one of <see cref="TopologyLevels"/> (case-insensitive).</summary>
    /// <param name="level">The level name.</param>
    /// <returns><see langword="true"/> when the level exists.</returns>
    public bool HasTopologyLevel(string level) => level is not null && LevelIndexOf(level) is not null;

    /// <summary>Gets the number of domains at a level (the number of nodes at <c>node</c>, 1 at <c>cluster</c>).</summary>
    /// <param name="level">The level name.</param>
    /// <returns>The number of domains.</returns>
    /// <exception cref="ArgumentException">The cluster has no such level.</exception>
    public int DomainCount(string level)
    {
        ArgumentNullException.ThrowIfNull(level);
        return DomainCounts[LevelIndexOf(level) ?? throw new ArgumentException($"The cluster has no topology level '{level}'; its levels are {string.Join(", ", _levelNames)}.", nameof(level))];
    }

    internal string LevelName(int level) => _levelNames[level];

    /// <summary>The internal index of a level name, or <see langword="null"/>.</summary>
    internal int? LevelIndexOf(string level)
    {
        for (var i = 0; i < _levelNames.Length; i++)
        {
            if (string.Equals(_levelNames[i], level, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return null;
    }

    /// <summary>The internal level index of a <see cref="TopologyLevel"/>.</summary>
    internal int LevelIndexOf(TopologyLevel level) => level switch
    {
        TopologyLevel.Node => 0,
        TopologyLevel.NvLinkDomain => NvLinkLevel,
        TopologyLevel.Rack => RackLevel,
        _ => TopLevel,
    };

    /// <summary>The tightest <see cref="TopologyLevel"/> whose level contains level index <paramref name="level"/>.</summary>
    internal TopologyLevel ToTopologyLevel(int level) =>
        level == 0 ? TopologyLevel.Node
        : NvLinkLevel >= level ? TopologyLevel.NvLinkDomain
        : RackLevel >= level ? TopologyLevel.Rack
        : TopologyLevel.Cluster;

    internal int TypeIndex(string gpuType)
    {
        for (var i = 0; i < GpuTypes.Count; i++)
        {
            if (string.Equals(GpuTypes[i], gpuType, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private static string? LabelOf(NodeSpec node, string level)
    {
        foreach (var (key, value) in node.Labels)
        {
            if (string.Equals(key, level, StringComparison.OrdinalIgnoreCase))
            {
                return string.IsNullOrWhiteSpace(value) ? null : value;
            }
        }

        return string.Equals(level, "rack", StringComparison.OrdinalIgnoreCase) ? node.Rack
            : string.Equals(level, "nvlink", StringComparison.OrdinalIgnoreCase) ? node.NvLinkDomain
            : null;
    }

    private static int GroupIndex(Dictionary<string, int> groups, string? key, string fallback)
    {
        key ??= "\0" + fallback;
        if (!groups.TryGetValue(key, out var index))
        {
            index = groups.Count;
            groups.Add(key, index);
        }

        return index;
    }
}
