using LlmCore.Scheduling.Policies;
using static LlmCore.Scheduling.Tests.Specs;

namespace LlmCore.Scheduling.Tests.Policies;

/// <summary>Quotas per GPU type (Kueue ResourceFlavors): nominal, borrowing and lending per flavour, fungibility in the tenant's order.</summary>
public class ResourceFlavorTests
{
    /// <summary>Node 0: 8 H100; nodes 1, 2: 8 A100 each.</summary>
    private static Cluster Mixed() => new([new NodeSpec("h0", 8, "H100"), new NodeSpec("a0", 8, "A100"), new NodeSpec("a1", 8, "A100")]);

    // vision lists H100 (8) before A100 (16). Three 8-GPU jobs that accept any type: the first takes its H100 quota; the
    // second finds it used (no cohort to borrow from) and falls back to the next flavour, A100; so does the third.
    // A job that accepts only H100 then waits on its H100 quota although A100 GPUs are free.
    [Fact]
    public void Fungibility_JobTriesTheTenantsFlavoursInOrder()
    {
        var vision = new TenantQuota("vision", [new FlavorQuota("H100", 8) { BorrowingLimitGpus = 0 }, new FlavorQuota("A100", 16)]);
        var engine = NewEngine(Mixed(), "fifo", tenants: [vision]);
        engine.Submit([Job("v1", 8, 100, tenant: "vision"), Job("v2", 8, 100, tenant: "vision"), Job("v3", 4, 100, tenant: "vision")], TestSim.T0);
        var plan = engine.RunPass(TestSim.T0);

        Assert.Equal(["H100", "A100", "A100"], plan.Starts.Select(s => s.Placement.GpuType));
        Assert.Equal((8, 12), (engine.TenantUsedGpus("vision", "H100"), engine.TenantUsedGpus("vision", "A100")));
        Assert.Equal(24, vision.NominalGpus);

        engine.Submit([Job("h", 4, 10, tenant: "vision") with { GpuTypes = ["H100"] }], TestSim.At(1));
        Assert.Empty(engine.RunPass(TestSim.At(1)).Starts);
        Assert.Equal("needs 4 H100 GPUs; tenant vision has used its H100 quota (8/8 GPUs, may borrow 0)", engine.Jobs["h"].Reason);
    }

    // The tenant's order wins over the job's: a job that lists A100 first still tries H100 first when its tenant lists
    // H100 first (the administrator's preference, as Kueue's flavour order in a ClusterQueue).
    [Fact]
    public void Fungibility_TenantOrderBeforeJobOrder()
    {
        var vision = new TenantQuota("vision", [new FlavorQuota("H100", 8), new FlavorQuota("A100", 16)]);
        var engine = NewEngine(Mixed(), "fifo", tenants: [vision]);
        engine.Submit([Job("v", 8, 100, tenant: "vision") with { GpuTypes = ["A100", "H100"] }], TestSim.T0);

        Assert.Equal("H100", engine.RunPass(TestSim.T0).Starts.Single().Placement.GpuType);
    }

    // Cohort of two tenants with H100 quotas of 4 each on one 8-GPU H100 node. a borrows b's unused 4 H100 (its limit is
    // 4); b then submits 4 GPUs within its nominal quota: nothing is free, so b reclaims by preempting a's borrowing job.
    // A flavour a tenant does not list (A100 for b) is never used by it: b's A100-only job is rejected at submission.
    [Fact]
    public void BorrowingPerFlavour_AndReclaimByPreemption()
    {
        var cluster = new Cluster([new NodeSpec("h0", 8, "H100"), new NodeSpec("a0", 8, "A100")]);
        var a = new TenantQuota("a", [new FlavorQuota("H100", 4) { BorrowingLimitGpus = 4 }, new FlavorQuota("A100", 8)]);
        var b = new TenantQuota("b", [new FlavorQuota("H100", 4)]);
        var engine = NewEngine(cluster, "fifo", tenants: [a, b]);
        engine.Submit([Job("a1", 4, 100, tenant: "a") with { GpuTypes = ["H100"] }, Job("a2", 4, 100, tenant: "a") with { GpuTypes = ["H100"] }], TestSim.T0);
        Assert.Equal(2, engine.RunPass(TestSim.T0).Starts.Count);
        Assert.Equal(8, engine.TenantUsedGpus("a", "H100"));

        var rejected = engine.Submit([Job("bA", 4, 10, tenant: "b") with { GpuTypes = ["A100"] }], TestSim.At(1)).Single();
        Assert.Equal(JobState.Rejected, rejected.State);

        engine.Submit([Job("b1", 4, 10, tenant: "b")], TestSim.At(5));
        var plan = engine.RunPass(TestSim.At(5));
        var p = Assert.Single(plan.Preemptions);
        Assert.Equal((PreemptionReason.QuotaReclaim, "b1"), (p.Reason, p.ForJobId));
        Assert.Equal("b1", Assert.Single(plan.Starts).JobId);
        Assert.Equal((4, 4), (engine.TenantUsedGpus("a", "H100"), engine.TenantUsedGpus("b", "H100")));
    }

