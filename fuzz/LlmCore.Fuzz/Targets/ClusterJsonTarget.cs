using LlmCore.Scheduling;

namespace LlmCore.Fuzz.Targets;

/// <summary>
/// The cluster/topology JSON of <c>llmcore schedule simulate --cluster</c>: <see cref="ClusterFile.Parse"/> documents
/// <see cref="SchedulingFileException"/> (file, line and column) for every malformed input.
/// </summary>
internal sealed class ClusterJsonTarget : FuzzTarget
{
    public override string Name => "cluster-json";

    public override string Description => "ClusterFile.Parse on the bytes as UTF-8 JSON; accepts SchedulingFileException";

    public override void Run(byte[] input)
    {
        Cluster cluster;
        try
        {
            cluster = ClusterFile.Parse(Text(input), "fuzz.json");
        }
        catch (SchedulingFileException ex)
        {
            CheckFileError(ex);
            return;
        }

        Check(cluster.Nodes.Count >= 1, "a parsed cluster has at least one node");
        long gpus = 0;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in cluster.Nodes)
        {
            Check(node.Gpus >= 1, "every node has ≥ 1 GPU");
            Check(names.Add(node.Name), "node names are unique");
            Check(node.GpuType.Length > 0 && node.GpuType == node.GpuType.Trim(), "a GPU type is non-empty and trimmed");
            Check(!double.IsNaN(node.CpuCores) && node.CpuCores >= 0, "cpuCores is ≥ 0 (infinite: not tracked)");
            Check(!double.IsNaN(node.MemoryGib) && node.MemoryGib >= 0, "memoryGib is ≥ 0 (infinite: not tracked)");
            gpus += node.Gpus;
        }

        Check(cluster.TotalGpus == gpus, "TotalGpus is the sum of the nodes' GPUs");
        Check(cluster.DomainCount(Cluster.NodeLevel) == cluster.Nodes.Count, "one node-level domain per node");
        Check(cluster.DomainCount(Cluster.ClusterLevel) == 1, "one cluster-level domain");
        foreach (var level in cluster.TopologyLevels)
        {
            var domains = cluster.DomainCount(level);
            Check(domains >= 1 && domains <= cluster.Nodes.Count, "a named level has between 1 and node-count domains");
        }
    }

    /// <summary>The contract of every cluster or throughput file error: a position and the source name up front.</summary>
    internal static void CheckFileError(SchedulingFileException ex)
    {
        Check(ex.Line >= 1 && ex.Column >= 1, "a SchedulingFileException names a line and a column, each ≥ 1");
        Check(ex.Message.StartsWith("fuzz.json:", StringComparison.Ordinal), "the message starts with the source name");
    }
}
