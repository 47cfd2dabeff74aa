using System.Collections.ObjectModel;

namespace LlmCore.Scheduling;

/// <summary>The levels of a GPU cluster's topology, from the tightest (one node) to the widest (the whole cluster).</summary>
/// <remarks>A gang placed within a tighter level communicates faster: NVLink inside a node or NVLink domain, then the
/// rack's top-of-rack switch, then the cluster network (Slurm <c>topology/tree</c>, Kueue topology-aware scheduling).</remarks>
public enum TopologyLevel
{
    /// <summary>All GPUs on one node.</summary>
    Node = 0,

    /// <summary>All GPUs within one NVLink domain (for example an NVL72 rack-scale system).</summary>
    NvLinkDomain = 1,

    /// <summary>All GPUs within one rack.</summary>
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

    internal static void ThrowIfNegativeOrNaN(double value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (double.IsNaN(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be a non-negative number (or +Infinity for not tracked).");
        }
    }
}

/// <summary>
/// An immutable description of a GPU cluster: its nodes and their topology (node ⊂ NVLink domain ⊂ rack ⊂ cluster).
/// Node failures and allocations are state of a <see cref="SchedulingEngine"/>, not of this description.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class Cluster
{
    private readonly Dictionary<string, int> _indexByName;

    /// <summary>Creates a cluster from its nodes; nodes are numbered from 0 in the given order.</summary>
    /// <param name="nodes">The nodes, at least one, with unique names.</param>
    /// <exception cref="ArgumentNullException"><paramref name="nodes"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="nodes"/> is empty, contains <see langword="null"/> or repeats a name.</exception>
    public Cluster(IEnumerable<NodeSpec> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var list = nodes.ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException("A cluster needs at least one node.", nameof(nodes));
        }

        _indexByName = new Dictionary<string, int>(StringComparer.Ordinal);
        var domains = new Dictionary<string, int>(StringComparer.Ordinal);
        var racks = new Dictionary<string, int>(StringComparer.Ordinal);
        var types = new List<string>();
        DomainOf = new int[list.Length];
        RackOf = new int[list.Length];
        TypeOf = new int[list.Length];
        for (var i = 0; i < list.Length; i++)
        {
            var node = list[i] ?? throw new ArgumentException("Nodes must not be null.", nameof(nodes));
            if (!_indexByName.TryAdd(node.Name, i))
            {
                throw new ArgumentException($"Node name '{node.Name}' appears twice.", nameof(nodes));
            }

            DomainOf[i] = GroupIndex(domains, node.NvLinkDomain, "node:" + node.Name);
            RackOf[i] = GroupIndex(racks, node.Rack, "node:" + node.Name);
            var t = types.FindIndex(x => string.Equals(x, node.GpuType, StringComparison.OrdinalIgnoreCase));
            if (t < 0)
            {
                types.Add(node.GpuType);
                t = types.Count - 1;
            }

            TypeOf[i] = t;
            TotalGpus += node.Gpus;
            MaxGpusPerNode = Math.Max(MaxGpusPerNode, node.Gpus);
        }

        Nodes = new ReadOnlyCollection<NodeSpec>(list);
        GpuTypes = types.AsReadOnly();
        DomainCount = domains.Count;
        RackCount = racks.Count;
    }

    /// <summary>Gets the nodes, indexed from 0.</summary>
    public IReadOnlyList<NodeSpec> Nodes { get; }

    /// <summary>Gets the distinct GPU types, in order of first appearance.</summary>
    public IReadOnlyList<string> GpuTypes { get; }

    /// <summary>Gets the total number of GPUs.</summary>
    public int TotalGpus { get; }

    /// <summary>Gets the largest number of GPUs on one node.</summary>
    public int MaxGpusPerNode { get; }

    internal int[] DomainOf { get; }

    internal int[] RackOf { get; }

    internal int[] TypeOf { get; }

    internal int DomainCount { get; }

    internal int RackCount { get; }

    /// <summary>Creates a homogeneous cluster of <paramref name="nodes"/> nodes named <c>node0</c>, <c>node1</c>, ...</summary>
    /// <param name="nodes">The number of nodes, at least 1.</param>
    /// <param name="gpusPerNode">GPUs per node, at least 1.</param>
    /// <param name="gpuType">The GPU type of every node.</param>
    /// <param name="nodesPerRack">Nodes per rack (consecutive nodes share a rack), or 0 for no racks.</param>
    /// <returns>The cluster.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range.</exception>
    public static Cluster Uniform(int nodes, int gpusPerNode, string gpuType = "GPU", int nodesPerRack = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(nodesPerRack);
        return new Cluster(Enumerable.Range(0, nodes).Select(i => new NodeSpec("node" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), gpusPerNode, gpuType)
        {
            Rack = nodesPerRack > 0 ? "rack" + (i / nodesPerRack).ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
        }));
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
