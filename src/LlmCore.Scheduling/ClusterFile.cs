using System.Globalization;
using System.Text.Json;
using LlmCore.Scheduling.Internal;

namespace LlmCore.Scheduling;

/// <summary>
/// Reads a cluster (nodes, GPU types and a topology of any depth) from a JSON file: the input of
/// <c>llmcore schedule simulate --cluster FILE.json</c>.
/// </summary>
/// <remarks>
/// <para>The file is one object with optional <c>levels</c> (the named topology levels, widest first, e.g.
/// <c>["block", "rack", "nvl72"]</c>) and the nodes, given either as a tree of <c>domains</c> or as a flat list of
/// <c>nodes</c> (or both). A domain is <c>{ "name": "rack", "count": 4, "domains": [...] }</c> or
/// <c>{ ..., "nodes": [...] }</c>; its depth in the tree is its level (the first level at the top). <c>count</c>
/// repeats it, numbering the copies (<c>rack0</c>, <c>rack1</c>, …; without <c>count</c> the name is used as is). A node
/// entry is <c>{ "gpus": 4, "gpuType": "GB200", "count": 18, "name": "gb", "cpuCores": 72, "memoryGib": 480,
/// "labels": { "rack": "r3" } }</c>: <c>gpus</c> is required; <c>gpuType</c> defaults to <c>GPU</c>; <c>count</c> repeats
/// the node (a named entry's copies are numbered, <c>gb0</c> … <c>gb17</c>; unnamed nodes are numbered across the cluster,
/// <c>n0</c>, <c>n1</c>, …); a node's name is prefixed by its domain's path (<c>block0-rack2-nvl72-gb7</c>); <c>labels</c> give the
/// node's domain at levels the tree does not (the flat form names every level this way).</para>
/// <para>For example, two blocks of four racks, each rack one NVL72 domain of 18 four-GPU nodes:
/// <c>{ "levels": ["block", "rack", "nvl72"], "domains": [ { "name": "block", "count": 2, "domains": [ { "name": "rack",
/// "count": 4, "domains": [ { "name": "nvl72", "nodes": [ { "count": 18, "gpus": 4, "gpuType": "GB200" } ] } ] } ] } ] }</c>.</para>
/// <para>A file declares at most 1,000,000 nodes (<see cref="Cluster.MaxNodes"/>), 1,000,000 domains (counting every copy)
/// and <see cref="Cluster.MaxGpus"/> GPUs in all, and its scheduler state may take at most 1 GiB; the overloads that take
/// <c>maxGpus</c> raise the GPU limit, and the node and domain limits with it (<see cref="Cluster.MaxNodesFor"/>).</para>
/// <para>Comments and trailing commas are allowed; unknown keys are errors (they are usually typos). Every error names
/// the file, line and column (<see cref="SchedulingFileException"/>). Stateless and thread-safe.</para>
/// </remarks>
public static class ClusterFile
{
    private static readonly string[] s_rootKeys = ["levels", "domains", "nodes", "name", "description"];
    private static readonly string[] s_domainKeys = ["name", "count", "domains", "nodes"];
    private static readonly string[] s_nodeKeys = ["name", "count", "gpus", "gpuType", "cpuCores", "memoryGib", "labels"];

    /// <summary>Reads a cluster file.</summary>
    /// <param name="path">The JSON file.</param>
    /// <returns>The cluster.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="SchedulingFileException">The file is malformed (the message names line and column).</exception>
    public static Cluster Load(string path) => Load(path, Cluster.MaxGpus);

