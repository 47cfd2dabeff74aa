using LlmCore.Scheduling.Policies;
using static LlmCore.Scheduling.Tests.Specs;

namespace LlmCore.Scheduling.Tests;

public class SchedulingEngineTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void JobSpec_ZeroOrNegativeGpus_ThrowsNamingGpus(int gpus)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new JobSpec("a", gpus));
        Assert.Equal("Gpus", ex.ParamName);
    }

    [Fact]
    public void Submit_JobLargerThanCluster_IsRejectedWithItsReason()
    {
        var engine = NewEngine(Cluster.Uniform(2, 8), "fifo");
        var job = engine.Submit([Job("big", 32, 10)], TestSim.T0).Single();

        Assert.Equal(JobState.Rejected, job.State);
        Assert.Contains("needs 32 GPUs", job.Reason, StringComparison.Ordinal);
        Assert.Empty(engine.Pending);
    }

    [Fact]
    public void Submit_GangThatFitsNoRack_IsRejectedNamingTheRack()
    {
        var engine = NewEngine(Cluster.Uniform(4, 8, nodesPerRack: 2), "fifo");
        var job = engine.Submit([Job("rack", 24, 10) with { MaxSpan = TopologyLevel.Rack }], TestSim.T0).Single();

        Assert.Equal(JobState.Rejected, job.State);
        Assert.Contains("needs 24 GPUs in one rack", job.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Submit_UnknownGpuType_IsRejected()
    {
        var engine = NewEngine(Cluster.Uniform(2, 8, "A100"), "fifo");
        var job = engine.Submit([Job("h", 1, 10) with { GpuTypes = ["H100"] }], TestSim.T0).Single();

        Assert.Equal(JobState.Rejected, job.State);
        Assert.Contains("H100", job.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Submit_BeyondQuotaCeiling_IsRejectedNotQueuedForever()
    {
        var engine = NewEngine(Cluster.Uniform(2, 8), "fifo", tenants: [new TenantQuota("vision", 4) { BorrowingLimitGpus = 2 }, new TenantQuota("nlp", 12)]);
        var job = engine.Submit([Job("v", 8, 10, tenant: "vision")], TestSim.T0).Single();

        Assert.Equal(JobState.Rejected, job.State);
        Assert.Contains("tenant vision can never hold more than 6 GPUs", job.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Submit_UnknownTenantWhenQuotasConfigured_ThrowsUnknownTenant()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo", tenants: [new TenantQuota("vision", 4)]);

        var ex = Assert.Throws<UnknownTenantException>(() => engine.Submit([Job("a", 1, tenant: "audio")], TestSim.T0));
        Assert.Equal("audio", ex.Tenant);
        Assert.Contains("vision", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Submit_DependencyCycle_ThrowsWithTheCycle()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo");
        JobSpec[] specs = [Job("a", 1) with { Dependencies = ["c"] }, Job("b", 1) with { Dependencies = ["a"] }, Job("c", 1) with { Dependencies = ["b"] }];

        var ex = Assert.Throws<DependencyCycleException>(() => engine.Submit(specs, TestSim.T0));
        Assert.Equal(["a", "c", "b", "a"], ex.Cycle);
        Assert.Empty(engine.Jobs);
    }

    [Fact]
    public void Submit_SelfDependency_ThrowsCycle()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo");
        Assert.Throws<DependencyCycleException>(() => engine.Submit([Job("a", 1) with { Dependencies = ["a"] }], TestSim.T0));
    }

    [Fact]
    public void Submit_UnknownDependencyOrDuplicateId_ThrowsArgumentException()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo");
        Assert.Throws<ArgumentException>(() => engine.Submit([Job("a", 1) with { Dependencies = ["nope"] }], TestSim.T0));
        engine.Submit([Job("a", 1)], TestSim.T0);
        Assert.Throws<ArgumentException>(() => engine.Submit([Job("a", 1)], TestSim.T0));
    }

    [Fact]
    public void Dependencies_WaitThenCancelWhenDependencyFails()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo");
        engine.Submit([Job("a", 1, 10), Job("b", 1, 10) with { Dependencies = ["a"] }], TestSim.T0);
        var plan = engine.RunPass(TestSim.T0);
        Assert.Equal("a", Assert.Single(plan.Starts).JobId);
        Assert.Equal("waiting for dependencies: a", engine.Jobs["b"].Reason);

        engine.Finish("a", 1, succeeded: false, TestSim.At(3), "out of memory");
        var next = engine.RunPass(TestSim.At(3));

        Assert.Equal("dependency a ended failed", Assert.Single(next.Expired).Reason);
        Assert.Equal(JobState.Cancelled, engine.Jobs["b"].State);
        Assert.Equal("out of memory", engine.Jobs["a"].Reason);
    }

    [Fact]
    public void Deadline_ThatCanNoLongerBeMet_CancelsThePendingJob()
    {
        var engine = NewEngine(Cluster.Uniform(1, 1), "fifo");
        engine.Submit([Job("run", 1, 100), Job("late", 1, 50) with { Deadline = TestSim.At(120) }], TestSim.T0);
        engine.RunPass(TestSim.T0);
        engine.RunPass(TestSim.At(80));

        Assert.Equal(JobState.Cancelled, engine.Jobs["late"].State);
        Assert.Contains("deadline", engine.Jobs["late"].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void FailNode_RequeuesItsJobsWithLostWork_AndRecoveryRestartsThem()
    {
        var engine = NewEngine(Cluster.Uniform(2, 4), "fifo");
        engine.Submit([Job("g", 8, 100) with { CheckpointInterval = TimeSpan.FromSeconds(20) }], TestSim.T0);
        engine.RunPass(TestSim.T0);

        var affected = engine.FailNode(1, TestSim.At(50));

        Assert.Equal("g", Assert.Single(affected).JobId);
        var g = engine.Jobs["g"];
        Assert.Equal((JobState.Pending, 40.0, 10.0 * 8), (g.State, g.ProgressSeconds, g.LostGpuSeconds));
        Assert.Empty(engine.RunPass(TestSim.At(51)).Starts);
        Assert.Contains("needs 8 GPUs", g.Reason, StringComparison.Ordinal);
        engine.RecoverNode(1, TestSim.At(60));
        var restart = Assert.Single(engine.RunPass(TestSim.At(60)).Starts);
        Assert.Equal((2, 40.0), (restart.Attempt, restart.ProgressSeconds));
    }

    [Fact]
    public void Finish_StaleAttempt_IsIgnored()
    {
        var engine = NewEngine(Cluster.Uniform(1, 1), "fifo");
        engine.Submit([Job("a", 1, 10)], TestSim.T0);
        engine.RunPass(TestSim.T0);

        Assert.False(engine.Finish("a", 7, true, TestSim.At(1)));
        Assert.True(engine.Finish("a", 1, true, TestSim.At(10)));
        Assert.False(engine.Finish("a", 1, true, TestSim.At(11)));
    }

    [Fact]
    public void Apply_PlanFromOlderState_Throws()
    {
        var engine = NewEngine(Cluster.Uniform(1, 1), "fifo");
        var plan = engine.Plan(TestSim.T0);
        engine.Submit([Job("a", 1, 10)], TestSim.T0);

        Assert.Throws<InvalidOperationException>(() => engine.Apply(plan));
    }

    [Fact]
    public void Plan_DoesNotChangeState()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo");
        engine.Submit([Job("a", 4, 10), Job("b", 4, 10)], TestSim.T0);

        var first = engine.Plan(TestSim.T0);
        var second = engine.Plan(TestSim.T0);

        Assert.Equal(first.Starts.Select(s => s.Placement.ToString()), second.Starts.Select(s => s.Placement.ToString()));
        Assert.Equal(2, engine.Pending.Count);
        Assert.Equal(0, engine.AllocatedGpus);
    }

    [Fact]
    public void Reason_ForQuotaBlockedJob_NamesTheTenantAndGpus()
    {
        var engine = NewEngine(new Cluster([new NodeSpec("n0", 8, "H100") { Rack = "r0" }, new NodeSpec("n1", 8, "H100") { Rack = "r0" }]), "fifo", tenants: [new TenantQuota("vision", 8) { BorrowingLimitGpus = 0 }, new TenantQuota("nlp", 8)]);
        engine.Submit([Job("v1", 8, 100, tenant: "vision") with { GpuTypes = ["H100"] }, Job("v2", 8, 100, tenant: "vision") with { GpuTypes = ["H100"], MaxSpan = TopologyLevel.Rack }], TestSim.T0);
        engine.RunPass(TestSim.T0);

        Assert.Equal("needs 8 H100 GPUs in one rack; tenant vision has used its quota (8/8 GPUs, may borrow 0)", engine.Jobs["v2"].Reason);
    }
}
