using System.Globalization;
using System.Text;

namespace LlmCore.Scheduling;

/// <summary>GPUs of one node given to a job.</summary>
/// <param name="NodeIndex">The node's index in <see cref="Cluster.Nodes"/>.</param>
/// <param name="NodeName">The node's name.</param>
/// <param name="Gpus">The number of GPUs on that node.</param>
public readonly record struct NodeAllocation(int NodeIndex, string NodeName, int Gpus);

/// <summary>Where a gang runs: GPUs on one or more nodes, all of one type, within one topology level.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record Placement
{
    /// <summary>Creates a placement.</summary>
    /// <param name="nodes">The allocations, one per node.</param>
    /// <param name="gpuType">The GPU type of every allocated GPU.</param>
    /// <param name="span">The tightest topology level containing every allocation.</param>
    /// <exception cref="ArgumentException"><paramref name="nodes"/> is empty.</exception>
    public Placement(IReadOnlyList<NodeAllocation> nodes, string gpuType, TopologyLevel span)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(gpuType);
        if (nodes.Count == 0)
        {
            throw new ArgumentException("A placement needs at least one node.", nameof(nodes));
        }

        Nodes = nodes;
        GpuType = gpuType;
        Span = span;
        var gpus = 0;
        for (var i = 0; i < nodes.Count; i++)
        {
            gpus += nodes[i].Gpus;
        }

        Gpus = gpus;
    }

    /// <summary>Gets the allocations, one per node.</summary>
    public IReadOnlyList<NodeAllocation> Nodes { get; }

    /// <summary>Gets the GPU type.</summary>
    public string GpuType { get; }

    /// <summary>Gets the tightest of the four <see cref="TopologyLevel"/>s that contains the whole gang.</summary>
    public TopologyLevel Span { get; }

    /// <summary>Gets the name of the tightest level of the cluster's topology that contains the whole gang (<c>node</c>,
    /// one of <see cref="Cluster.TopologyLevels"/>, or <c>cluster</c>).</summary>
    /// <value>The default value is the lower-case name of <see cref="Span"/> (<c>node</c>, <c>nvlink</c>, <c>rack</c>, <c>cluster</c>).</value>
    public string SpanLevel
    {
        get => _spanLevel ?? Span switch
        {
            TopologyLevel.Node => Cluster.NodeLevel,
            TopologyLevel.NvLinkDomain => "nvlink",
            TopologyLevel.Rack => "rack",
            _ => Cluster.ClusterLevel,
        };
        init => _spanLevel = value ?? throw new ArgumentNullException(nameof(SpanLevel));
    }

    private readonly string? _spanLevel;

    /// <summary>Gets the total GPUs.</summary>
    public int Gpus { get; }

    /// <summary>Formats the placement as <c>node:gpus</c> pairs joined by <c>;</c> with node indices (e.g. <c>3:8;4:8</c>).</summary>
    /// <returns>The formatted placement.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var n in Nodes)
        {
            if (sb.Length > 0)
            {
                sb.Append(';');
            }

            sb.Append(n.NodeIndex.ToString(CultureInfo.InvariantCulture)).Append(':').Append(n.Gpus.ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }
}
