using static LlmCore.Scheduling.Tests.Specs;

namespace LlmCore.Scheduling.Tests;

/// <summary>
/// The pass stops walking the queue once every tenant's quota refuses a single GPU (no later job can start, backfill or
/// preempt); the jobs it did not reach get their quota reasons on demand. Hand-worked cases: Kueue's rule that a
/// ClusterQueue admits a workload only while usage + request stays within nominal quota + what it may borrow.
/// </summary>
public class QuotaClosedWalkTests
{
    [Fact]
    public void Pass_EveryTenantRefusedOneGpu_StopsAndDefersTheRestsReasons()
    {
        // 8 GPUs, tenants a and b with 4 each and no borrowing: a1 and b1 fill both quotas; x0 (a, 1 GPU) and x1 (b, 1 GPU)
        // are refused, after which none of the 48 later 1-GPU jobs can be admitted.
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo", tenants: [new TenantQuota("a", 4) { BorrowingLimitGpus = 0 }, new TenantQuota("b", 4) { BorrowingLimitGpus = 0 }]);
        var specs = new List<JobSpec> { Job("a1", 4, 100, tenant: "a"), Job("b1", 4, 100, tenant: "b") };
        specs.AddRange(Enumerable.Range(0, 50).Select(i => Job("x" + i, 1, 100, tenant: i % 2 == 0 ? "a" : "b")));
        engine.Submit(specs, TestSim.T0);

        var plan = engine.Plan(TestSim.T0);

        Assert.Equal(["a1", "b1"], plan.Starts.Select(s => s.JobId));
        Assert.Equal(["x0", "x1"], plan.Reasons.Select(r => r.Job.Spec.Id));
        Assert.NotNull(plan.Deferred);

        engine.Apply(plan);
        Assert.Equal("needs 1 GPUs; tenant a has used its quota (4/4 GPUs, may borrow 0)", engine.Jobs["x0"].Reason);
        Assert.Equal("needs 1 GPUs; tenant a has used its quota (4/4 GPUs, may borrow 0)", engine.Jobs["x48"].Reason);
        Assert.Equal("needs 1 GPUs; tenant b has used its quota (4/4 GPUs, may borrow 0)", engine.Jobs["x49"].Reason);
    }

    [Fact]
    public void Pass_TenantRefusedTwoGpus_KeepsWalkingForItsOneGpuJobs()
    {
        // a: 5 nominal, b: 3, no borrowing, 8 GPUs. After a1 (4) and b1 (3): xb (b, 1) is refused (3 + 1 > 3) and xa
        // (a, 2) is refused (4 + 2 > 5), but ya (a, 1) fits a's quota (4 + 1 = 5) and the one free GPU, so it starts.
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo", tenants: [new TenantQuota("a", 5) { BorrowingLimitGpus = 0 }, new TenantQuota("b", 3) { BorrowingLimitGpus = 0 }]);
        engine.Submit([Job("a1", 4, 100, tenant: "a"), Job("b1", 3, 100, tenant: "b"), Job("xb", 1, 100, tenant: "b"), Job("xa", 2, 100, tenant: "a"), Job("ya", 1, 100, tenant: "a")], TestSim.T0);

        var plan = engine.Plan(TestSim.T0);

        Assert.Equal(["a1", "b1", "ya"], plan.Starts.Select(s => s.JobId));
    }

    [Fact]
    public void Pass_OneTenantStillOpen_WalksToTheEnd()
    {
        // a is refused one GPU early (2/2), b is not refused until its last job: b's later jobs still start.
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo", tenants: [new TenantQuota("a", 2) { BorrowingLimitGpus = 0 }, new TenantQuota("b", 6) { BorrowingLimitGpus = 0 }]);
        engine.Submit([Job("a1", 2, 100, tenant: "a"), Job("a2", 1, 100, tenant: "a"), Job("a3", 1, 100, tenant: "a"), Job("b1", 3, 100, tenant: "b"), Job("b2", 3, 100, tenant: "b")], TestSim.T0);

        var plan = engine.Plan(TestSim.T0);

        Assert.Equal(["a1", "b1", "b2"], plan.Starts.Select(s => s.JobId));
        Assert.Null(plan.Deferred);
    }
}
