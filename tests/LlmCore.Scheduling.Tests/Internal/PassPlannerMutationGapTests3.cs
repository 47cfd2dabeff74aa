using LlmCore.Scheduling.Policies;
using static LlmCore.Scheduling.Tests.Specs;

namespace LlmCore.Scheduling.Tests.Internals;

/// <summary>
/// Quota-aware preemption in PassPlanner (issue 21, Scheduling Internal survivors): which GPU types a preemptor that
/// reclaims its nominal quota may use, how large an elastic preemptor starts, and when a job counts as within its nominal
/// quota. Tenants without a cohort share the cohort "default"; a tenant may borrow what the cohort's other tenants leave
/// of their nominal quota (no borrowing limit is set in these tests). Every expected value is worked by hand in the
/// comments.
/// </summary>
public class PassPlannerMutationGapTests3
{
    private static Cluster TwoTypes() =>
        new([new NodeSpec("a100-0", 8, "A100"), new NodeSpec("a100-1", 8, "A100"), new NodeSpec("h100-0", 8, "H100"), new NodeSpec("h100-1", 8, "H100")]);

    private static SchedulingPlan PlanAt(TestSim sim, double time) => sim.Plans.Single(p => p.Time == time).Plan;

    // No flavours; the nominal quotas (8 + 16) exceed the cluster (2 × 8 GPUs). Tenant e (nominal 8) runs e00 (2 GPUs,
    // high) and e0 (8 GPUs, low): 10, borrowing 2; tenant a (nominal 16) runs a1 (6 GPUs). Nothing is free. e1 (elastic
    // 3–16, high, tenant e) arrives at t = 1: 10 + 3 > 8, so it is not within its nominal quota, but it is admitted by
    // borrowing what a leaves of its nominal quota (10 + 3 <= 8 + 10) and preempts by priority. a1 is safe (a is within
    // its quota), so the victim is e's own e0, which frees 8 GPUs. e1's largest admitted gang is then 8 + 10 − 2 = 16, and
    // the nominal headroom (8 − 2 = 6) does not bound it, as that bound is only for a preemptor within its nominal quota:
    // it starts with all 8 free GPUs, not 6.
    [Fact]
    public void ElasticPreemptor_BeyondItsNominalQuota_StartsAtItsLargestAdmittedGang()
    {
        var tenants = new[] { new TenantQuota("e", 8), new TenantQuota("a", 16) };
        var sim = new TestSim(NewEngine(Cluster.Uniform(2, 8), "fifo", backfill: false, tenants: tenants));
        sim.Arrive(0, Job("e00", 2, 100, PriorityClasses.High, "e"));
        sim.Arrive(0, Job("e0", 8, 100, PriorityClasses.Low, "e"));
        sim.Arrive(0, Job("a1", 6, 100, PriorityClasses.Normal, "a"));
        sim.Arrive(1, Job("e1", 16, 50, PriorityClasses.High, "e") with { MinGpus = 3 });
        sim.Run(maxSteps: 1_000);

        Assert.Equal(3, PlanAt(sim, 0).Starts.Count);
        var plan = PlanAt(sim, 1);
        Assert.Equal(("e0", "e1"), (Assert.Single(plan.Preemptions).JobId, plan.Preemptions[0].ForJobId));
        Assert.Equal(("e1", 8), (Assert.Single(plan.Starts).JobId, plan.Starts[0].Placement.Gpus));
    }

    // No flavours. 4 × 8 GPUs; tenant e (nominal 16) runs e0 (2 GPUs); tenant a (nominal 16) runs a1 (13, low) and a2
    // (14, normal): 27, borrowing 11; 3 GPUs are free. e1 (elastic 8–32, high, tenant e) arrives at t = 1: 2 + 8 <= 16, so
    // it is within its nominal quota and reclaims from a, which borrows. Freeing a1 (least work lost: 13 × 1 < 14 × 1
    // GPU-seconds) leaves 16 free, enough for 8. It starts at its nominal headroom, 16 − 2 = 14 GPUs (not all 16 free).
    [Fact]
    public void ElasticPreemptor_WithinItsNominalQuota_StartsAtItsHeadroomBesideWhatItRuns()
    {
        var tenants = new[] { new TenantQuota("e", 16), new TenantQuota("a", 16) };
        var sim = new TestSim(NewEngine(Cluster.Uniform(4, 8), "fifo", backfill: false, tenants: tenants));
        sim.Arrive(0, Job("e0", 2, 100, PriorityClasses.Normal, "e"));
        sim.Arrive(0, Job("a1", 13, 100, PriorityClasses.Low, "a"));
        sim.Arrive(0, Job("a2", 14, 100, PriorityClasses.Normal, "a"));
        sim.Arrive(1, Job("e1", 32, 50, PriorityClasses.High, "e") with { MinGpus = 8 });
        sim.Run(maxSteps: 1_000);

        var plan = PlanAt(sim, 1);
        Assert.Equal(("a1", "e1"), (Assert.Single(plan.Preemptions).JobId, plan.Preemptions[0].ForJobId));
        Assert.Equal(("e1", 14), (Assert.Single(plan.Starts).JobId, plan.Starts[0].Placement.Gpus));
        Assert.DoesNotContain(sim.Plans, p => p.Plan.Preemptions.Any(v => v.JobId == "e1"));
    }

