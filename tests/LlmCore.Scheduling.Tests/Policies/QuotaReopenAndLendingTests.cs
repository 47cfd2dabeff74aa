using LlmCore.Scheduling.Policies;
using static LlmCore.Scheduling.Tests.Specs;

namespace LlmCore.Scheduling.Tests.Policies;

/// <summary>
/// Hand-worked quota scenarios through the public engine API for branches no other test reaches: a tenant whose quota
/// was closed (refused a single GPU) reopening within the same pass when a preemption gives its GPUs back, and a
/// tenant's lending limit (Kueue ClusterQueue <c>lendingLimit</c>: at most that much of its unused nominal quota may be
/// borrowed by the cohort).
/// </summary>
public class QuotaReopenAndLendingTests
{
    // 1 node × 8 GPUs, priority policy with preemption. a: nominal 4, may borrow 2; b: nominal 4, may borrow 0.
    // t = 0: a1 (a, 6 GPUs, low priority) starts, a borrowing 2 of b's unused quota. 2 GPUs free.
    // t = 1, in priority order (high first, then submission):
    //   x  (a, 1, high):   a would use 7 > 4 + 2 → refused one GPU: tenant a is closed for the pass.
    //   bh (b, 4, high):   b uses 0, within nominal; 2 free < 4 → preempts a1 (low, of a tenant that borrows):
    //                      8 free, bh takes 4, 4 free; a uses 0 now, so a reopens and the refusal memo is forgotten.
    //   b2 (b, 1, normal): b would use 5 > 4 + 0 → refused one GPU: tenant b is closed.
    //   a2 (a, 1, normal): a uses 0 + 1 ≤ 4 and 4 GPUs are free → starts.
    // Had a stayed closed after the preemption, both tenants would be closed after b2 and the walk would stop before a2
    // (or the memo of a's refusal would refuse a2's single GPU).
    [Fact]
    public void ClosedQuota_ReopensWhenAPreemptionGivesTheTenantsGpusBack_InTheSamePass()
    {
        var tenants = new[] { new TenantQuota("a", 4) { BorrowingLimitGpus = 2 }, new TenantQuota("b", 4) { BorrowingLimitGpus = 0 } };
        var engine = NewEngine(Cluster.Uniform(1, 8), "priority", backfill: false, tenants: tenants);
        engine.Submit([Job("a1", 6, 100, PriorityClasses.Low, "a")], TestSim.T0);
        Assert.Equal("a1", engine.RunPass(TestSim.T0).Starts.Single().JobId);

        engine.Submit(
            [Job("x", 1, 100, PriorityClasses.High, "a"), Job("bh", 4, 100, PriorityClasses.High, "b"), Job("b2", 1, 100, tenant: "b"), Job("a2", 1, 100, tenant: "a")],
            TestSim.At(1));
        var plan = engine.Plan(TestSim.At(1));

        var p = Assert.Single(plan.Preemptions);
        Assert.Equal(("a1", "bh"), (p.JobId, p.ForJobId));
        Assert.Equal(["bh", "a2"], plan.Starts.Select(s => s.JobId));
        Assert.Equal(["x", "b2"], plan.Reasons.Select(r => r.Job.Spec.Id));
        Assert.Null(plan.Deferred);

        engine.Apply(plan);
        Assert.Equal("needs 1 GPUs; tenant a has used its quota (6/4 GPUs, may borrow 2)", engine.Jobs["x"].Reason);
        Assert.Equal("needs 1 GPUs; tenant b has used its quota (4/4 GPUs, may borrow 0)", engine.Jobs["b2"].Reason);
        Assert.Equal((1, 4), (engine.TenantUsedGpus("a"), engine.TenantUsedGpus("b")));
    }

