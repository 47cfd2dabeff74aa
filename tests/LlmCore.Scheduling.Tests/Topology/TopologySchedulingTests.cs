using LlmCore.Scheduling.Policies;
using static LlmCore.Scheduling.Tests.Specs;

namespace LlmCore.Scheduling.Tests.Topology;

/// <summary>Hand-worked schedules for required and preferred levels, slices, balance and domain-freeing preemption.</summary>
public class TopologySchedulingTests
{
    /// <summary>Two NVL72 domains of 18 nodes × 4 GPUs (nodes 0–17 and 18–35).</summary>
    private static Cluster TwoNvl72() => new(
        Enumerable.Range(0, 36).Select(i => new NodeSpec("tray" + i, 4, "GB200") { Labels = new Dictionary<string, string> { ["nvl72"] = "d" + (i / 18) } }),
        ["nvl72"]);

    private static JobSpec Nvl72Job(string id, int gpus, double seconds, bool required, int priority = PriorityClasses.Normal) =>
        Job(id, gpus, seconds, priority) with { Topology = required ? new TopologyRequest { RequiredLevel = "nvl72" } : null, CheckpointInterval = null };

    // t = 0: X (72 GPUs, required nvl72, 10 s) takes domain 0; Y (4 GPUs, 200 s) best-fits the lowest free node, 18 (domain 1).
    // t = 10: X ends; Z (4 GPUs, 100 s) takes node 0 (domain 0). t = 20: G asks 72 GPUs. 136 GPUs are free, but each domain
    // holds a small job: with the level required G waits for Z to end (t = 110) and takes domain 0 whole; without it G
    // starts at once on 72 GPUs spread over both domains.
    [Theory]
    [InlineData(true, 110)]
    [InlineData(false, 20)]
    public void RequiredNvl72_72GpuJob_WaitsForOneDomainRatherThanSpanningTwo(bool required, double expectedStart)
    {
        var sim = new TestSim(NewEngine(TwoNvl72(), "fifo", backfill: false));
        sim.Arrive(0, Nvl72Job("X", 72, 10, required: true));
        sim.Arrive(0, Nvl72Job("Y", 4, 200, required: false));
        sim.Arrive(10, Nvl72Job("Z", 4, 100, required: false));
        sim.Arrive(20, Nvl72Job("G", 72, 50, required));
        sim.Run();

        Assert.Equal(0, sim.Starts.Single(s => s.Launch.JobId == "Y").Launch.Placement.Nodes.Single().NodeIndex - 18);
        Assert.Equal(0, sim.Starts.Single(s => s.Launch.JobId == "Z").Launch.Placement.Nodes.Single().NodeIndex);
        Assert.Equal(expectedStart, sim.StartOf("G"));
        var g = sim.Starts.Single(s => s.Launch.JobId == "G").Launch.Placement;
        if (required)
        {
            Assert.Equal(Enumerable.Range(0, 18), g.Nodes.Select(a => a.NodeIndex));
            Assert.Equal("nvl72", g.SpanLevel);
        }
        else
        {
            Assert.Equal("cluster", g.SpanLevel);
            Assert.Equal(TopologyLevel.Cluster, g.Span);
        }
    }

    // As above, but G is high priority and Y, Z low: G preempts to free one whole domain. Without checkpoints a victim
    // loses everything it ran: at t = 20, Z (started 10) loses 4 GPUs × 10 s, Y (started 0) 4 × 20 s, so Z is the cheaper
    // victim and freeing it empties domain 0; Y keeps running.
    [Fact]
    public void RequiredNvl72_HighPriority_PreemptsTheCheapestDomainOnly()
    {
        var sim = new TestSim(NewEngine(TwoNvl72(), "priority", backfill: false));
        sim.Arrive(0, Nvl72Job("X", 72, 10, required: true, PriorityClasses.Low));
        sim.Arrive(0, Nvl72Job("Y", 4, 200, required: false, PriorityClasses.Low));
        sim.Arrive(10, Nvl72Job("Z", 4, 100, required: false, PriorityClasses.Low));
        sim.Arrive(20, Nvl72Job("G", 72, 50, required: true, PriorityClasses.High));
        sim.Run();

        var preemption = sim.Plans.SelectMany(p => p.Plan.Preemptions).Single();
        Assert.Equal(("Z", "G", PreemptionReason.Priority), (preemption.JobId, preemption.ForJobId, preemption.Reason));
        Assert.Equal(4 * 10, preemption.LostGpuSeconds, 9);
        Assert.Equal(20, sim.StartOf("G"));
        Assert.Equal(Enumerable.Range(0, 18), sim.Starts.Single(s => s.Launch.JobId == "G").Launch.Placement.Nodes.Select(a => a.NodeIndex));
        Assert.Equal(200, sim.Completions.Single(c => c.JobId == "Y").Time);
    }

    /// <summary>Two racks of two 8-GPU nodes.</summary>
    private static Cluster TwoRacks() => new(
        Enumerable.Range(0, 4).Select(i => new NodeSpec("n" + i, 8, "H100") { Labels = new Dictionary<string, string> { ["rack"] = "r" + (i / 2) } }),
        ["rack"]);