    // Flavours. 2 A100 nodes and 2 H100 nodes of 8 GPUs. Tenant e: A100 nominal 4, H100 nominal 10; tenant a: A100 nominal
    // 12, H100 nominal 6. e runs e0 (1 GPU, H100); a runs a2 (16 GPUs, A100: 16 > 12, borrowing 4 of e's A100) and a1
    // (15 GPUs, H100, low: 15 > 6, borrowing 9). Nothing is free. e1 (elastic 2–16, high, tenant e, H100 only) arrives
    // at t = 1: on H100 1 + 2 <= 10, so it is within its nominal quota. a2 is the only other victim it could take but
    // gives no H100 GPU; freeing a1 gives 15 H100 GPUs, and e1 may then hold 10 + 6 (a's H100 nominal, now unused) − 1 =
    // 15. Its headroom is its flavour's: 10 − 1 = 9 GPUs, so it starts with 9 GPUs on H100 (not 2, not all 15).
    [Fact]
    public void ElasticPreemptor_WithFlavours_StartsAtItsLargestFlavourHeadroom()
    {
        var tenants = new[]
        {
            new TenantQuota("e", [new FlavorQuota("A100", 4), new FlavorQuota("H100", 10)]),
            new TenantQuota("a", [new FlavorQuota("A100", 12), new FlavorQuota("H100", 6)]),
        };
        var sim = new TestSim(NewEngine(TwoTypes(), "fifo", backfill: false, tenants: tenants));
        sim.Arrive(0, Job("e0", 1, 100, PriorityClasses.Normal, "e") with { GpuTypes = ["H100"] });
        sim.Arrive(0, Job("a2", 16, 100, PriorityClasses.Normal, "a") with { GpuTypes = ["A100"] });
        sim.Arrive(0, Job("a1", 15, 100, PriorityClasses.Low, "a") with { GpuTypes = ["H100"] });
        sim.Arrive(1, Job("e1", 16, 50, PriorityClasses.High, "e") with { MinGpus = 2, GpuTypes = ["H100"] });
        sim.Run(maxSteps: 1_000);

        var first = PlanAt(sim, 0);
        Assert.Equal(3, first.Starts.Count);
        var plan = PlanAt(sim, 1);
        Assert.Equal(("a1", "e1"), (Assert.Single(plan.Preemptions).JobId, plan.Preemptions[0].ForJobId));
        var e1 = Assert.Single(plan.Starts);
        Assert.Equal(("e1", 9), (e1.JobId, e1.Placement.Gpus));
        Assert.All(e1.Placement.Nodes, n => Assert.StartsWith("h100-", n.NodeName, StringComparison.Ordinal));
    }

