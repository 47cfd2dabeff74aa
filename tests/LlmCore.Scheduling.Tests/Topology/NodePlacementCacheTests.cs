namespace LlmCore.Scheduling.Tests.Topology;

/// <summary>
/// One-node placements are shared per node and size (<c>Cluster.NodePlacement</c>): each must be the value a placement
/// made afresh has (node, name, GPU type, span, GPUs), the same instance every time, also for callers on several threads,
/// and a size the node cannot hold is refused.
/// </summary>
public sealed class NodePlacementCacheTests
{
    private static readonly Cluster Mixed = new([new NodeSpec("a", 4, "V100"), new NodeSpec("b", 8, "A100")]);

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 4)]
    [InlineData(1, 3)]
    [InlineData(1, 8)]
    public void APlacement_IsTheValueOfOneMadeAfresh_AndTheSameInstanceEachTime(int node, int gpus)
    {
        var spec = Mixed.Nodes[node];
        var fresh = new Placement([new NodeAllocation(node, spec.Name, gpus)], spec.GpuType, TopologyLevel.Node) { SpanLevel = Cluster.NodeLevel };

        var shared = Mixed.NodePlacement(node, gpus);

        Assert.Equal(fresh.ToString(), shared.ToString());
        Assert.Equal(fresh.GpuType, shared.GpuType);
        Assert.Equal(fresh.Span, shared.Span);
        Assert.Equal(fresh.SpanLevel, shared.SpanLevel);
        Assert.Equal(gpus, shared.Gpus);
        Assert.Equal(fresh.Nodes, shared.Nodes);
        Assert.Same(shared, Mixed.NodePlacement(node, gpus));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 5)]
    [InlineData(1, 9)]
    public void ASizeTheNodeCannotHold_IsRefused(int node, int gpus)
    {
        Assert.Equal("gpus", Assert.Throws<ArgumentOutOfRangeException>(() => Mixed.NodePlacement(node, gpus)).ParamName);
    }

    [Fact]
    public void CallersOnSeveralThreads_AllGetOneInstancePerNodeAndSize()
    {
        var cluster = Cluster.Uniform(64, 8);
        var seen = new Placement[8][];
        Parallel.For(0, 8, t =>
        {
            var mine = new Placement[64 * 8];
            for (var i = 0; i < mine.Length; i++)
            {
                mine[i] = cluster.NodePlacement(i / 8, (i % 8) + 1);
            }

            seen[t] = mine;
        });

        for (var i = 0; i < 64 * 8; i++)
        {
            Assert.All(seen, s => Assert.Same(seen[0][i], s[i]));
            Assert.Equal($"{i / 8}:{(i % 8) + 1}", seen[0][i].ToString());
        }
    }
}