    // t = 0: R (16 GPUs, required rack, 5 s) takes rack 0 (nodes 0, 1; equal racks, lowest first); a (8 GPUs, 100 s)
    // best-fits node 2. t = 5: R ends and b (8 GPUs, 100 s) takes node 0. Now each rack has 8 GPUs free (nodes 1 and 3).
    // t = 6: a 16-GPU job that prefers a rack falls back to both racks at once (span: cluster); one that requires a rack
    // waits until a ends at t = 100 and takes rack 1 (nodes 2, 3).
    [Theory]
    [InlineData("preferred", 6, "cluster", new[] { 1, 3 })]
    [InlineData("required", 100, "rack", new[] { 2, 3 })]
    public void PreferredRack_FallsBackWhenNoRackHasRoom_RequiredWaits(string kind, double expectedStart, string expectedSpan, int[] expectedNodes)
    {
        var sim = new TestSim(NewEngine(TwoRacks(), "fifo", backfill: false));
        sim.Arrive(0, Job("R", 16, 5) with { Topology = new TopologyRequest { RequiredLevel = "rack" } });
        sim.Arrive(0, Job("a", 8, 100));
        sim.Arrive(5, Job("b", 8, 100));
        var request = kind == "preferred" ? new TopologyRequest { PreferredLevel = "rack" } : new TopologyRequest { RequiredLevel = "rack" };
        sim.Arrive(6, Job("big", 16, 10) with { Topology = request });
        sim.Run();

        Assert.Equal([0, 1], sim.Starts.Single(s => s.Launch.JobId == "R").Launch.Placement.Nodes.Select(a => a.NodeIndex));
        Assert.Equal(2, sim.Starts.Single(s => s.Launch.JobId == "a").Launch.Placement.Nodes.Single().NodeIndex);
        Assert.Equal(0, sim.Starts.Single(s => s.Launch.JobId == "b").Launch.Placement.Nodes.Single().NodeIndex);
        Assert.Equal(expectedStart, sim.StartOf("big"));
        var big = sim.Starts.Single(s => s.Launch.JobId == "big").Launch.Placement;
        Assert.Equal(expectedSpan, big.SpanLevel);
        Assert.Equal(expectedNodes, big.Nodes.Select(a => a.NodeIndex));
    }

    /// <summary>Two racks of four 8-GPU nodes with some GPUs in use: rack 0 nodes free 8, 8, 4, 4 (24 GPUs); rack 1 all free.</summary>
    private static ClusterCapacityView RacksOfFour()
    {
        var cluster = new Cluster(
            Enumerable.Range(0, 8).Select(i => new NodeSpec("n" + i, 8, "H100") { Labels = new Dictionary<string, string> { ["rack"] = "r" + (i / 4) } }),
            ["rack"]);
        var ledger = new Internal.CapacityLedger(cluster);
        ledger.AddTenant();
        var busy = new JobSpec("busy", 8);
        ledger.Take(busy, new Placement([new NodeAllocation(2, "n2", 4), new NodeAllocation(3, "n3", 4)], "H100", TopologyLevel.Rack), 0);
        return new ClusterCapacityView(ledger);
    }

    // 24 GPUs in one rack: rack 0 has exactly 24 free, so best fit takes it, largest nodes first: 8 + 8 + 4 + 4. As 3
    // slices of 8 GPUs, each on one node, rack 0 holds only 2 slices (nodes 0, 1; nodes 2 and 3 have 4 each), so the job
    // goes to rack 1: nodes 4, 5, 6.
    [Fact]
    public void Slices_EachSliceOnOneNode_SkipsARackWhoseFreeGpusAreFragmented()
    {
        var view = RacksOfFour();
        var plain = new JobSpec("plain", 24) { Topology = new TopologyRequest { RequiredLevel = "rack" } };
        var sliced = plain with { Topology = new TopologyRequest { RequiredLevel = "rack", SliceGpus = 8, SliceLevel = "node" } };

        var a = BestFitTopologyPlacement.Instance.TryPlace(plain, view)!;
        var b = BestFitTopologyPlacement.Instance.TryPlace(sliced, view)!;

        Assert.Equal("0:8;1:8;2:4;3:4", a.ToString());
        Assert.Equal("4:8;5:8;6:8", b.ToString());
        Assert.Equal("rack", b.SpanLevel);
    }

    // 20 GPUs on empty 8-GPU nodes of one rack: packing fills 8 + 8 and puts the last 4 on the node that fits them most
    // tightly (all tie; the search runs from the smallest end, so node 3); balanced spreads 7 + 7 + 6 over the three
    // largest nodes (the fewest that hold 20).
    [Fact]
    public void Balanced_SpreadsEvenlyOverTheFewestNodes()
    {
        var cluster = new Cluster(Enumerable.Range(0, 4).Select(i => new NodeSpec("n" + i, 8, "H100") { Labels = new Dictionary<string, string> { ["rack"] = "r0" } }), ["rack"]);
        var view = new ClusterCapacityView(new Internal.CapacityLedger(cluster));
        var packed = new JobSpec("p", 20);
        var balanced = packed with { Topology = new TopologyRequest { Balanced = true } };

        Assert.Equal("0:8;1:8;3:4", BestFitTopologyPlacement.Instance.TryPlace(packed, view)!.ToString());
        Assert.Equal("0:7;1:7;2:6", BestFitTopologyPlacement.Instance.TryPlace(balanced, view)!.ToString());
    }

    [Fact]
    public void Unknown_Level_IsRejectedAtSubmission()
    {
        var engine = NewEngine(TwoRacks(), "fifo");
        var job = engine.Submit([Job("x", 8, 10) with { Topology = new TopologyRequest { RequiredLevel = "block" } }], TestSim.T0).Single();

        Assert.Equal(JobState.Rejected, job.State);
        Assert.Contains("no topology level 'block'", job.Reason, StringComparison.Ordinal);
        Assert.Contains("node, rack, cluster", job.Reason, StringComparison.Ordinal);
    }
}
