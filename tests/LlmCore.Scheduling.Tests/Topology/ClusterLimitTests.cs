namespace LlmCore.Scheduling.Tests.Topology;

/// <summary>
/// Issue 22, "documented limits and an option to raise them": the cluster's default limits (<see cref="Cluster.MaxNodes"/>,
/// <see cref="Cluster.MaxGpus"/>) refuse as before, a caller's GPU limit raises them (nodes in proportion) up to
/// <see cref="Cluster.MaxGpusCeiling"/>, and a cluster whose scheduler state would outgrow memory is refused before the
/// engine allocates it. Sizes below are worked by hand from the definitions in Cluster.cs.
/// </summary>
public class ClusterLimitTests
{
    [Fact]
    public void MaxNodesFor_ScalesTheNodeLimitAboveTheDefault_NeverBelowIt()
    {
        Assert.Equal(Cluster.MaxNodes, Cluster.MaxNodesFor(Cluster.MaxGpus));
        Assert.Equal(Cluster.MaxNodes, Cluster.MaxNodesFor(16));
        Assert.Equal(2_000_000, Cluster.MaxNodesFor(2 * Cluster.MaxGpus));
        Assert.Equal(128_000_000, Cluster.MaxNodesFor(Cluster.MaxGpusCeiling)); // 2³⁰ / 2²³ = 128 × 1,000,000
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData((1L << 30) + 1)]
    [InlineData(long.MaxValue)]
    public void GpuLimit_OutsideOneToTheCeiling_IsRefused(long maxGpus)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Cluster.MaxNodesFor(maxGpus));
        Assert.Throws<ArgumentOutOfRangeException>(() => Cluster.Uniform(1, 1, "GPU", 0, maxGpus));
        Assert.Throws<ArgumentOutOfRangeException>(() => ClusterFile.Parse("{ \"nodes\": [ { \"gpus\": 1 } ] }", "c.json", maxGpus));
    }

    [Fact]
    public void Uniform_OneNodeBeyondTheDefaultGpuLimit_IsRefused_AndBuiltUnderARaisedLimit()
    {
        // 8,193 × 1,024 = 8,389,632 GPUs: 1,024 more than 2²³ = 8,388,608.
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Cluster.Uniform(8193, 1024));
        Assert.Contains("at most 8,388,608 GPUs", ex.Message, StringComparison.Ordinal);

        var cluster = Cluster.Uniform(8193, 1024, "GPU", 0, 8_389_632);

        Assert.Equal(8_389_632, cluster.TotalGpus);
        Assert.Throws<ArgumentOutOfRangeException>(() => Cluster.Uniform(8193, 1024, "GPU", 0, 8_389_631));
    }

    [Fact]
    public void Uniform_ALowerLimit_RefusesWhatTheDefaultAccepts()
    {
        Assert.Equal(24, Cluster.Uniform(3, 8).TotalGpus);
        Assert.Throws<ArgumentOutOfRangeException>(() => Cluster.Uniform(3, 8, "GPU", 0, 23));
    }

    [Fact]
    public void Uniform_NodesBeyondTheDefault_RefusedAtOnce_EvenUnderARaisedGpuLimitTooSmallForThem()
    {
        // 2,000,001 one-GPU nodes: the node limit at 2 × 2²³ GPUs is 2,000,000, so this is refused before any node exists.
        var before = GC.GetAllocatedBytesForCurrentThread();

        Assert.Throws<ArgumentOutOfRangeException>(() => Cluster.Uniform(2_000_001, 1, "GPU", 0, 2 * Cluster.MaxGpus));

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "the refusal allocated a megabyte or more");
    }

    [Fact]
    public void ClusterFile_NodesAndGpusBeyondTheDefault_Refused_AcceptedUnderARaisedLimit()
    {
        // 8,389 nodes of 1,000 GPUs = 8,389,000 > 8,388,608 (JsonFileFuzzFindingsTests: 8,388 are accepted by default).
        const string json = "{ \"nodes\": [ { \"gpus\": 1000, \"count\": 8389 } ] }";
        var ex = Assert.Throws<SchedulingFileException>(() => ClusterFile.Parse(json, "c.json"));
        Assert.Contains("more than the 8,388,608", ex.Message, StringComparison.Ordinal);

        Assert.Equal(8_389_000, ClusterFile.Parse(json, "c.json", 8_389_000).TotalGpus);
        Assert.Throws<SchedulingFileException>(() => ClusterFile.Parse(json, "c.json", 8_388_999));
    }

    [Fact]
    public void ClusterFile_DomainLimit_RisesWithTheGpuLimit()
    {
        // 2 × 500,001 empty domains: two more than the default domain limit; at twice the default GPU limit it is
        // 2,000,000, so the same file fails later, for its emptiness (no nodes), not for its domain count.
        const string json = "{ \"levels\": [\"a\"], \"domains\": [ { \"count\": 500001, \"nodes\": [] }, { \"count\": 500001, \"nodes\": [] } ] }";

        var byDefault = Assert.Throws<SchedulingFileException>(() => ClusterFile.Parse(json, "c.json"));
        Assert.Contains("more than 1,000,000 domains", byDefault.Message, StringComparison.Ordinal);

        var raised = Assert.Throws<SchedulingFileException>(() => ClusterFile.Parse(json, "c.json", 2 * Cluster.MaxGpus));
        Assert.Contains("has no nodes", raised.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ManyGpuTypes_SchedulerStateBeyondTheLimit_RefusedBeforeTheEngineAllocatesIt()
    {
        // 20,000 one-GPU nodes, each of its own type: the engine's free-GPU counts per domain and type take
        // 20,000 node domains × 20,000 types × 4 bytes = 1.6 GB at the node level alone (plus the rack and nvlink levels,
        // where each node is its own domain too): far over 128 bytes × 2²³ = 1 GiB. Before the check the engine tried.
        var nodes = Enumerable.Range(0, 20_000).Select(i => new NodeSpec("n" + i, 1, "T" + i));

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Cluster(nodes));

        Assert.Contains("scheduler state", ex.Message, StringComparison.Ordinal);
        Assert.Contains("20,000 GPU type(s)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OneHugeNodeAmongManySmall_SchedulerStateBeyondTheLimit_IsRefused_AndAcceptedUnderARaisedLimit()
    {
        // One node of 1,000,000 GPUs among 99,999 one-GPU nodes (1,099,999 GPUs, under the GPU limit): the best-fit index
        // keeps a bitset over the nodes per free-GPU count, (1,000,000 + 1) × ⌈100,000 / 64⌉ words × 8 bytes = 12.5 GB.
        var nodes = Enumerable.Range(0, 100_000).Select(i => new NodeSpec("n" + i, i == 0 ? 1_000_000 : 1)).ToArray();

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Cluster(nodes, []));
        Assert.Contains("scheduler state", ex.Message, StringComparison.Ordinal);

        // 12.5 GB / 128 bytes per GPU of the limit ≈ 98 M GPUs: a limit of 2²⁷ (134 M) admits it on paper (not built here).
        Assert.Throws<ArgumentOutOfRangeException>(() => new Cluster(nodes, [], 1L << 26));
    }

    [Fact]
    public void TopologyLevels_MoreThanSixtyFour_AreRefused()
    {
        var levels = Enumerable.Range(0, 65).Select(i => "l" + i).ToArray();

        Assert.Throws<ArgumentOutOfRangeException>(() => new Cluster([new NodeSpec("a", 1)], levels));
        Assert.Equal(64, new Cluster([new NodeSpec("a", 1)], levels[..64]).TopologyLevels.Count);
    }
}