    // Flavours. Tenant e: A100 nominal 1, H100 nominal 10; tenant a: A100 nominal 15, H100 nominal 6; tenant c: A100
    // nominal 8, idle (it lends). a runs a1 (16 GPUs, A100, low: borrowing 1) and a2 (16 GPUs, H100, normal: borrowing
    // 10). e1 (2 GPUs, high, tenant e, any type) arrives at t = 1. On H100 0 + 2 <= 10, so it is within its nominal quota
    // and may reclaim. On A100 it would be admitted (1 + c's 8 − a's 1 borrowed = 8 >= 2) but would borrow (2 > 1). A
    // preemptor that preempts on the strength of its nominal quota runs within it, so it may only use H100: a1 comes first
    // in victim order (the same work lost, lower priority) but freeing it gives no H100 GPU, so a2 is the victim and e1
    // starts on H100. (On A100 its victim a1's tenant, back within its quota, could reclaim at once.)
    [Fact]
    public void ReclaimingPreemptor_WithFlavours_UsesOnlyTheTypesWhereItStaysWithinItsNominalQuota()
    {
        var tenants = new[]
        {
            new TenantQuota("e", [new FlavorQuota("A100", 1), new FlavorQuota("H100", 10)]),
            new TenantQuota("a", [new FlavorQuota("A100", 15), new FlavorQuota("H100", 6)]),
            new TenantQuota("c", [new FlavorQuota("A100", 8)]),
        };
        var sim = new TestSim(NewEngine(TwoTypes(), "fifo", backfill: false, tenants: tenants));
        sim.Arrive(0, Job("a1", 16, 100, PriorityClasses.Low, "a") with { GpuTypes = ["A100"] });
        sim.Arrive(0, Job("a2", 16, 100, PriorityClasses.Normal, "a") with { GpuTypes = ["H100"] });
        sim.Arrive(1, Job("e1", 2, 50, PriorityClasses.High, "e"));
        sim.Run(maxSteps: 1_000);

        var plan = PlanAt(sim, 1);
        Assert.Equal(("a2", "e1"), (Assert.Single(plan.Preemptions).JobId, plan.Preemptions[0].ForJobId));
        var e1 = Assert.Single(plan.Starts);
        Assert.Equal(("e1", 2), (e1.JobId, e1.Placement.Gpus));
        Assert.All(e1.Placement.Nodes, n => Assert.StartsWith("h100-", n.NodeName, StringComparison.Ordinal));
    }

    // Within the nominal quota means what the tenant runs plus the job's smallest gang, not minus it. 2 × 8 GPUs of one
    // type; tenants e, b and c of nominal 8 each (c idle: it lends). e runs e0 (6 GPUs); b runs b1 (10 GPUs, borrowing 2 of
    // c's). e1 (4 GPUs, normal priority like b1; fifo, whose order makes no victim) arrives at t = 1: it is admitted (e may
    // borrow what is left of c's quota, 8 − 2 = 6 >= 6 + 4 − 8), but 6 + 4 = 10 > 8, so it is not within its nominal
    // quota, may not reclaim, and nothing else makes b1 a victim: it waits for e0 and b1 to end (t = 100) and starts then.
    // (6 − 4 = 2 <= 8 would have preempted b1.) The same with flavours (one flavour of nominal 8 per tenant).
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void JobWhoseGangWouldTakeItsTenantPastNominal_DoesNotReclaim(bool flavours)
    {
        var sim = new TestSim(NewEngine(OneType(), "fifo", backfill: false, tenants: ThreeTenants(flavours)));
        sim.Arrive(0, Job("e0", 6, 100, PriorityClasses.Normal, "e"));
        sim.Arrive(0, Job("b1", 10, 100, PriorityClasses.Normal, "b"));
        sim.Arrive(1, Job("e1", 4, 50, PriorityClasses.Normal, "e"));
        sim.Run(maxSteps: 1_000);

        Assert.Equal(2, PlanAt(sim, 0).Starts.Count);
        Assert.DoesNotContain(sim.Plans, p => p.Plan.Preemptions.Count > 0);
        Assert.Equal(100, sim.StartOf("e1"));
    }

    // The positive control of the case above: e0 runs 4 GPUs and b1 12 (borrowing 4), so 4 + 4 = 8 <= 8 and e1 is within
    // its nominal quota: b1 is reclaimed at t = 1 and e1 starts then.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void JobWithinNominal_Reclaims(bool flavours)
    {
        var sim = new TestSim(NewEngine(OneType(), "fifo", backfill: false, tenants: ThreeTenants(flavours)));
        sim.Arrive(0, Job("e0", 4, 100, PriorityClasses.Normal, "e"));
        sim.Arrive(0, Job("b1", 12, 100, PriorityClasses.Normal, "b"));
        sim.Arrive(1, Job("e1", 4, 50, PriorityClasses.Normal, "e"));
        sim.Run(maxSteps: 1_000);

        var plan = PlanAt(sim, 1);
        Assert.Equal(("b1", "e1"), (Assert.Single(plan.Preemptions).JobId, plan.Preemptions[0].ForJobId));
        Assert.Equal(1, sim.StartOf("e1"));
    }

    private static Cluster OneType() => new([new NodeSpec("n0", 8, "H100"), new NodeSpec("n1", 8, "H100")]);

    private static TenantQuota[] ThreeTenants(bool flavours) =>
        new[] { "e", "b", "c" }.Select(n => flavours ? new TenantQuota(n, [new FlavorQuota("H100", 8)]) : new TenantQuota(n, 8)).ToArray();
}