    // 1 node × 8 GPUs, cohort "default". a: nominal 4, lending limit 1 (idle); b: nominal 4, no limits.
    //   big (b, 6): b's ceiling is 4 + min(∞, what the cohort could lend: min(1, 4) = 1) = 5 < 6 → rejected at submission.
    //   b1 (b, 5):  borrows 1; the cohort lends min(1, 4 − 0) = 1 of a's quota, nobody borrows yet: 0 + 1 ≤ 1 → starts.
    //   b2 (b, 1):  would borrow 1 more; borrowed 1 + 1 > lendable 1 → refused, though 3 GPUs are free.
    //   a1 (a, 3):  a's own nominal quota is not limited by what it lends: 0 + 3 ≤ 4 → starts on 3 of the free GPUs.
    [Fact]
    public void LendingLimit_CapsWhatTheCohortMayBorrow_NotTheLendersOwnQuota()
    {
        var tenants = new[] { new TenantQuota("a", 4) { LendingLimitGpus = 1 }, new TenantQuota("b", 4) };
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo", backfill: false, tenants: tenants);

        var big = engine.Submit([Job("big", 6, 100, tenant: "b")], TestSim.T0).Single();
        engine.Submit([Job("b1", 5, 100, tenant: "b"), Job("b2", 1, 100, tenant: "b"), Job("a1", 3, 100, tenant: "a")], TestSim.T0);
        var plan = engine.RunPass(TestSim.T0);

        Assert.Equal(JobState.Rejected, big.State);
        Assert.Equal(["b1", "a1"], plan.Starts.Select(s => s.JobId));
        Assert.Equal("needs 1 GPUs; tenant b has used its quota (5/4 GPUs) and cohort default has 0 GPUs to lend", engine.Jobs["b2"].Reason);
    }

    // b1 (b, 5) borrows 1 of a's idle 4, then b2 (b, 1) asks to borrow a second: with a's lending limit 1 the cohort lends
    // 1 in all (1 + 1 > 1, refused); with limit 2 it lends 2 (1 + 1 ≤ 2) and with none all 4: b2 starts.
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(null, true)]
    public void LendingLimit_DecidesWhetherASecondBorrowedGpuIsAdmitted(int? lendingLimit, bool b2Starts)
    {
        var tenants = new[] { new TenantQuota("a", 4) { LendingLimitGpus = lendingLimit }, new TenantQuota("b", 4) };
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo", backfill: false, tenants: tenants);
        engine.Submit([Job("b1", 5, 100, tenant: "b"), Job("b2", 1, 100, tenant: "b")], TestSim.T0);

        var plan = engine.RunPass(TestSim.T0);

        Assert.Equal(b2Starts ? ["b1", "b2"] : ["b1"], plan.Starts.Select(s => s.JobId));
    }

    // Per-flavour lending and fungibility. Node 0: 8 H100; nodes 1, 2: 8 A100 each. Cohort "default":
    // a lists H100 (nominal 4) then A100 (nominal 8); b lists H100 (nominal 4, lending limit 1 or none), idle.
    //   a1 (a, 6, any type): H100 first: 0 + 6 > 4, borrows 2; the cohort lends b's min(limit, 4) of H100.
    //       limit 1: 0 borrowed + 2 > 1 → H100 refused, a falls back to its next flavour: A100, 0 + 6 ≤ 8 → A100.
    //       no limit: 0 + 2 ≤ 4 → H100.
    //   limit 1 only — a2 (a, 5, any type): H100, borrows 1: 0 + 1 ≤ 1 → H100 (5 of the node's 8).
    //                  a3 (a, 1, H100 only): borrows 1 more: 1 + 1 > 1 → refused, though 3 H100 are free.
    [Theory]
    [InlineData(1, "A100")]
    [InlineData(null, "H100")]
    public void FlavourLendingLimit_SendsTheJobToTheTenantsNextFlavour(int? lendingLimit, string a1Type)
    {
        var cluster = new Cluster([new NodeSpec("h0", 8, "H100"), new NodeSpec("a0", 8, "A100"), new NodeSpec("a1", 8, "A100")]);
        var a = new TenantQuota("a", [new FlavorQuota("H100", 4), new FlavorQuota("A100", 8)]);
        var b = new TenantQuota("b", [new FlavorQuota("H100", 4) { LendingLimitGpus = lendingLimit }]);
        var engine = NewEngine(cluster, "fifo", backfill: false, tenants: [a, b]);
        engine.Submit([Job("a1", 6, 100, tenant: "a")], TestSim.T0);

        Assert.Equal(a1Type, engine.RunPass(TestSim.T0).Starts.Single().Placement.GpuType);
        if (lendingLimit is null)
        {
            return;
        }

        engine.Submit([Job("a2", 5, 100, tenant: "a"), Job("a3", 1, 100, tenant: "a") with { GpuTypes = ["H100"] }], TestSim.At(1));
        var plan = engine.RunPass(TestSim.At(1));

        Assert.Equal(["H100"], plan.Starts.Select(s => s.Placement.GpuType));
        Assert.Equal("a2", plan.Starts.Single().JobId);
        Assert.Equal((5, 6), (engine.TenantUsedGpus("a", "H100"), engine.TenantUsedGpus("a", "A100")));
        Assert.Equal("needs 1 H100 GPUs; tenant a has used its H100 quota (5/4 GPUs) and cohort default has 0 H100 GPUs to lend", engine.Jobs["a3"].Reason);
    }
}
