using LlmCore.Scheduling.Policies;
using static LlmCore.Scheduling.Tests.Specs;

namespace LlmCore.Scheduling.Tests.Policies;

public class BestFitTopologyPlacementTests
{
    [Fact]
    public void TryPlace_SmallJob_GoesToTheFullestNodeThatFits()
    {
        // Nodes with 8, 3 and 2 free GPUs: a 2-GPU job best-fits the node with exactly 2 left, a 3-GPU job the one with 3.
        var engine = NewEngine(Cluster.Uniform(3, 8), "fifo");
        engine.Submit([Job("x", 5, 100), Job("y", 6, 100)], TestSim.T0);
        engine.RunPass(TestSim.T0);
        Assert.Equal([3, 2, 8], Enumerable.Range(0, 3).Select(engine.FreeGpus));

        engine.Submit([Job("two", 2, 10), Job("three", 3, 10)], TestSim.At(1));
        var plan = engine.RunPass(TestSim.At(1));

        Assert.Equal(["1:2", "0:3"], plan.Starts.Select(s => s.Placement.ToString()));
    }

    [Fact]
    public void TryPlace_MultiNodeGang_StaysInOneRackWhenItCan()
    {
        // Racks {0,1} and {2,3}; node 1 is busy, so a 16-GPU gang must use rack {2,3}, not nodes 0 and 2.
        var engine = NewEngine(Cluster.Uniform(4, 8, nodesPerRack: 2), "fifo");
        engine.Submit([Job("busy", 8, 100) with { MaxSpan = TopologyLevel.Node }], TestSim.T0);
        engine.RunPass(TestSim.T0);
        Assert.Equal(0, engine.FreeGpus(0));

        engine.Submit([Job("gang", 16, 10)], TestSim.At(1));
        var start = Assert.Single(engine.RunPass(TestSim.At(1)).Starts);

        Assert.Equal("2:8;3:8", start.Placement.ToString());
        Assert.Equal(TopologyLevel.Rack, start.Placement.Span);
    }

    [Fact]
    public void TryPlace_PreferenceList_UsesTheFirstTypeWithRoom()
    {
        var cluster = new Cluster([new NodeSpec("a", 8, "A100"), new NodeSpec("h", 8, "H100")]);
        var engine = NewEngine(cluster, "fifo");
        engine.Submit([Job("p", 4, 10) with { GpuTypes = ["H100", "A100"] }, Job("q", 8, 10) with { GpuTypes = ["H100", "A100"] }], TestSim.T0);
        var plan = engine.RunPass(TestSim.T0);

        Assert.Equal(["H100", "A100"], plan.Starts.Select(s => s.Placement.GpuType));
    }

    [Fact]
    public void TryPlace_CpuAndMemory_LimitGpusPerNode()
    {
        // 32 cores per node; a 4-GPU job asking 64 cores needs 16 cores per GPU, so at most 2 GPUs per node.
        var cluster = new Cluster(Enumerable.Range(0, 2).Select(i => new NodeSpec("n" + i, 8) { CpuCores = 32 }));
        var placement = BestFitTopologyPlacement.Instance.TryPlace(
            new JobSpec("c", 4) { CpuCores = 64 },
            new ClusterCapacityView(cluster, [8, 8], [32, 32], [double.PositiveInfinity, double.PositiveInfinity], [true, true]));

        Assert.Equal("0:2;1:2", placement!.ToString());
    }
}