    [Fact]
    public void CohortMixingFlavouredAndPlainQuotas_IsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => NewEngine(Mixed(), "fifo", tenants: [new TenantQuota("a", [new FlavorQuota("H100", 8)]), new TenantQuota("b", 8)]));
        Assert.Contains("mixes quotas", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FlavorQuota_BadArguments_NameTheParameter()
    {
        Assert.Equal("nominalGpus", Assert.Throws<ArgumentOutOfRangeException>(() => new FlavorQuota("H100", -1)).ParamName);
        Assert.Equal("BorrowingLimitGpus", Assert.Throws<ArgumentOutOfRangeException>(() => new FlavorQuota("H100", 1) { BorrowingLimitGpus = -1 }).ParamName);
        Assert.Equal("flavors", Assert.Throws<ArgumentException>(() => new TenantQuota("a", [new FlavorQuota("H100", 1), new FlavorQuota("h100", 2)])).ParamName);
    }

    // A gang runs on one GPU type, so placement and quota must hold on the same type. One node of 8 A100 and two of 4
    // H100; tenant t may hold 4 A100 (no borrowing) and 8 H100. An 8-GPU single-node job accepting both types fits the
    // A100 node but not t's A100 quota, and t's H100 quota but no H100 node: it can never run and is rejected at
    // submission (before, each check passed on a different type and the job waited for ever; found by the
    // topology/flavour/elastic property tests, seed 223816782).
    [Fact]
    public void Submit_PlacementOnOneTypeAndQuotaOnAnother_IsRejected()
    {
        var cluster = new Cluster([new NodeSpec("a0", 8, "A100"), new NodeSpec("h0", 4, "H100"), new NodeSpec("h1", 4, "H100")]);
        var t = new TenantQuota("t", [new FlavorQuota("A100", 4) { BorrowingLimitGpus = 0 }, new FlavorQuota("H100", 8)]);
        var engine = NewEngine(cluster, "fifo", tenants: [t]);
        var job = engine.Submit([Job("j", 8, 10, tenant: "t") with { GpuTypes = ["A100", "H100"], MaxSpan = TopologyLevel.Node }], TestSim.T0).Single();

        Assert.Equal(JobState.Rejected, job.State);
        Assert.Contains("no GPU type has both a placement", job.Reason, StringComparison.Ordinal);

        // Either side alone is fine: 4 GPUs fit the A100 quota and the A100 node.
        var small = engine.Submit([Job("k", 4, 10, tenant: "t") with { GpuTypes = ["A100", "H100"], MaxSpan = TopologyLevel.Node }], TestSim.T0).Single();
        Assert.NotEqual(JobState.Rejected, small.State);
    }

    [Fact]
    public void Engine_FlavouredQuotaWithTenantWideLimit_ThrowsNamingTheTenant()
    {
        // A tenant-wide limit on a flavoured quota was silently ignored (only the flavours' limits are checked, as in
        // Kueue, where limits exist per flavour only): refused instead, for borrowing and for lending.
        var cluster = new Cluster([new NodeSpec("h0", 8, "H100")]);
        foreach (var quota in new[]
        {
            new TenantQuota("vision", [new FlavorQuota("H100", 4)]) { BorrowingLimitGpus = 0 },
            new TenantQuota("vision", [new FlavorQuota("H100", 4)]) { LendingLimitGpus = 2 },
        })
        {
            var error = Assert.Throws<ArgumentException>(() => new SchedulingEngine(cluster, SchedulingPolicy.Create("fifo"), [quota]));
            Assert.Equal("tenants", error.ParamName);
            Assert.Contains("'vision'", error.Message, StringComparison.Ordinal);
            Assert.Contains("FlavorQuota", error.Message, StringComparison.Ordinal);
        }

        // The same limits on the flavour are accepted.
        _ = new SchedulingEngine(cluster, SchedulingPolicy.Create("fifo"), [new TenantQuota("vision", [new FlavorQuota("H100", 4) { BorrowingLimitGpus = 0, LendingLimitGpus = 2 }])]);
    }
}