    /// <summary>Reads a cluster file under a GPU limit other than <see cref="Cluster.MaxGpus"/> (the node and domain limits
    /// scale with it: <see cref="Cluster.MaxNodesFor"/>).</summary>
    /// <param name="path">The JSON file.</param>
    /// <param name="maxGpus">The GPU limit, in [1, <see cref="Cluster.MaxGpusCeiling"/>].</param>
    /// <returns>The cluster.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxGpus"/> is outside [1, <see cref="Cluster.MaxGpusCeiling"/>].</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="SchedulingFileException">The file is malformed or the cluster exceeds the limits (the message names line and column).</exception>
    public static Cluster Load(string path, long maxGpus)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _ = Cluster.MaxNodesFor(maxGpus);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The cluster file '{path}' does not exist.", path);
        }

        return Parse(File.ReadAllText(path), Path.GetFileName(path), maxGpus);
    }

    /// <summary>Parses a cluster from JSON text.</summary>
    /// <param name="json">The text.</param>
    /// <param name="source">A name for messages (e.g. the file name).</param>
    /// <returns>The cluster.</returns>
    /// <exception cref="SchedulingFileException">The text is malformed (the message names line and column).</exception>
    public static Cluster Parse(string json, string source = "cluster") => Parse(json, source, Cluster.MaxGpus);

    /// <summary>Parses a cluster from JSON text under a GPU limit other than <see cref="Cluster.MaxGpus"/> (the node and
    /// domain limits scale with it: <see cref="Cluster.MaxNodesFor"/>).</summary>
    /// <param name="json">The text.</param>
    /// <param name="source">A name for messages (e.g. the file name).</param>
    /// <param name="maxGpus">The GPU limit, in [1, <see cref="Cluster.MaxGpusCeiling"/>].</param>
    /// <returns>The cluster.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxGpus"/> is outside [1, <see cref="Cluster.MaxGpusCeiling"/>].</exception>
    /// <exception cref="SchedulingFileException">The text is malformed or the cluster exceeds the limits (the message names line and column).</exception>
    public static Cluster Parse(string json, string source, long maxGpus)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        var totals = new Totals(maxGpus);
        var root = PositionedJson.Parse(json, source).Expect(JsonValueKind.Object, source, "the cluster file");
        root.CheckKeys(s_rootKeys, source, "the cluster");
        var levels = new List<string>();
        if (root.Get("levels") is { } levelsNode)
        {
            levelsNode.Expect(JsonValueKind.Array, source, "\"levels\"");
            foreach (var item in levelsNode.Items)
            {
                var name = item.ExpectString(source, "a level name");
                if (string.Equals(name, Cluster.NodeLevel, StringComparison.OrdinalIgnoreCase) || string.Equals(name, Cluster.ClusterLevel, StringComparison.OrdinalIgnoreCase)
                    || levels.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    throw item.Error(source, $"level '{name}' is repeated or reserved (node and cluster are implicit)");
                }

                if (levels.Count == Cluster.MaxTopologyLevels)
                {
                    throw item.Error(source, $"more than {Cluster.MaxTopologyLevels} levels");
                }

                levels.Add(name);
            }
        }

        var nodes = new List<NodeSpec>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (root.Get("domains") is { } domains)
        {
            domains.Expect(JsonValueKind.Array, source, "\"domains\"");
            foreach (var domain in domains.Items)
            {
                ReadDomain(domain, 0, [], string.Empty, levels, nodes, names, totals, source);
            }
        }

        if (root.Get("nodes") is { } flat)
        {
            flat.Expect(JsonValueKind.Array, source, "\"nodes\"");
            foreach (var entry in flat.Items)
            {
                ReadNodes(entry, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase), string.Empty, levels, nodes, names, totals, source);
            }
        }

        if (nodes.Count == 0)
        {
            throw root.Error(source, "the cluster has no nodes: give \"domains\" or \"nodes\"");
        }

        var gpus = nodes.Sum(static n => (long)n.Gpus);
        if (gpus > totals.MaxGpus)
        {
            throw root.Error(source, string.Create(CultureInfo.InvariantCulture, $"the cluster would have {gpus:N0} GPUs, more than the {totals.MaxGpus:N0} a simulated cluster may have"));
        }

        try
        {
            return new Cluster(nodes, levels, totals.MaxGpus);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            // The size checks that need the whole cluster (topology levels, the scheduler's state): named at the file's start.
            throw root.Error(source, ex.Message.Replace($" (Parameter '{ex.ParamName}')", string.Empty, StringComparison.Ordinal).TrimEnd('.'));
        }
    }

    private static void ReadDomain(PositionedJson node, int depth, Dictionary<string, string> labels, string path, List<string> levels, List<NodeSpec> nodes, HashSet<string> names, Totals totals, string source)
    {
        node.Expect(JsonValueKind.Object, source, "a domain");
        node.CheckKeys(s_domainKeys, source, "a domain");
        if (depth >= levels.Count)
        {
            throw node.Error(source, $"a domain nested {depth + 1} deep, but \"levels\" names only {levels.Count} level(s); nest nodes instead, or add a level");
        }

        var name = node.Get("name")?.ExpectString(source, "a domain's \"name\"") ?? levels[depth];
        var countNode = node.Get("count");
        var count = countNode is null ? 1 : (int)countNode.ExpectNumber(source, "a domain's \"count\"", 1, totals.MaxNodes, integer: true);
        var children = node.Get("domains");
        var members = node.Get("nodes");
        if (children is null && members is null)
        {
            throw node.Error(source, $"domain '{name}' has neither \"domains\" nor \"nodes\"");
        }

        // Counts multiply down the tree; a tree of empty domains would otherwise loop count₁ × count₂ × … times.
        totals.Domains += count;
        if (totals.Domains > totals.MaxNodes)
        {
            throw node.Error(source, $"the cluster would have more than {totals.MaxNodes:N0} domains");
        }

        for (var i = 0; i < count; i++)
        {
            var label = countNode is null ? name : name + i.ToString(CultureInfo.InvariantCulture);
            var childLabels = new Dictionary<string, string>(labels, StringComparer.OrdinalIgnoreCase) { [levels[depth]] = label };
            var childPath = path.Length == 0 ? label : path + "-" + label;
            if (children is not null)
            {
                children.Expect(JsonValueKind.Array, source, "\"domains\"");
                foreach (var child in children.Items)
                {
                    ReadDomain(child, depth + 1, childLabels, childPath, levels, nodes, names, totals, source);
                }
            }

            if (members is not null)
            {
                members.Expect(JsonValueKind.Array, source, "\"nodes\"");
                foreach (var entry in members.Items)
                {
                    ReadNodes(entry, childLabels, childPath, levels, nodes, names, totals, source);
                }
            }
        }
    }

    private static void ReadNodes(PositionedJson entry, Dictionary<string, string> labels, string path, List<string> levels, List<NodeSpec> nodes, HashSet<string> names, Totals totals, string source)
    {
        entry.Expect(JsonValueKind.Object, source, "a node");
        entry.CheckKeys(s_nodeKeys, source, "a node");
        var gpusNode = entry.Get("gpus") ?? throw entry.Error(source, "a node needs \"gpus\" (GPUs per node, ≥ 1)");
        var gpus = (int)gpusNode.ExpectNumber(source, "\"gpus\"", 1, 1_000_000, integer: true);
        var gpuType = entry.Get("gpuType")?.ExpectString(source, "\"gpuType\"") ?? "GPU";
        var cpu = entry.Get("cpuCores")?.ExpectNumber(source, "\"cpuCores\"", 0, double.MaxValue) ?? double.PositiveInfinity;
        var memory = entry.Get("memoryGib")?.ExpectNumber(source, "\"memoryGib\"", 0, double.MaxValue) ?? double.PositiveInfinity;
        var countNode = entry.Get("count");
        var count = countNode is null ? 1 : (int)countNode.ExpectNumber(source, "a node's \"count\"", 1, totals.MaxNodes, integer: true);
        var name = entry.Get("name")?.ExpectString(source, "a node's \"name\"");
        var own = new Dictionary<string, string>(labels, StringComparer.OrdinalIgnoreCase);
        if (entry.Get("labels") is { } labelsNode)
        {
            labelsNode.Expect(JsonValueKind.Object, source, "\"labels\"");
            foreach (var (level, value) in labelsNode.Properties)
            {
                if (!levels.Contains(level, StringComparer.OrdinalIgnoreCase))
                {
                    throw value.Error(source, $"label '{level}' is not one of \"levels\" ({string.Join(", ", levels)})");
                }

                own[level] = value.ExpectString(source, $"the label '{level}'");
            }
        }

        if (nodes.Count + count > totals.MaxNodes)
        {
            throw entry.Error(source, $"the cluster would have more than {totals.MaxNodes:N0} nodes");
        }

        // Checked as the entries are read, before their nodes are built (Cluster.TotalGpus is an int, too: 2,148 nodes of
        // 1,000,000 GPUs once wrapped it to a negative total).
        totals.Gpus += (long)count * gpus;
        if (totals.Gpus > totals.MaxGpus)
        {
            throw entry.Error(source, string.Create(CultureInfo.InvariantCulture, $"the cluster would have at least {totals.Gpus:N0} GPUs, more than the {totals.MaxGpus:N0} a simulated cluster may have"));
        }

        for (var i = 0; i < count; i++)
        {
            // A named entry keeps its name (numbered when repeated); an unnamed one is numbered across the cluster.
            var suffix = name is null ? "n" + nodes.Count.ToString(CultureInfo.InvariantCulture)
                : countNode is null ? name
                : name + i.ToString(CultureInfo.InvariantCulture);
            var nodeName = path.Length == 0 ? suffix : path + "-" + suffix;
            if (!names.Add(nodeName))
            {
                throw entry.Error(source, $"node name '{nodeName}' appears twice");
            }

            nodes.Add(new NodeSpec(nodeName, gpus, gpuType) { CpuCores = cpu, MemoryGib = memory, Labels = own });
        }
    }

    /// <summary>What the file has declared so far, for the size limits.</summary>
    private sealed class Totals(long maxGpus)
    {
        public long MaxGpus { get; } = maxGpus;

        public int MaxNodes { get; } = Cluster.MaxNodesFor(maxGpus);

        public int Domains { get; set; }

        public long Gpus { get; set; }
    }
}
