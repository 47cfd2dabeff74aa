using static LlmCore.Scheduling.Tests.Specs;

namespace LlmCore.Scheduling.Tests.Topology;

/// <summary>
/// <see cref="JobSpec.MaxSpan"/> on clusters without levels named <c>nvlink</c> or <c>rack</c> (docs/scheduling.md,
/// "Topology"): the missing level is read as a level where every node is a domain of its own (as a node without a label
/// at a level is), so <see cref="TopologyLevel.NvLinkDomain"/> and <see cref="TopologyLevel.Rack"/> mean one node there;
/// a gang wider than a node is rejected at submission, and <see cref="TopologyRequest"/> names the cluster's own levels.
/// </summary>
public class MaxSpanMissingLevelTests
{
    /// <summary>Four nodes of 8 GPUs and no named level: node ⊂ cluster.</summary>
    private static Cluster Flat() => new(Enumerable.Range(0, 4).Select(i => new NodeSpec("n" + i, 8)), []);

    /// <summary>Four nodes of 8 GPUs in one block, two NVL domains of two nodes each (nodes 0–1 and 2–3): custom names.</summary>
    private static Cluster CustomTree() => new(
        Enumerable.Range(0, 4).Select(i => new NodeSpec("n" + i, 8) { Labels = new Dictionary<string, string> { ["block"] = "b0", ["nvl"] = "d" + (i / 2) } }),
        ["block", "nvl"]);

    public static TheoryData<string> Clusters => ["flat", "custom"];

    private static Cluster Named(string name) => name == "flat" ? Flat() : CustomTree();

    // An 8-GPU gang fits one node: it starts at once, on node 0, whatever its MaxSpan.
    [Theory]
    [MemberData(nameof(Clusters))]
    public void NodeSizedGang_WithNvLinkOrRackSpan_RunsOnOneNode(string cluster)
    {
        foreach (var span in new[] { TopologyLevel.NvLinkDomain, TopologyLevel.Rack })
        {
            var engine = NewEngine(Named(cluster), "fifo");
            engine.Submit([Job("j", 8, 10) with { MaxSpan = span }], TestSim.T0);

            var start = engine.RunPass(TestSim.T0).Starts.Single();

            Assert.Equal("0:8", start.Placement.ToString());
            Assert.Equal(Scheduling.Cluster.NodeLevel, start.Placement.SpanLevel);
            Assert.Equal(TopologyLevel.Node, start.Placement.Span);
        }
    }

    // A 16-GPU gang needs two 8-GPU nodes. Without a level named nvlink or rack, NvLinkDomain and Rack mean one node: no
    // node has 16 GPUs, so the job can never run and is rejected at submission (not left pending forever), with the
    // reason of a gang that fits no such domain.
    [Theory]
    [MemberData(nameof(Clusters))]
    public void GangWiderThanANode_WithNvLinkOrRackSpan_IsRejectedAtSubmit(string cluster)
    {
        foreach (var (span, words) in new[] { (TopologyLevel.NvLinkDomain, "in one NVLink domain"), (TopologyLevel.Rack, "in one rack") })
        {
            var engine = NewEngine(Named(cluster), "fifo");

            var job = engine.Submit([Job("j", 16, 10) with { MaxSpan = span }], TestSim.T0).Single();

            Assert.Equal(JobState.Rejected, job.State);
            Assert.Contains("needs 16 GPUs " + words, job.Reason, StringComparison.Ordinal);
            Assert.Empty(engine.Pending);
        }
    }

    // The same 16-GPU gang with MaxSpan Cluster spans two nodes; on the custom tree, best fit keeps it inside one NVL
    // domain (nodes 0 and 1), the tightest group with room, so its span level is "nvl" but its TopologyLevel is Cluster
    // (the tightest of the four fixed levels that holds a domain of "nvl").
    [Theory]
    [InlineData("flat", "cluster")]
    [InlineData("custom", "nvl")]
    public void GangWiderThanANode_WithClusterSpan_SpansTwoNodes(string cluster, string spanLevel)
    {
        var engine = NewEngine(Named(cluster), "fifo");
        engine.Submit([Job("j", 16, 10)], TestSim.T0);

        var start = engine.RunPass(TestSim.T0).Starts.Single();

        Assert.Equal("0:8;1:8", start.Placement.ToString());
        Assert.Equal(spanLevel, start.Placement.SpanLevel);
        Assert.Equal(TopologyLevel.Cluster, start.Placement.Span);
    }

    // On the custom tree the cluster's own level is named by TopologyRequest. An 8-GPU job takes node 0 (the lowest free
    // node); a 16-GPU gang required in one "nvl" domain cannot use nodes 1 + 2 (two domains), so it takes domain 1,
    // nodes 2 and 3. A 24-GPU gang required in one "nvl" domain fits no domain (16 GPUs each) and is rejected.
    [Fact]
    public void CustomTree_RequiredLevelByName_KeepsTheGangInOneDomain()
    {
        var engine = NewEngine(CustomTree(), "fifo", backfill: false);
        engine.Submit([Job("b", 8, 100)], TestSim.T0);
        Assert.Equal("0:8", engine.RunPass(TestSim.T0).Starts.Single().Placement.ToString());

        engine.Submit([Job("g", 16, 10) with { Topology = new TopologyRequest { RequiredLevel = "nvl" } }], TestSim.T0);
        var wide = engine.Submit([Job("w", 24, 10) with { Topology = new TopologyRequest { RequiredLevel = "nvl" } }], TestSim.T0).Single();
        var g = engine.RunPass(TestSim.T0).Starts.Single();

        Assert.Equal("2:8;3:8", g.Placement.ToString());
        Assert.Equal("nvl", g.Placement.SpanLevel);
        Assert.Equal(JobState.Rejected, wide.State);
        Assert.Contains("needs 24 GPUs in one nvl", wide.Reason, StringComparison.Ordinal);
    }
}
